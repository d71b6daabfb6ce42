package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "Gpt2Small")
public interface GptMini {
  int HIDDEN = 256;
  int LAYERS = 4;
  int HEADS = 4;
  int INTERMEDIATE = 1024;
  int MAX_LENGTH = 256;
  @Section(kind = "train")
  interface Train {
    int BATCH = 8;
    int SEQ = 128;
  }
}
