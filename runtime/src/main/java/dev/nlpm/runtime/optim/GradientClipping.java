package dev.nlpm.runtime.optim;

/**
 * Scales a gradient down when its global L2 norm is too large, as
 * {@code torch.nn.utils.clip_grad_norm_} does: BERT clips to 1 before every step, which keeps one
 * bad batch from throwing the weights far off.
 */
public final class GradientClipping {

  private GradientClipping() {}

  /**
   * Clips {@code grads} (every parameter's, in one flat buffer) to global L2 norm {@code maxNorm}:
   * with {@code norm} the L2 norm of the whole buffer (summed in double), multiplies every element
   * by {@code (float) (maxNorm / (norm + 1e-6))} when that is below 1, and changes nothing
   * otherwise. PyTorch's 1e-6 keeps the division finite; it leaves the clipped norm a hair under
   * {@code maxNorm}.
   *
   * <p>A non-finite norm (an overflowed or NaN gradient) leaves the buffer as it is, where PyTorch
   * would fill it with NaNs or zeros; the caller sees the norm and can skip the step.
   *
   * @return the norm before clipping
   */
  public static double clipGlobalNorm(float[] grads, double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("the maximum gradient norm must be finite and above 0, got " + maxNorm);
    }
    double sumOfSquares = 0;
    for (float g : grads) {
      sumOfSquares += (double) g * g;
    }
    double norm = Math.sqrt(sumOfSquares);
    if (!Double.isFinite(norm)) {
      return norm;
    }
    double coefficient = maxNorm / (norm + 1e-6);
    if (coefficient < 1) {
      float scale = (float) coefficient;
      for (int i = 0; i < grads.length; i++) {
        grads[i] *= scale;
      }
    }
    return norm;
  }

  /** {@link #clipGlobalNorm(float[], double)} over a buffer held as rows (their concatenation). */
  public static double clipGlobalNorm(float[][] rows, double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("the maximum gradient norm must be finite and above 0, got " + maxNorm);
    }
    double sumOfSquares = 0;
    for (float[] row : rows) {
      for (float g : row) {
        sumOfSquares += (double) g * g;
      }
    }
    double norm = Math.sqrt(sumOfSquares);
    if (!Double.isFinite(norm)) {
      return norm;
    }
    double coefficient = maxNorm / (norm + 1e-6);
    if (coefficient < 1) {
      float scale = (float) coefficient;
      for (float[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          row[i] *= scale;
        }
      }
    }
    return norm;
  }
}
