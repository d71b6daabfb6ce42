package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.encoder.EncoderParameters;
import dev.nlpm.runtime.encoder.Parallel;
import java.util.Arrays;

/**
 * Decoding's logits through the tied output, {@code y[r][j] = x[r] · wte[j]} for a few rows, from
 * a copy of the token embeddings held transposed ({@code [hidden][vocab]}): each row of the copy
 * scales into a run of logits, a loop C2 vectorizes, where a dot per token (a reduction it does
 * not vectorize) or {@code dotRows}' transposed tiles (which transpose all of {@code wte} for
 * every token) run several times slower. The copy is remade when the parameters' {@link
 * EncoderParameters#version} has moved since it was taken, so a training step or a load is never
 * missed.
 *
 * <p>Each logit adds its products in the order of {@code i} from zero, whatever the rows and the
 * range of tokens, as {@code dotRows} does.
 */
final class TransposedLogits {

  /** Tokens per tile: a tile of logits (4 KB) stays in L1 while the copy's rows stream past it. */
  static final int TILE = 1024;

  private record Copy(long version, float[][] rows) {}

  private final EncoderParameters parameters;
  private final float[][] wte;
  private final int hidden;
  private volatile Copy copy;

  TransposedLogits(EncoderParameters parameters, float[][] wte) {
    this.parameters = parameters;
    this.wte = wte;
    this.hidden = wte[0].length;
  }

  /** The transposed copy of the current values, made (split over {@code parallel}) if the last one is stale. */
  float[][] rows(Parallel parallel) {
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

  /** {@code y[r][j] = Σ_i x[r][i] · transposed[i][j]} for rows {@code r < count} and tokens {@code j} in {@code [from, to)}. */
  static void logits(float[][] x, int count, float[][] transposed, float[][] y, int from, int to) {
    int hidden = transposed.length;
    for (int j0 = from; j0 < to; j0 += TILE) {
      int j1 = Math.min(to, j0 + TILE);
      for (int r = 0; r < count; r++) {
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
