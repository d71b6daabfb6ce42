package dev.nlpm.compiler.graph;

/** Where a LayerNorm sits: its declared placement in a layer, or one of the fixed places. */
public enum NormPosition {
  /** On the summed embeddings (BERT's embeddings.LayerNorm). */
  EMBEDDINGS("embeddings"),
  /** Before a sublayer, on its input (pre-LayerNorm: GPT-2). */
  PRE("pre"),
  /** After a sublayer's residual sum (post-LayerNorm: BERT). */
  POST("post"),
  /** After the last layer of a pre-LayerNorm stack (GPT-2's ln_f). */
  FINAL("final"),
  /** Inside a head's transform. */
  HEAD("head");

  private final String label;

  NormPosition(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
