package dev.nlpm.runtime.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CorrelationTest {

  @Test
  void tiedValuesShareTheirAverageRank() {
    assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Correlation.averageRanks(new double[] {1, 2, 2, 3}));
    assertArrayEquals(new double[] {4, 2, 2, 2}, Correlation.averageRanks(new double[] {9, 0, 0, 0}));
  }

  /**
   * Ranks x = (1, 2.5, 2.5, 4), y = (1, 3, 2, 4); deviations (-1.5, 0, 0, 1.5) and
   * (-1.5, 0.5, -0.5, 1.5): rho = 4.5 / sqrt(4.5 * 5) (scipy.stats.spearmanr: 0.9486832980505139).
   */
  @Test
  void spearmanWithTiesByHand() {
    double rho = Correlation.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4});
    assertEquals(4.5 / Math.sqrt(4.5 * 5), rho, 1e-15);
    assertEquals(0.9486832980505139, rho, 1e-15);
  }

  @Test
  void spearmanIsOneForAnyIncreasingRelation() {
    assertEquals(1, Correlation.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 8, 27, 640}),
        1e-15);
    assertEquals(-1, Correlation.spearman(new double[] {1, 2, 3}, new double[] {3, 2, -9}), 1e-15);
  }

  @Test
  void constantSeriesHaveNoCorrelation() {
    assertTrue(Double.isNaN(Correlation.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
    assertTrue(Double.isNaN(Correlation.pearson(new double[] {1}, new double[] {2})));
  }
}
