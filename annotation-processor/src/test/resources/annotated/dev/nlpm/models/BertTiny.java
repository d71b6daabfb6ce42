package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "BertBase")
public interface BertTiny {
  int HIDDEN = 128;
  int LAYERS = 2;
  int HEADS = 2;
  int INTERMEDIATE = 512;
  @Section(kind = "train")
  interface Train {
    double LR = 1e-3;
    int WARMUP = 100;
    int STEPS = 10000;
    int BATCH = 32;
  }
}
