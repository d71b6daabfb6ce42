package dev.nlpm.runtime.word2vec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plain kernels against double-precision arithmetic, at sizes below, at and past the lane count. */
class PlainKernelsTest {

  @Test
  void operationsMatchDoublePrecision() {
    Random random = new Random(4);
    float[] lanes = new float[Word2VecKernels.LANES];
    for (int n : new int[] {1, 5, 15, 16, 17, 32, 100, 301}) {
      Word2VecKernels k = Word2VecKernels.plain(n);
      for (int trial = 0; trial < 50; trial++) {
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
          x[i] = (float) random.nextGaussian();
          y[i] = (float) random.nextGaussian();
        }
        float a = (float) random.nextGaussian();
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += (double) x[i] * y[i];
        }
        assertEquals(dot, k.dot(x, y, lanes), 1e-5 + 1e-4 * Math.sqrt(n), "dot of " + n);

        float[] out = y.clone();
        float[] error = x.clone();
        k.update(a, x, out, error);
        for (int i = 0; i < n; i++) {
          assertEquals(x[i] + a * y[i], error[i], 0f, "update's error takes the output before it moves");
          assertEquals(y[i] + a * x[i], out[i], 0f, "update's output");
        }
        float[] axpy = y.clone();
        k.axpy(a, x, axpy);
        float[] scaled = x.clone();
        k.scale(a, scaled);
        for (int i = 0; i < n; i++) {
          assertEquals(y[i] + a * x[i], axpy[i], 0f);
          assertEquals(x[i] * a, scaled[i], 0f);
        }
      }
    }
  }

  @Test
  void aDimensionMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Word2VecKernels.plain(0));
  }
}
