package dev.nlpm.runtime.word2vec;

import java.util.Arrays;

/** Pearson and Spearman correlation, as scipy's {@code pearsonr} and {@code spearmanr} compute them. */
public final class Correlation {

  private Correlation() {}

  /** Pearson's r; NaN when either series is constant or there are fewer than two values. */
  public static double pearson(double[] x, double[] y) {
    requireSameLength(x, y);
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double meanX = 0;
    double meanY = 0;
    for (int i = 0; i < n; i++) {
      meanX += x[i];
      meanY += y[i];
    }
    meanX /= n;
    meanY /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = x[i] - meanX;
      double dy = y[i] - meanY;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  /** Spearman's rho: Pearson's r of the ranks, tied values sharing their average rank. */
  public static double spearman(double[] x, double[] y) {
    requireSameLength(x, y);
    return pearson(averageRanks(x), averageRanks(y));
  }

  /** The 1-based ranks of the values, ties given the mean of the ranks they span. */
  public static double[] averageRanks(double[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double[] ranks = new double[values.length];
    int start = 0;
    while (start < order.length) {
      int end = start + 1;
      while (end < order.length && values[order[end]] == values[order[start]]) {
        end++;
      }
      double rank = (start + 1 + end) / 2.0; // mean of ranks start+1 .. end
      for (int i = start; i < end; i++) {
        ranks[order[i]] = rank;
      }
      start = end;
    }
    return ranks;
  }

  private static void requireSameLength(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "the series differ in length: " + x.length + " and " + y.length);
    }
  }
}
