package dev.nlpm.compiler.ir;

import java.util.Optional;

/** Recurrent cells. */
public enum RnnCell implements Keyword {
  LSTM("lstm"),
  GRU("gru");

  private final String keyword;

  RnnCell(String keyword) {
    this.keyword = keyword;
  }

  @Override
  public String keyword() {
    return keyword;
  }

  public static Optional<RnnCell> fromKeyword(String word) {
    return Keyword.lookup(values(), word);
  }
}
