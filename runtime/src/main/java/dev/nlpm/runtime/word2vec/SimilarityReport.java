package dev.nlpm.runtime.word2vec;

/**
 * How word vectors agree with human similarity judgements.
 *
 * @param pairsUsed pairs with both words in the vocabulary
 * @param pairsTotal all pairs in the file
 * @param spearman Spearman's rho between the human scores and the cosines of the pairs used
 * @param pearson Pearson's r between the same
 */
public record SimilarityReport(int pairsUsed, int pairsTotal, double spearman, double pearson) {

  /** Pairs used over all pairs; 0 when the file has none. */
  public double coverage() {
    return pairsTotal == 0 ? 0 : (double) pairsUsed / pairsTotal;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "Spearman %.4f, Pearson %.4f, coverage %.1f%% (%d of %d pairs)",
        spearman, pearson, 100 * coverage(), pairsUsed, pairsTotal);
  }
}
