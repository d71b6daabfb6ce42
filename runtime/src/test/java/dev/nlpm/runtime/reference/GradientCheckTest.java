package dev.nlpm.runtime.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Every reference layer's backward against central finite differences, in double: each output is
 * weighted by a random vector R, so the analytic gradient of {@code L = Σ y·R} is backward with
 * {@code dy = R}, and each input element is nudged by ±1e-6.
 */
class GradientCheckTest {

  private static final double H = 1e-6;
  private final Random random = new Random(17);

  private double[] randn(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = random.nextGaussian();
    }
    return a;
  }

  private static double weighted(double[] y, double[] r) {
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      s += y[i] * r[i];
    }
    return s;
  }

  /** Compares analytic {@code grad} with central differences of {@code loss} over every element of {@code x}. */
  private static void check(String what, double[] x, double[] grad, ToDoubleFunction<double[]> loss) {
    for (int i = 0; i < x.length; i++) {
      double keep = x[i];
      x[i] = keep + H;
      double plus = loss.applyAsDouble(x);
      x[i] = keep - H;
      double minus = loss.applyAsDouble(x);
      x[i] = keep;
      double numeric = (plus - minus) / (2 * H);
      assertTrue(Math.abs(numeric - grad[i]) <= 1e-6 + 1e-5 * Math.abs(numeric),
          what + "[" + i + "]: analytic " + grad[i] + ", numeric " + numeric);
    }
  }

  @Test
  void linear() {
    int n = 3, in = 4, out = 5;
    double[] x = randn(n * in), w = randn(out * in), b = randn(out), r = randn(n * out);
    double[] dx = new double[x.length], dw = new double[w.length], db = new double[b.length];
    Linear.backward(r, x, w, dx, dw, db, n, in, out);
    ToDoubleFunction<double[]> loss = ignored -> {
      double[] y = new double[n * out];
      Linear.forward(x, w, b, y, n, in, out);
      return weighted(y, r);
    };
    check("dx", x, dx, loss);
    check("dw", w, dw, loss);
    check("db", b, db, loss);
  }

  @Test
  void conv1D() {
    int n = 3, in = 4, out = 5;
    double[] x = randn(n * in), w = randn(in * out), b = randn(out), r = randn(n * out);
    double[] dx = new double[x.length], dw = new double[w.length], db = new double[b.length];
    Conv1D.backward(r, x, w, dx, dw, db, n, in, out);
    ToDoubleFunction<double[]> loss = ignored -> {
      double[] y = new double[n * out];
      Conv1D.forward(x, w, b, y, n, in, out);
      return weighted(y, r);
    };
    check("dx", x, dx, loss);
    check("dw", w, dw, loss);
    check("db", b, db, loss);
  }

  @Test
  void conv1DIsLinearWithTheWeightTransposed() {
    int n = 3, in = 4, out = 5;
    double[] x = randn(n * in), w = randn(in * out), b = randn(out);
    double[] transposed = new double[out * in];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        transposed[o * in + i] = w[i * out + o];
      }
    }
    double[] y = new double[n * out], expected = new double[n * out];
    Conv1D.forward(x, w, b, y, n, in, out);
    Linear.forward(x, transposed, b, expected, n, in, out);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, y, 0.0);
  }

  @Test
  void layerNorm() {
    int n = 3, c = 6;
    double eps = 1e-12;
    double[] x = randn(n * c), gamma = randn(c), beta = randn(c), r = randn(n * c);
    double[] y = new double[n * c], mean = new double[n], rstd = new double[n];
    LayerNorm.forward(x, gamma, beta, y, mean, rstd, n, c, eps);
    double[] dx = new double[x.length], dg = new double[c], dbeta = new double[c];
    LayerNorm.backward(r, x, gamma, mean, rstd, dx, dg, dbeta, n, c);
    ToDoubleFunction<double[]> loss = ignored -> {
      double[] out = new double[n * c];
      LayerNorm.forward(x, gamma, beta, out, new double[n], new double[n], n, c, eps);
      return weighted(out, r);
    };
    check("dx", x, dx, loss);
    check("dgamma", gamma, dg, loss);
    check("dbeta", beta, dbeta, loss);
  }

  private void attention(boolean causal, int[] padding) {
    int b = 2, t = 4, h = 2, d = 3, c = h * d;
    double[] q = randn(b * t * c), k = randn(b * t * c), v = randn(b * t * c), r = randn(b * t * c);
    double[] p = new double[b * h * t * t], out = new double[b * t * c];
    SelfAttention.forward(q, k, v, padding, causal, p, out, b, t, h, d);
    double[] dq = new double[q.length], dk = new double[k.length], dv = new double[v.length];
    SelfAttention.backward(r, q, k, v, p, dq, dk, dv, b, t, h, d);
    ToDoubleFunction<double[]> loss = ignored -> {
      double[] o = new double[b * t * c];
      SelfAttention.forward(q, k, v, padding, causal, new double[b * h * t * t], o, b, t, h, d);
      return weighted(o, r);
    };
    check("dq", q, dq, loss);
    check("dk", k, dk, loss);
    check("dv", v, dv, loss);
  }

  @Test
  void selfAttentionWithPadding() {
    attention(false, new int[] {1, 1, 1, 0, 1, 1, 0, 0});
  }

  @Test
  void causalSelfAttention() {
    attention(true, null);
  }

  @Test
  void crossEntropyWithIgnoredRows() {
    int n = 4, classes = 5;
    double[] logits = randn(n * classes);
    int[] labels = {2, CrossEntropy.IGNORED, 0, 4};
    double[] dlogits = new double[logits.length];
    CrossEntropy.forwardBackward(logits, labels, dlogits, n, classes);
    check("dlogits", logits, dlogits, l -> CrossEntropy.forwardBackward(l, labels, null, n, classes));
  }
}
