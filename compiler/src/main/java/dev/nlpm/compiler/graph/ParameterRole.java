package dev.nlpm.compiler.graph;

/**
 * What a parameter slot is, as the lowering that declares it knows: initialization and weight
 * decay depend on it (BERT, GPT-2 and the Transformer decay neither biases nor normalization
 * parameters), so it travels with the slot instead of being guessed back from the tensor's name.
 * The generated Layout gives each slot its role as the runtime's {@code
 * dev.nlpm.runtime.parameters.ParameterRole} of the same name (the two enums list the same constants,
 * which codegen-tests' {@code ParameterRolesTest} pins); the runtime decides initialization and
 * decay from it.
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

  /** How the graph's dump names the role. */
  public String label() {
    return label;
  }
}
