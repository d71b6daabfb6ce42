package dev.nlpm.runtime.parameters;

/**
 * What a parameter tensor is, as the compiler's layer graph declared it: the generated {@code
 * <Model>Layout} gives every {@link TensorSlot} its role, so initialization and weight decay read
 * it instead of guessing it back from the tensor's name. The constants are the graph's own ({@code
 * dev.nlpm.compiler.graph.ParameterRole}), one for one and in its order, so the Layout writes the
 * graph's role under its own name.
 */
public enum ParameterRole {
  /** A table of vectors looked up by index: token, position, token-type and length embeddings. */
  EMBEDDING_TABLE("embedding"),
  /** The matrix of a linear map (including a recurrent cell's input and state matrices). */
  WEIGHT("weight"),
  /** The bias of a linear map or of an output layer. */
  BIAS("bias"),
  /** A LayerNorm's scale. */
  NORM_GAIN("norm gain"),
  /** A LayerNorm's shift. */
  NORM_BIAS("norm bias"),
  /** Transformer-XL's per-head content and position biases (u and v), added to the queries. */
  POSITION_BIAS("position bias"),
  /** word2vec's output weights: one row per word (negative sampling) or per tree node. */
  OUTPUT_TABLE("output table");

  private final String label;

  ParameterRole(String label) {
    this.label = label;
  }

  /** How {@link ParameterLayout#describe} names the role (as the graph's dump does). */
  public String label() {
    return label;
  }

  /**
   * Whether decoupled weight decay applies: to matrices and tables, not to biases and
   * normalization parameters, as BERT, GPT-2 and the Transformer train (PyTorch's two parameter
   * groups). Transformer-XL's u and v are biases: HuggingFace's Trainer leaves every {@code *bias*}
   * undecayed.
   */
  public boolean decays() {
    return switch (this) {
      case EMBEDDING_TABLE, WEIGHT, OUTPUT_TABLE -> true;
      case BIAS, NORM_GAIN, NORM_BIAS, POSITION_BIAS -> false;
    };
  }
}
