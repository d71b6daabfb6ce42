package dev.nlpm.compiler.plan;

/**
 * One dimension of a tensor's shape: a size known at build time, or the vocabulary size of a
 * model whose vocabulary is built at run time (then {@code size} is its declared maximum).
 */
public record Extent(int size, boolean vocabulary) {

  public static Extent of(int size) {
    return new Extent(size, false);
  }

  @Override
  public String toString() {
    return vocabulary ? "vocab" : Integer.toString(size);
  }
}
