package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(family = "decoder")
public interface Gpt2Small {
  int VOCAB = 50257;
  int HIDDEN = 768;
  int LAYERS = 12;
  int HEADS = 12;
  int INTERMEDIATE = 3072;
  int MAX_LENGTH = 1024;
  String ACTIVATION = "gelu_tanh";
  boolean TIE_EMBEDDINGS = true;
  @Section(kind = "norm")
  interface Norm {
    String PLACEMENT = "pre";
    double EPS = 1e-5;
  }
  @Section(kind = "attention", variant = "causal")
  interface AttentionCausal {
  }
  @Section(kind = "tokenizer", variant = "bpe")
  interface TokenizerBpe {
  }
  @Section(kind = "objective", variant = "clm")
  interface ObjectiveClm {
  }
  @Section(kind = "decoding", variant = "greedy")
  interface DecodingGreedy {
    int MAX_LENGTH = 64;
  }
  @Section(kind = "decoding", variant = "beam")
  interface DecodingBeam {
    int WIDTH = 4;
    double LENGTH_PENALTY = 1.0;
  }
  @Section(kind = "decoding", variant = "sampling")
  interface DecodingSampling {
    double TEMPERATURE = 0.8;
    int TOP_K = 40;
    double TOP_P = 0.95;
    int SEED = 1;
  }
  @Section(kind = "train")
  interface Train {
    double LR = 2.5e-4;
    int WARMUP = 2000;
    int BATCH = 64;
    int SEQ = 1024;
  }
}
