package dev.nlpm.runtime.optim;

/**
 * The hyperparameters of {@link AdamW} other than the learning rate, which changes every step and
 * is passed to {@link AdamW#step}. Checked here, with PyTorch's bounds, so that a bad value fails
 * when the optimizer is built rather than as NaNs some steps later.
 *
 * @param beta1 the decay of the first moment (gradient mean), in [0, 1)
 * @param beta2 the decay of the second moment (uncentered variance), in [0, 1)
 * @param epsilon added to the square root of the corrected second moment, at least 0
 * @param weightDecay the decoupled weight decay of the decayed ranges, at least 0
 */
public record AdamWSettings(double beta1, double beta2, double epsilon, double weightDecay) {

  /** torch.optim.AdamW's and BERT's first-moment decay. */
  public static final double DEFAULT_BETA1 = 0.9;
  /** torch.optim.AdamW's and BERT's second-moment decay. */
  public static final double DEFAULT_BETA2 = 0.999;
  /** torch.optim.AdamW's epsilon (BERT's TensorFlow code used 1e-6). */
  public static final double DEFAULT_EPSILON = 1e-8;

  public AdamWSettings {
    requireBeta("beta1", beta1);
    requireBeta("beta2", beta2);
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("AdamW epsilon must be finite and at least 0, got " + epsilon);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("AdamW weight decay must be finite and at least 0, got " + weightDecay);
    }
  }

  /** PyTorch's default betas and epsilon with this weight decay (BERT uses 0.01). */
  public static AdamWSettings withWeightDecay(double weightDecay) {
    return new AdamWSettings(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, weightDecay);
  }

  private static void requireBeta(String name, double beta) {
    if (!(beta >= 0 && beta < 1)) {
      throw new IllegalArgumentException("AdamW " + name + " must be in [0, 1), got " + beta);
    }
  }
}
