package dev.nlpm.compiler.ir;

import java.util.Optional;

/** Activation functions of feed-forward blocks. */
public enum Activation implements Keyword {
  /** The exact form, x·Φ(x) with erf (BERT). */
  GELU("gelu"),
  /** The tanh approximation (GPT-2's "gelu_new"). */
  GELU_TANH("gelu_tanh"),
  RELU("relu"),
  TANH("tanh"),
  SILU("silu");

  private final String keyword;

  Activation(String keyword) {
    this.keyword = keyword;
  }

  @Override
  public String keyword() {
    return keyword;
  }

  public static Optional<Activation> fromKeyword(String word) {
    return Keyword.lookup(values(), word);
  }
}
