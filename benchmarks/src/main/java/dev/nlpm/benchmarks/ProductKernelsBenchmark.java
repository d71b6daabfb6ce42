package dev.nlpm.benchmarks;

import dev.nlpm.models.BertTinyKernels;
import dev.nlpm.runtime.kernels.ProductKernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BERT-tiny's generated encoder kernels ({@code BertTinyKernels}, from the standard models) against
 * the plain twin, on one batch of 128 rows (batch × sequence): the projections 128 → 128
 * (attention), 128 → 512 (intermediate) and 512 → 128 (output), and their backward products — the
 * input gradient through {@code dotRows} and the weight gradient through {@code outerAccumulate}.
 * One thread; {@code kernels} picks the implementation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProductKernelsBenchmark {

  static final int ROWS = 128;
  static final int H = 128;
  static final int F = 512;

  @Param({"generated", "plain"})
  public String kernels;

  ProductKernels k;
  float[][] xH;
  float[][] xF;
  float[][] wHH;
  float[][] wHF;
  float[][] wFH;
  float[] bH;
  float[] bF;
  float[][] yH;
  float[][] yF;
  float[][] gHH;
  float[][] gHF;

  private static float[][] random(Random random, int rows, int columns) {
    float[][] m = new float[rows][columns];
    for (float[] row : m) {
      for (int i = 0; i < columns; i++) {
        row[i] = random.nextFloat() - 0.5f;
      }
    }
    return m;
  }

  @Setup
  public void setup() {
    k = kernels.equals("generated") ? new BertTinyKernels() : ProductKernels.plain();
    Random random = new Random(1);
    xH = random(random, ROWS, H);
    xF = random(random, ROWS, F);
    wHH = random(random, H, H);
    wHF = random(random, H, F);
    wFH = random(random, F, H);
    bH = random(random, 1, H)[0];
    bF = random(random, 1, F)[0];
    yH = new float[ROWS][H];
    yF = new float[ROWS][F];
    gHH = new float[H][H];
    gHF = new float[H][F];
  }

  @Benchmark
  public float[][] linear128to128() {
    k.linear(xH, wHH, H, bH, yH, false, 0, ROWS);
    return yH;
  }

  @Benchmark
  public float[][] linear128to512() {
    k.linear(xH, wHF, H, bF, yF, false, 0, ROWS);
    return yF;
  }

  @Benchmark
  public float[][] linear512to128() {
    k.linear(xF, wFH, F, bH, yH, false, 0, ROWS);
    return yH;
  }

  /** dx [128][128] = dy [128][128] · wᵀ, w [128][128]: dots of 128. */
  @Benchmark
  public float[][] dotRows128() {
    k.dotRows(xH, ROWS, wHH, null, yH, false, 0, H);
    return yH;
  }

  /** dx [128][128] = dy [128][512] · wᵀ, w [128][512] (the intermediate's input gradient): dots of 512. */
  @Benchmark
  public float[][] dotRows512() {
    k.dotRows(xF, ROWS, wHF, null, yH, false, 0, H);
    return yH;
  }

  /** dw [128][512] += xᵀ · dy over 128 rows (the intermediate's weight gradient). */
  @Benchmark
  public float[][] outerAccumulate128x512() {
    k.outerAccumulate(xH, xF, ROWS, gHF, 0, H);
    return gHF;
  }

  /** dw [128][128] += xᵀ · dy over 128 rows. */
  @Benchmark
  public float[][] outerAccumulate128x128() {
    k.outerAccumulate(xH, xH, ROWS, gHH, 0, H);
    return gHH;
  }
}
