package dev.nlpm.runtime.word2vec;

/**
 * The vector loops word2vec spends its time in, written plainly over flat arrays with offsets:
 * the reference the generated, dimension-specialized kernels are checked against.
 */
final class Kernels {

  private Kernels() {}

  /**
   * {@code x[xo..xo+n) · y[yo..yo+n)}, in eight partial sums: HotSpot does not reorder a float
   * reduction on its own, and one running sum serializes on the add's latency.
   */
  static float dot(float[] x, int xo, float[] y, int yo, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int i = 0;
    for (; i + 7 < n; i += 8) {
      s0 += x[xo + i] * y[yo + i];
      s1 += x[xo + i + 1] * y[yo + i + 1];
      s2 += x[xo + i + 2] * y[yo + i + 2];
      s3 += x[xo + i + 3] * y[yo + i + 3];
      s4 += x[xo + i + 4] * y[yo + i + 4];
      s5 += x[xo + i + 5] * y[yo + i + 5];
      s6 += x[xo + i + 6] * y[yo + i + 6];
      s7 += x[xo + i + 7] * y[yo + i + 7];
    }
    for (; i < n; i++) {
      s0 += x[xo + i] * y[yo + i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /** {@code y[yo..yo+n) += a · x[xo..xo+n)}. */
  static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
    for (int i = 0; i < n; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  /** {@code x[0..n) *= a}. */
  static void scale(float a, float[] x, int n) {
    for (int i = 0; i < n; i++) {
      x[i] *= a;
    }
  }
}
