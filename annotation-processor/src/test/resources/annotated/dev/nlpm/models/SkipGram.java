package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(family = "word2vec")
public interface SkipGram {
  int DIM = 100;
  int MAX_VOCAB = 2000000;
  int MIN_COUNT = 5;
  @Section(kind = "objective", variant = "skipgram")
  interface ObjectiveSkipgram {
    int WINDOW = 5;
    String OUTPUT = "negative_sampling";
    int NEGATIVE = 5;
    double POWER = 0.75;
    double SUBSAMPLE = 1e-3;
  }
  @Section(kind = "train")
  interface Train {
    double LR = 0.025;
    double MIN_LR = 0.0001;
    int EPOCHS = 5;
    int THREADS = 0;
  }
}
