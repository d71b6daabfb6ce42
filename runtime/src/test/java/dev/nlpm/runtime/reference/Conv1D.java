package dev.nlpm.runtime.reference;

/**
 * {@code y = x·W + b}, the weight stored {@code [in, out]} as HuggingFace's GPT-2 {@code Conv1D}
 * stores it (the transpose of {@link Linear}'s layout).
 */
public final class Conv1D {

  private Conv1D() {}

  /**
   * @param x [n, in]
   * @param w [in, out]
   * @param b [out], or null for no bias
   * @param y [n, out], written
   */
  public static void forward(double[] x, double[] w, double[] b, double[] y, int n, int in, int out) {
    for (int r = 0; r < n; r++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b[o];
        for (int i = 0; i < in; i++) {
          s += x[r * in + i] * w[i * out + o];
        }
        y[r * out + o] = s;
      }
    }
  }

  /**
   * Accumulates the gradients of {@code forward}.
   *
   * @param dy [n, out]
   * @param dx [n, in], added to; null to skip
   * @param dw [in, out], added to
   * @param db [out], added to; null when there is no bias
   */
  public static void backward(
      double[] dy, double[] x, double[] w, double[] dx, double[] dw, double[] db, int n, int in, int out) {
    for (int r = 0; r < n; r++) {
      for (int o = 0; o < out; o++) {
        double g = dy[r * out + o];
        if (db != null) {
          db[o] += g;
        }
        for (int i = 0; i < in; i++) {
          dw[i * out + o] += g * x[r * in + i];
          if (dx != null) {
            dx[r * in + i] += g * w[i * out + o];
          }
        }
      }
    }
  }
}
