package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "SkipGram")
@Remove(kind = "objective", variant = "skipgram")
public interface Cbow {
  @Section(kind = "objective", variant = "cbow")
  interface ObjectiveCbow {
    int WINDOW = 5;
    String OUTPUT = "negative_sampling";
    int NEGATIVE = 5;
    boolean MEAN = true;
  }
  @Section(kind = "train")
  interface Train {
    double LR = 0.05;
  }
}
