package dev.nlpm.runtime.ops;

/**
 * A residual connection around a branch with dropout: {@code out = x + dropout(branch)}. Its
 * backward is {@code dx = dOut} (the caller passes the gradient on) and {@code dBranch =
 * Dropout.backward(dOut, keep)}.
 */
public final class Residual {

  private Residual() {}

  /**
   * {@code out[r][i] = branch[r][i] · keep[r][i] + x[r][i]} ({@code keep} null: {@code branch +
   * x}) for rows {@code [from, to)} and {@code i < width}; {@code out} may be {@code branch} or
   * {@code x}.
   *
   * @param branch {@code [rows][width]}
   * @param keep   {@code [rows][width]} a drawn dropout mask, or null
   * @param x      {@code [rows][width]} the residual stream
   */
  public static void forward(float[][] branch, float[][] keep, float[][] x, float[][] out, int width, int from, int to) {
    for (int r = from; r < to; r++) {
      float[] br = branch[r];
      float[] xr = x[r];
      float[] or = out[r];
      if (keep == null) {
        for (int i = 0; i < width; i++) {
          or[i] = br[i] + xr[i];
        }
      } else {
        float[] kr = keep[r];
        for (int i = 0; i < width; i++) {
          or[i] = br[i] * kr[i] + xr[i];
        }
      }
    }
  }
}
