package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;
import java.util.Optional;

/**
 * The attention of an RNN encoder-decoder: additive (Bahdanau), or Luong's dot and general
 * scores.
 */
public record RnnAttention(Origin origin, Score score) {

  public RnnAttention {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(score, "score");
  }

  public enum Score implements Keyword {
    ADDITIVE("additive"),
    DOT("dot"),
    GENERAL("general");

    private final String keyword;

    Score(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }

    public static Optional<Score> fromKeyword(String word) {
      return Keyword.lookup(values(), word);
    }
  }
}
