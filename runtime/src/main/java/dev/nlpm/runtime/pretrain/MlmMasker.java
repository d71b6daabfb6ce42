package dev.nlpm.runtime.pretrain;

import java.util.SplittableRandom;

/**
 * BERT's masked-language-model corruption, as Google's {@code create_pretraining_data.py} does
 * it: of a sequence's non-special tokens, {@code max(1, round(n · rate))} (at most {@code
 * maxPredictions}) are chosen without replacement; each chosen token becomes {@code [MASK]} with
 * probability {@code mask} (BERT: 0.8), else stays itself with probability {@code keep} or becomes a
 * token drawn uniformly from the whole vocabulary with probability {@code random} (0.1 and 0.1).
 * Only chosen positions carry a label.
 */
public final class MlmMasker {

  private final double rate;
  private final double mask;
  private final double keepGivenNotMasked;
  private final int maskId;
  private final int vocabularySize;
  private final boolean[] special;
  private final int maxPredictions;

  /**
   * @param rate the share of non-special tokens to predict (BERT: 0.15)
   * @param maskId the id of {@code [MASK]}
   * @param vocabularySize random replacements are drawn from {@code [0, vocabularySize)}
   * @param specialIds ids never chosen ({@code [CLS]}, {@code [SEP]}, {@code [PAD]}, …)
   * @param maxPredictions the most positions chosen in one sequence
   */
  public MlmMasker(double rate, int maskId, int vocabularySize, int[] specialIds, int maxPredictions) {
    this(rate, 0.8, 0.1, 0.1, maskId, vocabularySize, specialIds, maxPredictions);
  }

  /**
   * @param mask the share of chosen tokens replaced by {@code [MASK]}
   * @param random the share replaced by a uniformly drawn token
   * @param keep the share left as they are; {@code mask + random + keep} must be 1 (within 1e-9)
   */
  public MlmMasker(double rate, double mask, double random, double keep, int maskId, int vocabularySize, int[] specialIds,
      int maxPredictions) {
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("the masking rate must be in (0, 1], got " + rate);
    }
    if (!(mask >= 0 && random >= 0 && keep >= 0) || Math.abs(mask + random + keep - 1) > 1e-9) {
      throw new IllegalArgumentException("the mask, random and keep shares must be at least 0 and sum to 1, got "
          + mask + " + " + random + " + " + keep);
    }
    if (vocabularySize < 1 || maskId < 0 || maskId >= vocabularySize) {
      throw new IllegalArgumentException("[MASK] id " + maskId + " is outside a vocabulary of " + vocabularySize);
    }
    if (maxPredictions < 1) {
      throw new IllegalArgumentException("maxPredictions must be positive, got " + maxPredictions);
    }
    this.rate = rate;
    this.mask = mask;
    // The second draw decides between keep and random, as create_pretraining_data.py's coin does.
    this.keepGivenNotMasked = keep + random == 0 ? 0 : keep / (keep + random);
    this.maskId = maskId;
    this.vocabularySize = vocabularySize;
    this.special = new boolean[vocabularySize];
    for (int id : specialIds) {
      if (id < 0 || id >= vocabularySize) {
        throw new IllegalArgumentException("special id " + id + " is outside a vocabulary of " + vocabularySize);
      }
      special[id] = true;
    }
    this.maxPredictions = maxPredictions;
  }

  /** The most positions a sequence of {@code length} tokens has chosen at {@code rate}: BERT's max_predictions_per_seq. */
  public static int maxPredictions(int length, double rate) {
    return (int) Math.ceil(length * rate);
  }

  /** The masked form of {@code ids}, drawn from {@code random}; {@code ids} is not changed. */
  public MaskedExample mask(int[] ids, SplittableRandom random) {
    int[] candidates = new int[ids.length];
    int n = 0;
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= vocabularySize) {
        throw new IllegalArgumentException("id " + id + " at position " + i + " is outside a vocabulary of " + vocabularySize);
      }
      if (!special[id]) {
        candidates[n++] = i;
      }
    }
    int[] input = ids.clone();
    int[] labels = new int[ids.length];
    java.util.Arrays.fill(labels, MaskedExample.IGNORED);
    if (n == 0) {
      return new MaskedExample(input, labels);
    }
    int chosen = (int) Math.min(maxPredictions, Math.max(1, Math.round(n * rate)));
    // A partial Fisher–Yates shuffle: the first `chosen` candidates become a uniform sample.
    for (int k = 0; k < chosen; k++) {
      int j = k + random.nextInt(n - k);
      int t = candidates[k];
      candidates[k] = candidates[j];
      candidates[j] = t;
    }
    for (int k = 0; k < chosen; k++) {
      int position = candidates[k];
      labels[position] = ids[position];
      if (random.nextDouble() < mask) {
        input[position] = maskId;
      } else if (random.nextDouble() < keepGivenNotMasked) {
        input[position] = ids[position];
      } else {
        input[position] = random.nextInt(vocabularySize);
      }
    }
    return new MaskedExample(input, labels);
  }
}
