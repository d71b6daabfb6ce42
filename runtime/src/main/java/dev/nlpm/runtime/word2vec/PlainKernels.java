package dev.nlpm.runtime.word2vec;

/**
 * The plain kernels: loops with the dimension a run-time value. The reference the generated,
 * dimension-specialized kernels are checked against, and what a trainer uses without them.
 */
final class PlainKernels implements Word2VecKernels {

  private final int dimension;

  PlainKernels(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    this.dimension = dimension;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float dot(float[] x, float[] y, float[] lanes) {
    int chunks = dimension / LANES;
    float sum = 0;
    if (chunks > 0) {
      for (int j = 0; j < LANES; j++) {
        float lane = x[j] * y[j];
        for (int c = 1; c < chunks; c++) {
          lane += x[c * LANES + j] * y[c * LANES + j];
        }
        lanes[j] = lane;
      }
      for (int half = LANES / 2; half > 0; half /= 2) {
        for (int j = 0; j < half; j++) {
          lanes[j] += lanes[j + half];
        }
      }
      sum = lanes[0];
    }
    int rest = chunks * LANES;
    if (rest < dimension) {
      float tail = x[rest] * y[rest];
      for (int i = rest + 1; i < dimension; i++) {
        tail += x[i] * y[i];
      }
      sum = chunks > 0 ? sum + tail : tail;
    }
    return sum;
  }

  @Override
  public void axpy(float a, float[] x, float[] y) {
    for (int i = 0; i < dimension; i++) {
      y[i] += a * x[i];
    }
  }

  @Override
  public void update(float g, float[] hidden, float[] output, float[] error) {
    for (int i = 0; i < dimension; i++) {
      float o = output[i];
      error[i] += g * o;
      output[i] = o + g * hidden[i];
    }
  }

  @Override
  public void scale(float a, float[] x) {
    for (int i = 0; i < dimension; i++) {
      x[i] *= a;
    }
  }
}
