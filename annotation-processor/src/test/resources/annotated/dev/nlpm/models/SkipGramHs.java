package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "SkipGram")
public interface SkipGramHs {
  @Section(kind = "objective", variant = "skipgram")
  @Remove(kind = "negative")
  @Remove(kind = "power")
  interface ObjectiveSkipgram {
    String OUTPUT = "hierarchical_softmax";
  }
}
