package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(family = "lstm_lm")
public interface CharLstm {
  int MAX_VOCAB = 256;
  int EMBEDDING = 128;
  int HIDDEN = 512;
  int LAYERS = 2;
  double DROPOUT = 0.2;
  @Section(kind = "tokenizer", variant = "char")
  interface TokenizerChar {
  }
  @Section(kind = "objective", variant = "clm")
  interface ObjectiveClm {
  }
  @Section(kind = "decoding", variant = "sampling")
  interface DecodingSampling {
    double TEMPERATURE = 0.8;
    int MAX_LENGTH = 500;
  }
  @Section(kind = "train")
  interface Train {
    String OPTIMIZER = "adam";
    double LR = 2e-3;
    int BATCH = 64;
    int SEQ = 128;
    double CLIP = 5.0;
  }
}
