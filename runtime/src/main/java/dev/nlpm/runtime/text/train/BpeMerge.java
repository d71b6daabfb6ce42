package dev.nlpm.runtime.text.train;

import java.util.Objects;

/**
 * One learned merge: the adjacent symbols {@code left right} become one. With a continuing-subword
 * prefix the merged symbol is {@code left + right} without {@code right}'s prefix.
 */
public record BpeMerge(String left, String right) {

  public BpeMerge {
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
  }

  /** The merge as a line of {@code merges.txt}: {@code "left right"}. */
  @Override
  public String toString() {
    return left + " " + right;
  }
}
