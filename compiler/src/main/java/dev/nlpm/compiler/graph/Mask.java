package dev.nlpm.compiler.graph;

/** Which keys a query may attend to. */
public enum Mask {
  /** Every non-padding key of the same sequence (an encoder's self-attention). */
  PADDING("padding"),
  /** Keys at or before the query's position (a decoder's self-attention). */
  CAUSAL("causal"),
  /** Keys within the window around the query, padding excluded. */
  WINDOW("window"),
  /** Keys within the window at or before the query. */
  CAUSAL_WINDOW("causal window"),
  /** Every non-padding position of the source (cross-attention to the encoder's states). */
  SOURCE_PADDING("source padding");

  private final String label;

  Mask(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
