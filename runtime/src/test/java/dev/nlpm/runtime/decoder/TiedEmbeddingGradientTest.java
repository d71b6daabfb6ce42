package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.runtime.kernels.TiedEmbeddingGradient;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tied embeddings' gradient through the transposed buffer: against naive sums, and independent of the range split. */
class TiedEmbeddingGradientTest {

  private static float[][] random(Random random, int rows, int columns) {
    float[][] m = new float[rows][columns];
    for (float[] row : m) {
      for (int i = 0; i < columns; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return m;
  }

  /** The naive twin: {@code dWte[v][i] += Σ_r dLogits[r][v] · hidden[r][i]}, summed in double. */
  static void accumulateNaive(float[][] hidden, int rows, float[][] dLogits, float[][] dWte, int from, int to) {
    int width = hidden[0].length;
    for (int v = from; v < to; v++) {
      for (int i = 0; i < width; i++) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
          sum += (double) dLogits[r][v] * hidden[r][i];
        }
        dWte[v][i] += (float) sum;
      }
    }
  }

  private static float[][] kernel(float[][] hidden, int rows, float[][] dLogits, float[][] start, int[] cuts) {
    int width = hidden[0].length;
    int vocab = start.length;
    float[][] dWte = new float[vocab][];
    for (int v = 0; v < vocab; v++) {
      dWte[v] = start[v].clone();
    }
    float[][] hiddenT = new float[width][rows + 3];
    TiedEmbeddingGradient.transpose(hidden, rows, hiddenT);
    float[][] scratch = new float[width][vocab];
    for (int c = 0; c + 1 < cuts.length; c++) {
      TiedEmbeddingGradient.accumulate(hiddenT, rows, dLogits, scratch, dWte, cuts[c], cuts[c + 1]);
    }
    return dWte;
  }

  /** Over two tiles and a part, a width that is not a multiple of four, rows fewer than the buffers hold. */
  @Test
  void addsTheSameGradientAsNaiveSumsWhateverTheRangeSplit() {
    Random random = new Random(5);
    int vocab = 2 * TiedEmbeddingGradient.TILE + 37;
    int width = 14;
    int rows = 9;
    float[][] hidden = random(random, rows + 2, width);
    float[][] dLogits = random(random, rows + 2, vocab);
    float[][] start = random(random, vocab, width);
    float[][] expected = new float[vocab][];
    for (int v = 0; v < vocab; v++) {
      expected[v] = start[v].clone();
    }
    accumulateNaive(hidden, rows, dLogits, expected, 0, vocab);
    float[][] whole = kernel(hidden, rows, dLogits, start, new int[] {0, vocab});
    for (int v = 0; v < vocab; v++) {
      for (int i = 0; i < width; i++) {
        assertEquals(expected[v][i], whole[v][i], 1e-5 + 1e-5 * Math.abs(expected[v][i]), "dWte[" + v + "][" + i + "]");
      }
    }
    float[][] split = kernel(hidden, rows, dLogits, start, new int[] {0, 100, TiedEmbeddingGradient.TILE + 5, vocab - 1, vocab});
    for (int v = 0; v < vocab; v++) {
      assertArrayEquals(whole[v], split[v], "dWte[" + v + "] with the vocabulary split");
    }
  }
}
