package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.runtime.kernels.TiedInputGradient;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gradient into the tied output's input: against naive sums, and independent of the rows computed beside a row. */
class TiedInputGradientTest {

  private static float[][] random(Random random, int rows, int columns) {
    float[][] m = new float[rows][columns];
    for (float[] row : m) {
      for (int i = 0; i < columns; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return m;
  }

  /** The naive twin: {@code y[r][i] = Σ_v x[r][v] · w[v][i]}, summed in double. */
  static float[][] productNaive(float[][] x, float[][] w, int tokens, int rows) {
    int width = w[0].length;
    float[][] y = new float[rows][width];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < width; i++) {
        double sum = 0;
        for (int v = 0; v < tokens; v++) {
          sum += (double) x[r][v] * w[v][i];
        }
        y[r][i] = (float) sum;
      }
    }
    return y;
  }

  /** Over two chunks and a part, rows not a multiple of the block, tokens fewer than the weight holds. */
  @Test
  void equalsNaiveSumsWhateverTheRowSplit() {
    Random random = new Random(9);
    int tokens = 2 * TiedInputGradient.CHUNK + 29;
    int width = 13;
    int rows = 2 * TiedInputGradient.BLOCK + 3;
    float[][] x = random(random, rows, tokens + 4);
    float[][] w = random(random, tokens + 4, width);
    float[][] expected = productNaive(x, w, tokens, rows);
    float[][] whole = random(random, rows, width);
    TiedInputGradient.product(x, w, tokens, whole, 0, rows);
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < width; i++) {
        assertEquals(expected[r][i], whole[r][i], 1e-4 + 1e-5 * Math.abs(expected[r][i]), "y[" + r + "][" + i + "]");
      }
    }
    float[][] split = new float[rows][width];
    int[] cuts = {0, 3, TiedInputGradient.BLOCK + 5, rows};
    for (int c = 0; c + 1 < cuts.length; c++) {
      TiedInputGradient.product(x, w, tokens, split, cuts[c], cuts[c + 1]);
    }
    for (int r = 0; r < rows; r++) {
      assertArrayEquals(whole[r], split[r], "row " + r + " computed in another block");
    }
  }
}
