package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(family = "rnn_seq2seq")
public interface RnnSearch {
  int SOURCE_VOCAB = 30000;
  int TARGET_VOCAB = 30000;
  int EMBEDDING = 620;
  int HIDDEN = 1000;
  int LAYERS = 1;
  String CELL = "gru";
  boolean BIDIRECTIONAL = true;
  @Section(kind = "attention", variant = "additive")
  interface AttentionAdditive {
  }
  @Section(kind = "objective", variant = "translation")
  interface ObjectiveTranslation {
    double LABEL_SMOOTHING = 0.0;
  }
  @Section(kind = "decoding", variant = "beam")
  interface DecodingBeam {
    int WIDTH = 12;
    int MAX_LENGTH = 80;
  }
  @Section(kind = "train")
  interface Train {
    String OPTIMIZER = "adam";
    double LR = 1e-3;
    int BATCH = 80;
    int SEQ = 50;
  }
}
