package dev.nlpm.runtime.kernels;

import java.util.Arrays;

/**
 * The tied output's weight gradient, {@code dWte[v] += Σ_r dLogits[r][v] · hidden[r]}, computed
 * first into a transposed buffer {@code gT[hidden][vocab]} and then added into {@code dWte} a tile
 * at a time. In the transposed layout every multiply-add runs along a contiguous stretch of the
 * vocabulary ({@code gT[i][v] += hidden[r][i] · dLogits[r][v]}), a loop C2 vectorizes, with four
 * rows of {@code gT} taken per pass over the logits' gradient so each loaded element serves four;
 * computing {@code dWte[v]} directly (as {@code outerAccumulate}) reads the 1,024 × 50,257
 * gradient a column at a time and runs several times slower.
 *
 * <p>Tiles of {@link #TILE} tokens keep a tile of the logits' gradient (rows × {@code TILE}) in
 * L2 while all of {@code gT}'s rows pass over it. Each gradient element adds its products in the
 * order of the rows from zero, whatever the range of tokens, so splitting the vocabulary over
 * threads never changes a bit.
 */
public final class TiedEmbeddingGradient {

  /** Tokens per tile: four rows of {@code gT}'s tile (16 KB) stay in L1 while a block of rows passes. */
  public static final int TILE = 1024;
  /** Rows of the logits' gradient per block: 128 rows of a tile (512 KB) stay in L2 while all of {@code gT}'s rows pass. */
  public static final int ROW_BLOCK = 128;

  private TiedEmbeddingGradient() {}

  /**
   * {@code dWte[v][i] += Σ_{r < rows} dLogits[r][v] · hiddenT[i][r]} for tokens {@code v} in
   * {@code [from, to)}; {@code hiddenT} is the hidden states transposed ({@code [hidden][rows]}),
   * {@code scratch} is {@code [hidden][≥ to]} and is overwritten in {@code [from, to)}.
   */
  public static void accumulate(float[][] hiddenT, int rows, float[][] dLogits, float[][] scratch, float[][] dWte, int from, int to) {
    int hidden = hiddenT.length;
    for (int v0 = from; v0 < to; v0 += TILE) {
      int v1 = Math.min(to, v0 + TILE);
      for (int i = 0; i < hidden; i++) {
        Arrays.fill(scratch[i], v0, v1, 0f);
      }
      // the rows a block at a time, each block in order, so every element still sums its rows from zero
      for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
        int r1 = Math.min(rows, r0 + ROW_BLOCK);
        int i = 0;
        for (; i + 4 <= hidden; i += 4) {
          float[] h0 = hiddenT[i], h1 = hiddenT[i + 1], h2 = hiddenT[i + 2], h3 = hiddenT[i + 3];
          float[] g0 = scratch[i], g1 = scratch[i + 1], g2 = scratch[i + 2], g3 = scratch[i + 3];
          for (int r = r0; r < r1; r++) {
            float a0 = h0[r], a1 = h1[r], a2 = h2[r], a3 = h3[r];
            float[] d = dLogits[r];
            for (int v = v0; v < v1; v++) {
              float dv = d[v];
              g0[v] += a0 * dv;
              g1[v] += a1 * dv;
              g2[v] += a2 * dv;
              g3[v] += a3 * dv;
            }
          }
        }
        for (; i < hidden; i++) {
          float[] hi = hiddenT[i];
          float[] gi = scratch[i];
          for (int r = r0; r < r1; r++) {
            float a = hi[r];
            float[] d = dLogits[r];
            for (int v = v0; v < v1; v++) {
              gi[v] += a * d[v];
            }
          }
        }
      }
      addTransposed(scratch, dWte, v0, v1);
    }
  }

  /** {@code dWte[v][i] += gT[i][v]} for {@code v} in {@code [from, to)}, sixteen tokens at a time. */
  private static void addTransposed(float[][] gT, float[][] dWte, int from, int to) {
    int hidden = gT.length;
    for (int v0 = from; v0 < to; v0 += 16) {
      int v1 = Math.min(to, v0 + 16);
      for (int i = 0; i < hidden; i++) {
        float[] row = gT[i];
        for (int v = v0; v < v1; v++) {
          dWte[v][i] += row[v];
        }
      }
    }
  }

  /** {@code hiddenT[i][r] = hidden[r][i]} for {@code r < rows}. */
  public static void transpose(float[][] hidden, int rows, float[][] hiddenT) {
    int width = hiddenT.length;
    for (int r0 = 0; r0 < rows; r0 += 16) {
      int r1 = Math.min(rows, r0 + 16);
      for (int i = 0; i < width; i++) {
        float[] row = hiddenT[i];
        for (int r = r0; r < r1; r++) {
          row[r] = hidden[r][i];
        }
      }
    }
  }

}
