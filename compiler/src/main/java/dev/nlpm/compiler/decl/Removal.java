package dev.nlpm.compiler.decl;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code remove kind variant;}: drops a section inherited from the parent, for example {@code
 * remove objective nsp;} in RoBERTa, or {@code remove key;} to drop an inherited assignment.
 */
public record Removal(Origin origin, String kind, Optional<Word> variant) implements Member {

  public Removal {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(variant, "variant");
  }
}
