package dev.nlpm.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.encoder.FeedForwardActivation;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.testing.CentralDifference;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every op's backward against central differences of {@code L = Σ y · R} (R a fixed random
 * weighting of the outputs, so backward runs with {@code dy = R}), over every element of every
 * input, on small random inputs from a seeded generator. Float passes, step 1e-2.
 */
class OpGradientsTest {

  static final float STEP = 1e-2f;
  static final double ABSOLUTE = 5e-4;
  static final double RELATIVE = 2e-2;
  static final ProductKernels KERNELS = ProductKernels.plain();

  private final Random random = new Random(29);

  float[][] randn(int rows, int width) {
    float[][] a = new float[rows][width];
    for (float[] row : a) {
      for (int i = 0; i < width; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return a;
  }

  float[] randn(int width) {
    return randn(1, width)[0];
  }

  static double weighted(float[][] y, float[][] r) {
    double sum = 0;
    for (int i = 0; i < r.length; i++) {
      for (int j = 0; j < r[i].length; j++) {
        sum += (double) y[i][j] * r[i][j];
      }
    }
    return sum;
  }

  /** Every element of {@code x} against {@code grad}. */
  static void check(String what, float[][] x, float[][] grad, DoubleSupplier loss) {
    for (int r = 0; r < x.length; r++) {
      for (int i = 0; i < x[r].length; i++) {
        CentralDifference.assertMatches(what + "[" + r + "][" + i + "]", grad[r][i], CentralDifference.at(x, r, i), STEP, ABSOLUTE, RELATIVE, loss);
      }
    }
  }

  static void check(String what, float[] x, float[] grad, DoubleSupplier loss) {
    check(what, new float[][] {x}, new float[][] {grad}, loss);
  }

  @Test
  void layerNorm() {
    int n = 3, c = 5;
    float[][] x = randn(n, c);
    float[] gain = randn(c), bias = randn(c);
    float[][] r = randn(n, c);
    float[][] y = new float[n][c];
    float[] mean = new float[n], rstd = new float[n];
    DoubleSupplier loss = () -> {
      LayerNorm.forward(x, gain, bias, y, mean, rstd, 1e-5, 0, n);
      return weighted(y, r);
    };
    loss.getAsDouble();
    float[][] dx = new float[n][c];
    float[] dGain = new float[c], dBias = new float[c];
    LayerNorm.backward(r, x, gain, mean, rstd, dx, false, dGain, dBias, 0, n);
    check("dx", x, dx, loss);
    check("dGain", gain, dGain, loss);
    check("dBias", bias, dBias, loss);
    // accumulate adds onto what is there; the row split and parameterGradients give the same sums
    float[][] twice = new float[n][c];
    LayerNorm.backward(r, x, gain, mean, rstd, twice, false, null, null, 0, 1);
    LayerNorm.backward(r, x, gain, mean, rstd, twice, false, null, null, 1, n);
    LayerNorm.backward(r, x, gain, mean, rstd, twice, true, null, null, 0, n);
    float[] dGainSplit = new float[c], dBiasSplit = new float[c];
    LayerNorm.parameterGradients(r, x, mean, rstd, dGainSplit, dBiasSplit, 0, n);
    for (int i = 0; i < c; i++) {
      assertEquals(dGain[i], dGainSplit[i]);
      assertEquals(dBias[i], dBiasSplit[i]);
      for (int row = 0; row < n; row++) {
        assertEquals(2 * dx[row][i], twice[row][i], 1e-6f);
      }
    }
  }

  @Test
  void linear() {
    int n = 4, in = 3, out = 5;
    float[][] x = randn(n, in), w = randn(in, out), r = randn(n, out);
    float[] b = randn(out);
    float[][] y = new float[n][out];
    DoubleSupplier loss = () -> {
      Linear.forward(KERNELS, x, w, in, b, y, false, 0, n);
      return weighted(y, r);
    };
    float[][] dx = new float[n][in], dw = new float[in][out];
    float[] db = new float[out];
    Linear.backwardInput(KERNELS, r, w, in, dx, false, 0, 2);
    Linear.backwardInput(KERNELS, r, w, in, dx, false, 2, n);
    Linear.backwardWeights(KERNELS, x, r, n, dw, 0, in);
    Linear.backwardBias(r, n, db);
    check("dx", x, dx, loss);
    check("dW", w, dw, loss);
    check("db", b, db, loss);
    // the same input gradient split over the input units
    float[][] byUnits = new float[n][in];
    Linear.backwardInputUnits(KERNELS, r, n, w, byUnits, 0, 1);
    Linear.backwardInputUnits(KERNELS, r, n, w, byUnits, 1, in);
    check("dx by input units", x, byUnits, loss);
  }

  @Test
  void linearWithTheWeightHeldOutIn() {
    int n = 4, in = 3, out = 5;
    float[][] x = randn(n, in), w = randn(out, in), r = randn(n, out);
    float[] b = randn(out);
    float[][] y = new float[n][out];
    DoubleSupplier loss = () -> {
      Linear.forwardOutIn(KERNELS, x, n, w, b, y, 0, 2);
      Linear.forwardOutIn(KERNELS, x, n, w, b, y, 2, out);
      return weighted(y, r);
    };
    float[][] dx = new float[n][in], dw = new float[out][in];
    float[] db = new float[out];
    Linear.backwardInputOutIn(KERNELS, r, w, out, dx, 0, n);
    Linear.backwardWeightsOutIn(KERNELS, r, x, n, dw, 0, out);
    Linear.backwardBias(r, n, db);
    check("dx", x, dx, loss);
    check("dW", w, dw, loss);
    check("db", b, db, loss);
  }

  /** Word + position + type embeddings summed, with repeated ids, as the encoder sums them. */
  @Test
  void embeddingsOverIdsAndPositions() {
    int entries = 5, width = 3, length = 3, n = 6;
    int[] ids = {1, 4, 1, 0, 1, 3};
    int[] types = {0, 0, 1, 1, 1, 0};
    float[][] word = randn(entries, width), position = randn(4, width), type = randn(2, width), r = randn(n, width);
    float[][] y = new float[n][width];
    DoubleSupplier loss = () -> {
      Embedding.forward(word, ids, y, width, false, 0, n);
      Embedding.forwardPositions(position, length, 1, y, width, true, 0, n);
      Embedding.forward(type, types, y, width, true, 0, n);
      return weighted(y, r);
    };
    float[][] dWord = new float[entries][width], dPosition = new float[4][width], dType = new float[2][width];
    Embedding.backward(r, ids, dWord, width, 0, n);
    Embedding.backwardPositions(r, length, 1, dPosition, width, 0, n);
    Embedding.backward(r, types, dType, width, 0, n);
    check("dWord", word, dWord, loss);
    check("dPosition", position, dPosition, loss);
    check("dType", type, dType, loss);
    assertEquals(0f, dPosition[0][0]);
  }

  @ParameterizedTest
  @EnumSource(FeedForwardActivation.class)
  void activation(FeedForwardActivation activation) {
    int n = 3, width = 6;
    float[][] x = randn(n, width);
    for (float[] row : x) {
      for (int i = 0; i < width; i++) {
        // away from ReLU's kink, where a central difference straddles it
        row[i] += row[i] < 0 ? -0.1f : 0.1f;
      }
    }
    float[][] r = randn(n, width), y = new float[n][width];
    DoubleSupplier loss = () -> {
      Activation.forward(activation, x, y, width, 0, n);
      return weighted(y, r);
    };
    float[][] dx = new float[n][width];
    Activation.backward(activation, x, r, dx, width, 0, n);
    check("d" + activation, x, dx, loss);
  }

  /** With the mask fixed by its seed, dropout is linear: backward is the mask again. */
  @Test
  void dropoutAndTheResidualAroundIt() {
    int n = 4, width = 50;
    float rate = 0.3f;
    float[][] branch = randn(n, width), x = randn(n, width), r = randn(n, width);
    float[][] keep = new float[n][width], out = new float[n][width];
    Dropout.draw(keep, width, rate, new SplittableRandom(7), 0, n);
    DoubleSupplier loss = () -> {
      Residual.forward(branch, keep, x, out, width, 0, n);
      return weighted(out, r);
    };
    float[][] dBranch = new float[n][width];
    Dropout.backward(r, keep, dBranch, width, false, 0, n);
    check("dBranch", branch, dBranch, loss);
    check("dx", x, r, loss);
    // the mask is 0 or 1/(1 − rate), at about the rate; drawing alone or while applying draws the same
    int dropped = 0;
    float[][] again = new float[n][width], applied = new float[n][width];
    Dropout.forward(branch, again, applied, width, rate, new SplittableRandom(7), 0, n);
    for (int row = 0; row < n; row++) {
      for (int i = 0; i < width; i++) {
        assertTrue(keep[row][i] == 0 || keep[row][i] == 1 / (1 - rate));
        assertEquals(keep[row][i], again[row][i]);
        assertEquals(branch[row][i] * keep[row][i], applied[row][i]);
        dropped += keep[row][i] == 0 ? 1 : 0;
      }
    }
    int zeros = dropped;
    assertTrue(zeros > 40 && zeros < 80, () -> "dropped " + zeros + " of 200 at rate 0.3");
  }

  /** {@code L = Σ c·Rc + Σ h·Rh}: backward with {@code dOut = Rh} and the next step's {@code dc = Rc}. */
  @Test
  void lstmCell() {
    int hidden = 3;
    float[] z = randn(4 * hidden), cPrev = randn(hidden), rc = randn(hidden), rh = randn(hidden);
    float[] gates = new float[4 * hidden], c = new float[hidden], h = new float[hidden];
    DoubleSupplier loss = () -> {
      System.arraycopy(z, 0, gates, 0, z.length);
      LstmCell.forward(gates, cPrev, c, h, hidden);
      return weighted(new float[][] {c, h}, new float[][] {rc, rh});
    };
    loss.getAsDouble();
    float[] dz = new float[4 * hidden], dc = rc.clone();
    LstmCell.backward(gates, cPrev, c, rh, new float[hidden], dc, dz, hidden);
    check("dz", z, dz, loss);
    check("dcPrev", cPrev, dc, loss);
  }

  @Test
  void crossEntropy() {
    int n = 4, classes = 6;
    float[][] logits = randn(n, classes);
    int[] labels = {2, CrossEntropy.IGNORED, 5, 0};
    float[][] gradients = new float[n][classes];
    float loss = CrossEntropy.forwardBackward(logits, labels, n, classes, gradients);
    assertEquals(loss, CrossEntropy.forward(logits, labels, n, classes));
    check("dLogits", logits, gradients, () -> CrossEntropy.forward(logits, labels, n, classes));
    // the mean of −log softmax[label] over the three counted rows
    double expected = 0;
    for (int row : new int[] {0, 2, 3}) {
      double sum = 0;
      for (float v : logits[row]) {
        sum += Math.exp(v);
      }
      expected += Math.log(sum) - logits[row][labels[row]];
    }
    assertEquals(expected / 3, loss, 1e-5);
  }
}
