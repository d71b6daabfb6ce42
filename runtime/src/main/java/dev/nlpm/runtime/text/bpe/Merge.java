package dev.nlpm.runtime.text.bpe;

import java.util.Objects;

/** One BPE merge: two adjacent symbols that become {@link #merged()}. */
public record Merge(String left, String right) {

  public Merge {
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    if (left.isEmpty() || right.isEmpty()) {
      throw new IllegalArgumentException("a merge joins two non-empty symbols");
    }
  }

  /** The symbol the merge makes. */
  public String merged() {
    return left + right;
  }

  @Override
  public String toString() {
    return left + " " + right;
  }
}
