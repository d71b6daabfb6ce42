package dev.nlpm.compiler.decl;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/** {@code key = value;} */
public record Assignment(Origin origin, String key, Value value) implements Member {

  public Assignment {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
