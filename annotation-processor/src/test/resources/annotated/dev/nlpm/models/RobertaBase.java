package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "BertBase")
@Remove(kind = "objective", variant = "nsp")
public interface RobertaBase {
  int VOCAB = 50265;
  int MAX_LENGTH = 514;
  String NAMES = "roberta";
  @Section(kind = "embeddings")
  interface Embeddings {
    int SEGMENTS = 1;
  }
  @Section(kind = "norm")
  interface Norm {
    double EPS = 1e-5;
  }
  @Section(kind = "tokenizer", variant = "bpe")
  interface TokenizerBpe {
  }
  @Section(kind = "objective", variant = "mlm")
  interface ObjectiveMlm {
    String MASKING = "dynamic";
  }
  @Section(kind = "train")
  interface Train {
    double LR = 6e-4;
    int WARMUP = 24000;
    int STEPS = 500000;
    int BATCH = 8000;
    int SEQ = 512;
  }
}
