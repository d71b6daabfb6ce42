package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "BertBase")
@Remove(kind = "objective", variant = "nsp")
public interface AlbertBase {
  int VOCAB = 30000;
  String NAMES = "albert";
  String SHARING = "all";
  @Section(kind = "embeddings")
  interface Embeddings {
    int SIZE = 128;
  }
  @Section(kind = "objective", variant = "sop")
  interface ObjectiveSop {
  }
  @Section(kind = "train")
  interface Train {
    double LR = 0.00176;
    int WARMUP = 3125;
    int STEPS = 125000;
    int BATCH = 4096;
    int SEQ = 512;
  }
}
