package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "BertBase")
@Remove(kind = "objective", variant = "nsp")
public interface LinformerBase {
  String NAMES = "nlpm";
  @Section(kind = "attention", variant = "linformer")
  interface AttentionLinformer {
    int K = 256;
    String SHARING = "key_value";
  }
}
