package dev.nlpm.compiler.ir;

import java.util.Optional;

/** How a transformer knows where a token is. */
public enum Positions implements Keyword {
  /** A trained table of {@code max_length} vectors. */
  LEARNED("learned"),
  /** Fixed sines and cosines; no parameters. */
  SINUSOIDAL("sinusoidal"),
  /** Relative positions inside attention (Transformer-XL); no absolute table. */
  RELATIVE("relative"),
  /** No positions at all: the embeddings carry none, and attention sees no order. */
  NONE("none");

  private final String keyword;

  Positions(String keyword) {
    this.keyword = keyword;
  }

  @Override
  public String keyword() {
    return keyword;
  }

  public static Optional<Positions> fromKeyword(String word) {
    return Keyword.lookup(values(), word);
  }
}
