package dev.nlpm.runtime.reference;

/** {@code y = x·Wᵀ + b}, the weight stored {@code [out, in]} as PyTorch's {@code nn.Linear} stores it. */
public final class Linear {

  private Linear() {}

  /**
   * @param x [n, in]
   * @param w [out, in]
   * @param b [out], or null for no bias
   * @param y [n, out], written
   */
  public static void forward(double[] x, double[] w, double[] b, double[] y, int n, int in, int out) {
    for (int r = 0; r < n; r++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b[o];
        for (int i = 0; i < in; i++) {
          s += x[r * in + i] * w[o * in + i];
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
   * @param dw [out, in], added to
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
          dw[o * in + i] += g * x[r * in + i];
          if (dx != null) {
            dx[r * in + i] += g * w[o * in + i];
          }
        }
      }
    }
  }
}
