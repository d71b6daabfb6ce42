package dev.nlpm.runtime.ops;

/**
 * An embedding lookup (a gather of table rows) and its gradient (a scatter-add into the table).
 * Learned position embeddings are the same op over position ids; {@link #forwardPositions} and
 * {@link #backwardPositions} take those ids as {@code first + r % length} rather than as an array.
 * Several embeddings summed (word + position + type) are one {@code forward} and then {@code
 * accumulate}s, in the order of the sum. Fixed sinusoidal positions are {@link #forwardPositions}
 * over {@link #sinusoids}' table, without a backward.
 */
public final class Embedding {

  private Embedding() {}

  /**
   * Vaswani et al.'s fixed position table, sine and cosine interleaved as HuggingFace's {@code
   * create_sinusoidal_embeddings} writes it: {@code P[pos][2i] = sin(pos / 10000^(2i/width))},
   * {@code P[pos][2i+1] = cos(…)}, computed in double and rounded once.
   *
   * @return {@code [positions][width]}
   */
  public static float[][] sinusoids(int positions, int width) {
    float[][] table = new float[positions][width];
    for (int pos = 0; pos < positions; pos++) {
      for (int j = 0; j < width; j++) {
        double angle = pos / Math.pow(10000, (double) (j - j % 2) / width);
        table[pos][j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
      }
    }
    return table;
  }

  /**
   * {@code out[r] = table[ids[r]]} (or {@code +=} when {@code accumulate}) for rows {@code [from,
   * to)}; the ids are not checked here.
   *
   * @param table {@code [entries][width]}
   * @param ids   {@code [rows]}
   * @param out   {@code [rows][width]}
   */
  public static void forward(float[][] table, int[] ids, float[][] out, int width, boolean accumulate, int from, int to) {
    for (int r = from; r < to; r++) {
      gather(table[ids[r]], out[r], width, accumulate);
    }
  }

  /** {@link #forward} at the position ids {@code first + r % length} (sequences of {@code length} rows packed). */
  public static void forwardPositions(float[][] table, int length, int first, float[][] out, int width, boolean accumulate, int from, int to) {
    for (int r = from; r < to; r++) {
      gather(table[first + r % length], out[r], width, accumulate);
    }
  }

  private static void gather(float[] row, float[] out, int width, boolean accumulate) {
    if (accumulate) {
      for (int i = 0; i < width; i++) {
        out[i] += row[i];
      }
    } else {
      System.arraycopy(row, 0, out, 0, width);
    }
  }

  /**
   * {@code dTable[ids[r]] += dOut[r]} for rows {@code [from, to)} in order (split the rows over
   * threads only when no two of them share an id).
   *
   * @param dOut   {@code [rows][width]}
   * @param ids    {@code [rows]}
   * @param dTable {@code [entries][width]}
   */
  public static void backward(float[][] dOut, int[] ids, float[][] dTable, int width, int from, int to) {
    for (int r = from; r < to; r++) {
      scatter(dOut[r], dTable[ids[r]], width);
    }
  }

  /** {@link #backward} at the position ids {@code first + r % length}. */
  public static void backwardPositions(float[][] dOut, int length, int first, float[][] dTable, int width, int from, int to) {
    for (int r = from; r < to; r++) {
      scatter(dOut[r], dTable[first + r % length], width);
    }
  }

  private static void scatter(float[] d, float[] row, int width) {
    for (int i = 0; i < width; i++) {
      row[i] += d[i];
    }
  }
}
