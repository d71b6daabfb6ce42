package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/** Dropout probabilities, applied in training only. */
public record Dropout(Origin origin, double hidden, double attention) {

  public Dropout {
    Objects.requireNonNull(origin, "origin");
  }
}
