package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "BertBase")
public interface BertMini {
  int HIDDEN = 256;
  int LAYERS = 4;
  int HEADS = 4;
  int INTERMEDIATE = 1024;
}
