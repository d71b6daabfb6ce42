package dev.nlpm.runtime.ops;

/**
 * LayerNorm over each row's {@code c = gain.length} features: {@code y = (x − mean) · rstd · gain +
 * bias}, with the row's mean and {@code rstd = 1/√(var + eps)} saved for backward. The sums run in
 * double, the rest in float.
 */
public final class LayerNorm {

  private LayerNorm() {}

  /**
   * Forward for rows {@code [from, to)}.
   *
   * @param x    {@code [rows][c]} input
   * @param gain {@code [c]}
   * @param bias {@code [c]}
   * @param y    {@code [rows][c]} output (may not be {@code x})
   * @param mean {@code [rows]} saved
   * @param rstd {@code [rows]} saved
   */
  public static void forward(float[][] x, float[] gain, float[] bias, float[][] y, float[] mean, float[] rstd, double eps, int from, int to) {
    int c = gain.length;
    for (int r = from; r < to; r++) {
      float[] xr = x[r];
      double sum = 0;
      for (int i = 0; i < c; i++) {
        sum += xr[i];
      }
      float m = (float) (sum / c);
      double squares = 0;
      for (int i = 0; i < c; i++) {
        double dev = xr[i] - m;
        squares += dev * dev;
      }
      float s = (float) (1 / Math.sqrt(squares / c + eps));
      mean[r] = m;
      rstd[r] = s;
      float[] yr = y[r];
      for (int i = 0; i < c; i++) {
        yr[i] = (xr[i] - m) * s * gain[i] + bias[i];
      }
    }
  }

  /**
   * Backward for rows {@code [from, to)}: {@code dx = rstd · (g − mean(g) − x̂ · mean(g · x̂))} with
   * {@code g = dy · gain} (written, or added when {@code accumulate}); with {@code dGain} and {@code
   * dBias} given, {@link #parameterGradients} for the same rows too (pass null and call that
   * serially when the rows are split over threads: the parameter gradients sum over rows).
   *
   * @param dy   {@code [rows][c]} gradient of the output
   * @param x    {@code [rows][c]} the forward input
   * @param dx   {@code [rows][c]} gradient of the input
   */
  public static void backward(float[][] dy, float[][] x, float[] gain, float[] mean, float[] rstd, float[][] dx,
      boolean accumulate, float[] dGain, float[] dBias, int from, int to) {
    int c = gain.length;
    for (int r = from; r < to; r++) {
      float[] dyr = dy[r];
      float[] xr = x[r];
      float m = mean[r];
      float s = rstd[r];
      float gMean = 0;
      float gxMean = 0;
      for (int i = 0; i < c; i++) {
        float xhat = (xr[i] - m) * s;
        float gi = dyr[i] * gain[i];
        gMean += gi;
        gxMean += gi * xhat;
      }
      gMean /= c;
      gxMean /= c;
      float[] dxr = dx[r];
      for (int i = 0; i < c; i++) {
        float xhat = (xr[i] - m) * s;
        float value = s * (dyr[i] * gain[i] - gMean - xhat * gxMean);
        dxr[i] = accumulate ? dxr[i] + value : value;
      }
    }
    if (dGain != null) {
      parameterGradients(dy, x, mean, rstd, dGain, dBias, from, to);
    }
  }

  /**
   * {@code dGain += Σ_r dy[r] · x̂[r]} and {@code dBias += Σ_r dy[r]} over rows {@code [from, to)}
   * in order ({@code [c]} each).
   */
  public static void parameterGradients(float[][] dy, float[][] x, float[] mean, float[] rstd, float[] dGain, float[] dBias, int from, int to) {
    int c = dGain.length;
    for (int r = from; r < to; r++) {
      float[] dyr = dy[r];
      float[] xr = x[r];
      float m = mean[r];
      float s = rstd[r];
      for (int i = 0; i < c; i++) {
        dGain[i] += dyr[i] * ((xr[i] - m) * s);
        dBias[i] += dyr[i];
      }
    }
  }
}
