package dev.nlpm.runtime.ops;

import dev.nlpm.runtime.kernels.ProductKernels;
import java.util.Arrays;

/**
 * A linear layer {@code y = x · W + b}, its products through the {@link ProductKernels} seam (a
 * model's generated kernels, or their plain twin). A weight is held {@code [in][out]} (GPT-2's
 * Conv1D layout, and BERT's held transposed); the {@code …OutIn} variants serve a weight held
 * {@code [out][in]} as PyTorch's {@code nn.Linear} stores it (the tied output through the word
 * embeddings), their work split over the output units instead of the rows.
 */
public final class Linear {

  private Linear() {}

  // ---- weight held [in][out] ----

  /**
   * {@code y[r] = x[r] · W + b} (or {@code +=} when {@code accumulate}) for rows {@code [from, to)}.
   *
   * @param x {@code [rows][≥ in]}
   * @param w {@code [in][out]}
   * @param b {@code [out]}, or null for none
   * @param y {@code [rows][out]}
   */
  public static void forward(ProductKernels kernels, float[][] x, float[][] w, int in, float[] b, float[][] y, boolean accumulate, int from, int to) {
    kernels.linear(x, w, in, b, y, accumulate, from, to);
  }

  /**
   * {@code dW[i] += Σ_{r < rows} x[r][i] · dy[r]} for the weight rows {@code i} in {@code [from,
   * to)} (split a layer's weight gradient over its input units).
   *
   * @param x  {@code [rows][in]} the forward input
   * @param dy {@code [rows][out]}
   * @param dw {@code [in][out]}
   */
  public static void backwardWeights(ProductKernels kernels, float[][] x, float[][] dy, int rows, float[][] dw, int from, int to) {
    kernels.outerAccumulate(x, dy, rows, dw, from, to);
  }

  /** {@code db += Σ_{r < rows} dy[r]}, rows in order; {@code dy} is {@code [rows][out]}, {@code db} {@code [out]}. */
  public static void backwardBias(float[][] dy, int rows, float[] db) {
    for (int r = 0; r < rows; r++) {
      float[] row = dy[r];
      for (int i = 0; i < db.length; i++) {
        db[i] += row[i];
      }
    }
  }

  /**
   * {@code dx[r] = dy[r] · Wᵀ} (or {@code +=} when {@code accumulate}) for rows {@code [from, to)}.
   * Allocates a view of the rows when {@code from > 0} (the kernels take rows from 0).
   *
   * @param dy {@code [rows][out]}
   * @param w  {@code [in][out]}
   * @param dx {@code [rows][in]}
   */
  public static void backwardInput(ProductKernels kernels, float[][] dy, float[][] w, int in, float[][] dx, boolean accumulate, int from, int to) {
    kernels.dotRows(rowsFrom(dy, from), to - from, w, null, rowsFrom(dx, from), accumulate, 0, in);
  }

  /**
   * {@code dx[r] = dy[r] · Wᵀ} for every row {@code r < rows} and the input units {@code i} in
   * {@code [from, to)}: {@link #backwardInput} split over the input units rather than the rows, for
   * a product of few rows (one step of a recurrent layer).
   *
   * @param dy {@code [rows][out]}
   * @param w  {@code [in][out]}
   * @param dx {@code [rows][in]}
   */
  public static void backwardInputUnits(ProductKernels kernels, float[][] dy, int rows, float[][] w, float[][] dx, int from, int to) {
    kernels.dotRows(dy, rows, w, null, dx, false, from, to);
  }

  // ---- weight held [out][in] ----

  /**
   * {@code y[r][j] = b[j] + x[r] · W[j]} for every row {@code r < rows} and the output units {@code
   * j} in {@code [from, to)}.
   *
   * @param x {@code [rows][in]}
   * @param w {@code [out][in]}
   * @param b {@code [out]}, or null
   * @param y {@code [rows][out]}
   */
  public static void forwardOutIn(ProductKernels kernels, float[][] x, int rows, float[][] w, float[] b, float[][] y, int from, int to) {
    kernels.dotRows(x, rows, w, b, y, false, from, to);
  }

  /** {@code dW[j] += Σ_{r < rows} dy[r][j] · x[r]} for the output units {@code j} in {@code [from, to)}; {@code dw} is {@code [out][in]}. */
  public static void backwardWeightsOutIn(ProductKernels kernels, float[][] dy, float[][] x, int rows, float[][] dw, int from, int to) {
    kernels.outerAccumulate(dy, x, rows, dw, from, to);
  }

  /** {@code dx[r] = dy[r] · W} for rows {@code [from, to)}: {@code dy} {@code [rows][out]}, {@code w} {@code [out][in]}, {@code dx} {@code [rows][in]}. */
  public static void backwardInputOutIn(ProductKernels kernels, float[][] dy, float[][] w, int out, float[][] dx, int from, int to) {
    kernels.linear(dy, w, out, null, dx, false, from, to);
  }

  /** The rows from {@code from} on, as the kernels take rows from 0. */
  static float[][] rowsFrom(float[][] rows, int from) {
    return from == 0 ? rows : Arrays.copyOfRange(rows, from, rows.length);
  }
}
