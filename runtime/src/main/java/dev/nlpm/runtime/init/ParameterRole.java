package dev.nlpm.runtime.init;

import java.util.Locale;

/**
 * What a parameter tensor is, read from its reference name: a normalization scale or shift, a
 * bias, or a weight. Initialization and weight decay both depend on it (BERT, GPT-2 and the
 * Transformer neither decay biases nor normalization parameters).
 */
public enum ParameterRole {
  /** A LayerNorm scale ({@code …LayerNorm.weight}, {@code ln_1.weight}, {@code layer_norm.weight}). */
  NORM_SCALE,
  /** A LayerNorm shift ({@code …LayerNorm.bias}, {@code ln_f.bias}). */
  NORM_SHIFT,
  /** Any other bias. */
  BIAS,
  /** A weight matrix or embedding table. */
  WEIGHT;

  /** The role of the tensor with this reference name. */
  public static ParameterRole of(String name) {
    int dot = name.lastIndexOf('.');
    String owner = dot < 0 ? "" : name.substring(0, dot);
    String leaf = dot < 0 ? name : name.substring(dot + 1);
    String module = owner.substring(owner.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    boolean norm = module.equals("layernorm") || module.startsWith("ln_") || module.equals("layer_norm")
        || module.endsWith("_layer_norm") || module.equals("norm");
    if (norm && (leaf.equals("weight") || leaf.equals("gamma"))) {
      return NORM_SCALE;
    }
    if (norm && (leaf.equals("bias") || leaf.equals("beta"))) {
      return NORM_SHIFT;
    }
    return leaf.equals("bias") || leaf.startsWith("bias_") ? BIAS : WEIGHT;
  }

  /** Whether decoupled weight decay applies: to weights only. */
  public boolean decays() {
    return this == WEIGHT;
  }
}
