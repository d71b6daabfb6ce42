package dev.nlpm.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Which loop shape of {@code y = x·Wᵀ + b} C2 (JDK 17) runs fastest, for the encoder kernels to
 * come: 64 rows (batch × sequence) through a 128 → 128 projection (BERT-tiny's hidden size),
 * the sizes literals as generated code would have them.
 *
 * <ul>
 *   <li>{@code dotFlat}: W as stored ([out, in]), one dot product per output in eight partial
 *       sums, everything at offsets into flat arrays;
 *   <li>{@code axpyFlat}: W transposed ([in, out]) in a flat array, {@code y[r, :] += x[r, i] ·
 *       Wt[i, :]} at run-time offsets;
 *   <li>{@code axpyRows}: the same with every row its own array, so the inner loop has no offsets;
 *   <li>{@code axpyRowsBlocked}: as axpyRows, four input rows at a time, so each loaded weight
 *       row serves four outputs.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinearKernelFormsBenchmark {

  static final int N = 64;
  static final int IN = 128;
  static final int OUT = 128;

  float[] x = new float[N * IN];
  float[] w = new float[OUT * IN];
  float[] wt = new float[IN * OUT];
  float[] b = new float[OUT];
  float[] y = new float[N * OUT];
  float[][] xRows = new float[N][IN];
  float[][] wtRows = new float[IN][OUT];
  float[][] yRows = new float[N][OUT];

  @Setup
  public void setup() {
    Random random = new Random(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat() - 0.5f;
      xRows[i / IN][i % IN] = x[i];
    }
    for (int o = 0; o < OUT; o++) {
      for (int i = 0; i < IN; i++) {
        w[o * IN + i] = random.nextFloat() - 0.5f;
        wt[i * OUT + o] = w[o * IN + i];
        wtRows[i][o] = w[o * IN + i];
      }
      b[o] = random.nextFloat();
    }
  }

  @Benchmark
  public float[] dotFlat() {
    for (int r = 0; r < N; r++) {
      for (int o = 0; o < OUT; o++) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int xo = r * IN;
        int wo = o * IN;
        for (int i = 0; i < IN; i += 8) {
          s0 += x[xo + i] * w[wo + i];
          s1 += x[xo + i + 1] * w[wo + i + 1];
          s2 += x[xo + i + 2] * w[wo + i + 2];
          s3 += x[xo + i + 3] * w[wo + i + 3];
          s4 += x[xo + i + 4] * w[wo + i + 4];
          s5 += x[xo + i + 5] * w[wo + i + 5];
          s6 += x[xo + i + 6] * w[wo + i + 6];
          s7 += x[xo + i + 7] * w[wo + i + 7];
        }
        y[r * OUT + o] = b[o] + (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
      }
    }
    return y;
  }

  @Benchmark
  public float[] axpyFlat() {
    for (int r = 0; r < N; r++) {
      int yo = r * OUT;
      System.arraycopy(b, 0, y, yo, OUT);
      for (int i = 0; i < IN; i++) {
        float a = x[r * IN + i];
        int wo = i * OUT;
        for (int o = 0; o < OUT; o++) {
          y[yo + o] += a * wt[wo + o];
        }
      }
    }
    return y;
  }

  @Benchmark
  public float[][] axpyRows() {
    for (int r = 0; r < N; r++) {
      float[] yr = yRows[r];
      float[] xr = xRows[r];
      System.arraycopy(b, 0, yr, 0, OUT);
      for (int i = 0; i < IN; i++) {
        float a = xr[i];
        float[] wr = wtRows[i];
        for (int o = 0; o < OUT; o++) {
          yr[o] += a * wr[o];
        }
      }
    }
    return yRows;
  }

  @Benchmark
  public float[][] axpyRowsBlocked() {
    for (int r = 0; r < N; r += 4) {
      float[] y0 = yRows[r], y1 = yRows[r + 1], y2 = yRows[r + 2], y3 = yRows[r + 3];
      float[] x0 = xRows[r], x1 = xRows[r + 1], x2 = xRows[r + 2], x3 = xRows[r + 3];
      System.arraycopy(b, 0, y0, 0, OUT);
      System.arraycopy(b, 0, y1, 0, OUT);
      System.arraycopy(b, 0, y2, 0, OUT);
      System.arraycopy(b, 0, y3, 0, OUT);
      for (int i = 0; i < IN; i++) {
        float a0 = x0[i], a1 = x1[i], a2 = x2[i], a3 = x3[i];
        float[] wr = wtRows[i];
        for (int o = 0; o < OUT; o++) {
          float wv = wr[o];
          y0[o] += a0 * wv;
          y1[o] += a1 * wv;
          y2[o] += a2 * wv;
          y3[o] += a3 * wv;
        }
      }
    }
    return yRows;
  }

  @Benchmark
  public float[][] axpyRowsFlatWeights() {
    for (int r = 0; r < N; r += 4) {
      float[] y0 = yRows[r], y1 = yRows[r + 1], y2 = yRows[r + 2], y3 = yRows[r + 3];
      float[] x0 = xRows[r], x1 = xRows[r + 1], x2 = xRows[r + 2], x3 = xRows[r + 3];
      System.arraycopy(b, 0, y0, 0, OUT);
      System.arraycopy(b, 0, y1, 0, OUT);
      System.arraycopy(b, 0, y2, 0, OUT);
      System.arraycopy(b, 0, y3, 0, OUT);
      for (int i = 0; i < IN; i++) {
        float a0 = x0[i], a1 = x1[i], a2 = x2[i], a3 = x3[i];
        int wo = i * OUT;
        for (int o = 0; o < OUT; o++) {
          float wv = wt[wo + o];
          y0[o] += a0 * wv;
          y1[o] += a1 * wv;
          y2[o] += a2 * wv;
          y3[o] += a3 * wv;
        }
      }
    }
    return yRows;
  }

  @Benchmark
  public float[] gradientIntoFlat() {
    for (int r = 0; r < N; r += 4) {
      float[] y0 = yRows[r], y1 = yRows[r + 1], y2 = yRows[r + 2], y3 = yRows[r + 3];
      float[] x0 = xRows[r], x1 = xRows[r + 1], x2 = xRows[r + 2], x3 = xRows[r + 3];
      for (int i = 0; i < IN; i++) {
        float a0 = x0[i], a1 = x1[i], a2 = x2[i], a3 = x3[i];
        int wo = i * OUT;
        for (int o = 0; o < OUT; o++) {
          wt[wo + o] += a0 * y0[o] + a1 * y1[o] + a2 * y2[o] + a3 * y3[o];
        }
      }
    }
    return wt;
  }
}
