package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(family = "decoder")
public interface TransformerXlBase {
  int VOCAB = 267735;
  int HIDDEN = 410;
  int LAYERS = 16;
  int HEADS = 10;
  int INTERMEDIATE = 2100;
  int MAX_LENGTH = 150;
  String ACTIVATION = "relu";
  boolean TIE_EMBEDDINGS = true;
  String NAMES = "transfo_xl";
  @Section(kind = "embeddings")
  interface Embeddings {
    String POSITIONS = "relative";
  }
  @Section(kind = "norm")
  interface Norm {
    String PLACEMENT = "post";
    double EPS = 1e-5;
  }
  @Section(kind = "attention", variant = "xl")
  interface AttentionXl {
    int MEMORY = 150;
  }
  @Section(kind = "tokenizer", variant = "whitespace")
  interface TokenizerWhitespace {
  }
  @Section(kind = "objective", variant = "clm")
  interface ObjectiveClm {
  }
  @Section(kind = "decoding", variant = "greedy")
  interface DecodingGreedy {
  }
  @Section(kind = "train")
  interface Train {
    double LR = 2.5e-4;
    int BATCH = 60;
    int SEQ = 150;
  }
}
