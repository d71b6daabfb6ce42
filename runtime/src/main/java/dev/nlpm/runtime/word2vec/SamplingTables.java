package dev.nlpm.runtime.word2vec;

/**
 * The precomputed tables word2vec.c trains with: the sigmoid, the unigram^power table negatives
 * are drawn from, and each word's probability of being kept by frequent-word subsampling.
 */
public final class SamplingTables {

  /** Sigmoid table resolution and range, word2vec.c's {@code EXP_TABLE_SIZE} and {@code MAX_EXP}. */
  public static final int SIGMOID_TABLE_SIZE = 1000;

  public static final int MAX_EXP = 6;

  private SamplingTables() {}

  /**
   * {@code sigmoid(x)} at {@code x = (i / 1000 * 2 - 1) * 6}, as word2vec.c's {@code expTable};
   * look up {@code table[(int) ((f + 6) * (1000 / 6 / 2))]} for {@code -6 < f < 6}.
   */
  public static float[] sigmoidTable() {
    float[] table = new float[SIGMOID_TABLE_SIZE + 1];
    for (int i = 0; i < SIGMOID_TABLE_SIZE; i++) {
      double e = Math.exp((i / (double) SIGMOID_TABLE_SIZE * 2 - 1) * MAX_EXP);
      table[i] = (float) (e / (e + 1));
    }
    table[SIGMOID_TABLE_SIZE] = table[SIGMOID_TABLE_SIZE - 1];
    return table;
  }

  /**
   * The loss of one output unit at each entry of a {@link #sigmoidTable}: {@code -log(s)} when
   * {@code positive} (the unit should say 1: the true word, or a tree node with code 0), {@code
   * -log(1 - s)} otherwise, for the table's {@code s}; so the loss follows exactly the sigmoid the
   * gradient used. Looked up at the gradient's index, it costs the training loop one load and add.
   */
  public static float[] lossTable(float[] sigmoid, boolean positive) {
    float[] table = new float[sigmoid.length];
    for (int i = 0; i < sigmoid.length; i++) {
      table[i] = (float) -Math.log(positive ? sigmoid[i] : 1.0 - sigmoid[i]);
    }
    return table;
  }

  /**
   * The probability of keeping each word under subsampling with threshold {@code sample}, as
   * word2vec.c defines it: {@code (sqrt(c / (s·T)) + 1) · (s·T) / c} for count {@code c} and
   * {@code T} words in all, capped at 1; {@code sample <= 0} keeps every word.
   */
  public static float[] keepProbabilities(long[] counts, long totalWords, double sample) {
    float[] keep = new float[counts.length];
    for (int w = 0; w < counts.length; w++) {
      if (sample <= 0) {
        keep[w] = 1f;
      } else {
        double threshold = sample * totalWords;
        double p = (Math.sqrt(counts[w] / threshold) + 1) * threshold / counts[w];
        keep[w] = (float) Math.min(1.0, p);
      }
    }
    return keep;
  }
}
