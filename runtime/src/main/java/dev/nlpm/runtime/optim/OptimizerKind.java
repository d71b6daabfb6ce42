package dev.nlpm.runtime.optim;

/**
 * The language's {@code optimizer}: which update rule a trainer applies, each as PyTorch's
 * optimizer of that name computes it with its default betas and no momentum for SGD.
 */
public enum OptimizerKind {
  /** {@code torch.optim.AdamW}: Adam with the weight decay applied to the parameters, decoupled from the gradient. */
  ADAMW,
  /** {@code torch.optim.Adam}: the weight decay added to the gradient ({@code g + λ·p}) before the moments. */
  ADAM,
  /** {@code torch.optim.SGD} without momentum: {@code p -= lr · (g + λ·p)}. */
  SGD;

  /** The keyword the language and the command line use. */
  public String keyword() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
