package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;
import java.util.Optional;

/**
 * Layer normalization: where it sits relative to the residual (post: BERT; pre: GPT-2) and its
 * epsilon.
 */
public record Norm(Origin origin, Placement placement, double eps) {

  public Norm {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(placement, "placement");
  }

  public enum Placement implements Keyword {
    PRE("pre"),
    POST("post");

    private final String keyword;

    Placement(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }

    public static Optional<Placement> fromKeyword(String word) {
      return Keyword.lookup(values(), word);
    }
  }
}
