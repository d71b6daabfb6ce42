package dev.nlpm.compiler.decl;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/** An identifier as written, with where it was written. */
public record Word(Origin origin, String text) {

  public Word {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(text, "text");
  }
}
