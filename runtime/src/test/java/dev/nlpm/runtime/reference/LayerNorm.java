package dev.nlpm.runtime.reference;

/** LayerNorm over the last dimension: {@code (x − mean) / sqrt(var + eps) · γ + β}, the biased variance. */
public final class LayerNorm {

  private LayerNorm() {}

  /**
   * @param x [n, c]
   * @param y [n, c], written
   * @param mean [n], written: saved for backward
   * @param rstd [n], written: 1 / sqrt(var + eps), saved for backward
   */
  public static void forward(double[] x, double[] gamma, double[] beta, double[] y, double[] mean, double[] rstd, int n, int c, double eps) {
    for (int r = 0; r < n; r++) {
      double m = 0;
      for (int i = 0; i < c; i++) {
        m += x[r * c + i];
      }
      m /= c;
      double v = 0;
      for (int i = 0; i < c; i++) {
        double d = x[r * c + i] - m;
        v += d * d;
      }
      v /= c;
      double s = 1 / Math.sqrt(v + eps);
      mean[r] = m;
      rstd[r] = s;
      for (int i = 0; i < c; i++) {
        y[r * c + i] = (x[r * c + i] - m) * s * gamma[i] + beta[i];
      }
    }
  }

  /**
   * Accumulates the gradients: with x̂ the normalized input and g = dy·γ,
   * {@code dx = rstd · (g − mean(g) − x̂ · mean(g · x̂))}.
   */
  public static void backward(
      double[] dy, double[] x, double[] gamma, double[] mean, double[] rstd,
      double[] dx, double[] dgamma, double[] dbeta, int n, int c) {
    for (int r = 0; r < n; r++) {
      double gMean = 0;
      double gxMean = 0;
      for (int i = 0; i < c; i++) {
        double xhat = (x[r * c + i] - mean[r]) * rstd[r];
        double g = dy[r * c + i] * gamma[i];
        gMean += g;
        gxMean += g * xhat;
        dgamma[i] += dy[r * c + i] * xhat;
        dbeta[i] += dy[r * c + i];
      }
      gMean /= c;
      gxMean /= c;
      for (int i = 0; i < c; i++) {
        double xhat = (x[r * c + i] - mean[r]) * rstd[r];
        double g = dy[r * c + i] * gamma[i];
        dx[r * c + i] += rstd[r] * (g - gMean - xhat * gxMean);
      }
    }
  }
}
