package dev.nlpm.runtime.word2vec;

/**
 * Draws negative samples: word {@code w} with probability {@code count[w]^power / Σ count^power},
 * by Walker's alias method (Vose's construction). word2vec.c draws from a table of 10⁸ slots and
 * gensim bisects a cumulative table; the alias table gives the same distribution exactly (to
 * 2⁻²⁴) in two adjacent ints per word, small enough to stay in cache — a draw from a large table
 * is a cache miss, which profiling showed costing as much as the dot products.
 */
final class NegativeSampler {

  /** Resolution of each slot's own share: a 24-bit threshold. */
  static final int ONE = 1 << 24;

  /** For slot {@code s}: at {@code 2s} the threshold below which the slot's own word is drawn, at {@code 2s + 1} its alias. */
  private final int[] table;
  private final int words;

  private NegativeSampler(int[] table) {
    this.table = table;
    this.words = table.length / 2;
  }

  static NegativeSampler of(long[] counts, double power) {
    int n = counts.length;
    double[] scaled = new double[n];
    double total = 0;
    for (long c : counts) {
      total += Math.pow(c, power);
    }
    int[] small = new int[n];
    int[] large = new int[n];
    int smalls = 0;
    int larges = 0;
    for (int w = 0; w < n; w++) {
      scaled[w] = Math.pow(counts[w], power) / total * n;
      if (scaled[w] < 1) {
        small[smalls++] = w;
      } else {
        large[larges++] = w;
      }
    }
    int[] table = new int[2 * n];
    while (smalls > 0 && larges > 0) {
      int s = small[--smalls];
      int l = large[--larges];
      table[2 * s] = (int) Math.round(scaled[s] * ONE);
      table[2 * s + 1] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1;
      if (scaled[l] < 1) {
        small[smalls++] = l;
      } else {
        large[larges++] = l;
      }
    }
    // What is left has a share of one, up to rounding.
    while (larges > 0) {
      int l = large[--larges];
      table[2 * l] = ONE;
      table[2 * l + 1] = l;
    }
    while (smalls > 0) {
      int s = small[--smalls];
      table[2 * s] = ONE;
      table[2 * s + 1] = s;
    }
    return new NegativeSampler(table);
  }

  /**
   * The word for one step of word2vec's random stream: bits 40..63 of {@code random} choose the
   * slot, bits 16..39 decide between the slot's word and its alias (the low bits of a linear
   * congruential generator repeat too soon to use).
   */
  int sample(long random) {
    long r = random >>> 16;
    int slot = (int) (((r >>> 24) * words) >>> 24);
    int coin = (int) (r & (ONE - 1));
    return coin < table[2 * slot] ? slot : table[2 * slot + 1];
  }

  /** The probability of drawing each word this table implies: the exact distribution, for tests. */
  double[] probabilities() {
    double[] p = new double[words];
    for (int s = 0; s < words; s++) {
      double own = table[2 * s] / (double) ONE;
      p[s] += own / words;
      p[table[2 * s + 1]] += (1 - own) / words;
    }
    return p;
  }
}
