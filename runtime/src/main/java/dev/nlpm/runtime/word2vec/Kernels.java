package dev.nlpm.runtime.word2vec;

/**
 * The vector loops word2vec spends its time in, written plainly over flat arrays with offsets:
 * the reference the generated, dimension-specialized kernels are checked against.
 */
final class Kernels {

  private Kernels() {}

  /** {@code x[xo..xo+n) · y[yo..yo+n)}. */
  static float dot(float[] x, int xo, float[] y, int yo, int n) {
    float sum = 0;
    for (int i = 0; i < n; i++) {
      sum += x[xo + i] * y[yo + i];
    }
    return sum;
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
