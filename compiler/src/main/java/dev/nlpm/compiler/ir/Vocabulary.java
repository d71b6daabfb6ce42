package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/**
 * A vocabulary size: fixed at build time ({@code vocab = 30522;}), or known only at run time,
 * once a vocabulary is trained, with a declared maximum ({@code max_vocab = 100000;}).
 *
 * @param size the size, or the maximum when {@code runtime}
 * @param runtime whether the actual size is a run-time dimension
 */
public record Vocabulary(Origin origin, int size, boolean runtime) {

  public Vocabulary {
    Objects.requireNonNull(origin, "origin");
  }
}
