package dev.nlpm.compiler.ir;

import java.util.Optional;

/** Cross-layer parameter sharing (ALBERT shares everything). */
public enum Sharing implements Keyword {
  NONE("none"),
  ALL("all"),
  ATTENTION("attention"),
  FFN("ffn");

  private final String keyword;

  Sharing(String keyword) {
    this.keyword = keyword;
  }

  @Override
  public String keyword() {
    return keyword;
  }

  public static Optional<Sharing> fromKeyword(String word) {
    return Keyword.lookup(values(), word);
  }
}
