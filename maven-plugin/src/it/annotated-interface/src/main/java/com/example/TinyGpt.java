package com.example;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Section;

/** A model declared as an annotated interface; javac runs the nlpm processor on it. */
@Model(family = "decoder")
public interface TinyGpt {
  int VOCAB = 500;
  int HIDDEN = 32;
  int LAYERS = 2;
  int HEADS = 2;
  int MAX_LENGTH = 64;

  @Section(kind = "objective", variant = "clm")
  interface Clm {}
}
