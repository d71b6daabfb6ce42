package dev.nlpm.runtime.kernels;

import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Arrays;

/**
 * Logits through the tied output, {@code y[r][j] = x[r] · wte[j]}, from a copy of the token embeddings held transposed ({@code [hidden][vocab]}): each row of the copy
 * scales into a run of logits, a loop C2 vectorizes, where a dot per token (a reduction it does
 * not vectorize) or {@code dotRows}' transposed tiles (which transpose all of {@code wte} for
 * every token) run several times slower. The copy is remade when the parameters' {@link
 * ParameterRows#version} has moved since it was taken, so a training step or a load is never
 * missed.
 *
 * <p>Each logit adds its products in the order of {@code i} from zero, whatever the rows and the
 * range of tokens, as {@code dotRows} does, so the training pass's logits have the bits they had
 * through {@code dotRows}, and a row's logits do not depend on the rows decoded beside it.
 */
public final class TransposedLogits {

  /** Tokens per tile: a tile of logits (4 KB) stays in L1 while the copy's rows stream past it. */
  public static final int TILE = 1024;

  private record Copy(long version, float[][] rows) {}

  private final ParameterRows parameters;
  private final float[][] wte;
  private final int hidden;
  private volatile Copy copy;

  public TransposedLogits(ParameterRows parameters, float[][] wte) {
    this.parameters = parameters;
    this.wte = wte;
    this.hidden = wte[0].length;
  }

  /** The transposed copy of the current values, made (split over {@code parallel}) if the last one is stale. */
  public float[][] rows(Parallel parallel) {
    Copy current = copy;
    long version = parameters.version();
    if (current != null && current.version() == version) {
      return current.rows();
    }
    synchronized (this) {
      current = copy;
      if (current != null && current.version() == version) {
        return current.rows();
      }
      // a fresh array, not the old one: another thread may still be reading it
      float[][] rows = new float[hidden][wte.length];
      parallel.forRange(wte.length, 64, (from, to) -> transpose(wte, rows, from, to));
      copy = new Copy(version, rows);
      return rows;
    }
  }

  private static void transpose(float[][] wte, float[][] rows, int from, int to) {
    int hidden = rows.length;
    for (int j0 = from; j0 < to; j0 += 16) {
      int j1 = Math.min(to, j0 + 16);
      for (int i = 0; i < hidden; i++) {
        float[] row = rows[i];
        for (int j = j0; j < j1; j++) {
          row[j] = wte[j][i];
        }
      }
    }
  }

  /**
   * {@code y[r][j] = Σ_i x[r][i] · transposed[i][j]} for rows {@code r < count} and tokens {@code
   * j} in {@code [from, to)}, four rows at a time, so that each loaded element of the copy serves
   * four logits.
   */
  public static void logits(float[][] x, int count, float[][] transposed, float[][] y, int from, int to) {
    int hidden = transposed.length;
    for (int j0 = from; j0 < to; j0 += TILE) {
      int j1 = Math.min(to, j0 + TILE);
      int r = 0;
      for (; r + 4 <= count; r += 4) {
        float[] x0 = x[r], x1 = x[r + 1], x2 = x[r + 2], x3 = x[r + 3];
        float[] y0 = y[r], y1 = y[r + 1], y2 = y[r + 2], y3 = y[r + 3];
        Arrays.fill(y0, j0, j1, 0f);
        Arrays.fill(y1, j0, j1, 0f);
        Arrays.fill(y2, j0, j1, 0f);
        Arrays.fill(y3, j0, j1, 0f);
        for (int i = 0; i < hidden; i++) {
          float a0 = x0[i], a1 = x1[i], a2 = x2[i], a3 = x3[i];
          float[] row = transposed[i];
          for (int j = j0; j < j1; j++) {
            float wv = row[j];
            y0[j] += a0 * wv;
            y1[j] += a1 * wv;
            y2[j] += a2 * wv;
            y3[j] += a3 * wv;
          }
        }
      }
      for (; r < count; r++) {
        float[] xr = x[r];
        float[] yr = y[r];
        Arrays.fill(yr, j0, j1, 0f);
        for (int i = 0; i < hidden; i++) {
          float a = xr[i];
          float[] row = transposed[i];
          for (int j = j0; j < j1; j++) {
            yr[j] += a * row[j];
          }
        }
      }
    }
  }
}
