package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(family = "encoder")
public interface BertBase {
  int VOCAB = 30522;
  int HIDDEN = 768;
  int LAYERS = 12;
  int HEADS = 12;
  int INTERMEDIATE = 3072;
  int MAX_LENGTH = 512;
  String ACTIVATION = "gelu";
  @Section(kind = "embeddings")
  interface Embeddings {
    String POSITIONS = "learned";
    int SEGMENTS = 2;
  }
  @Section(kind = "norm")
  interface Norm {
    String PLACEMENT = "post";
    double EPS = 1e-12;
  }
  @Section(kind = "tokenizer", variant = "wordpiece")
  interface TokenizerWordpiece {
    boolean LOWERCASE = true;
  }
  @Section(kind = "objective", variant = "mlm")
  interface ObjectiveMlm {
    double RATE = 0.15;
    double MASK = 0.8;
    double RANDOM = 0.1;
    double KEEP = 0.1;
    String MASKING = "static";
  }
  @Section(kind = "objective", variant = "nsp")
  interface ObjectiveNsp {
  }
  @Section(kind = "train")
  interface Train {
    String OPTIMIZER = "adamw";
    double LR = 1e-4;
    int WARMUP = 10000;
    int STEPS = 1000000;
    int BATCH = 256;
    int SEQ = 128;
    double WEIGHT_DECAY = 0.01;
  }
}
