package dev.nlpm.runtime.decoding;

import java.util.Arrays;

/**
 * Settings every decoding scheme shares.
 *
 * @param maxNewTokens the most tokens generated after the prompt
 * @param stopTokens tokens that end a sequence (kept as its last token)
 * @param repetitionPenalty {@code > 1} makes tokens already in the sequence less likely, as
 *     HuggingFace's {@code RepetitionPenaltyLogitsProcessor} (CTRL): a positive logit is divided
 *     by it, a negative one multiplied; 1 turns it off
 */
public record DecodingOptions(int maxNewTokens, int[] stopTokens, double repetitionPenalty) {

  public DecodingOptions {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
    }
    if (!(repetitionPenalty > 0)) {
      throw new IllegalArgumentException("the repetition penalty must be positive, got " + repetitionPenalty);
    }
    stopTokens = stopTokens.clone();
  }

  public static DecodingOptions of(int maxNewTokens, int... stopTokens) {
    return new DecodingOptions(maxNewTokens, stopTokens, 1.0);
  }

  public DecodingOptions withRepetitionPenalty(double penalty) {
    return new DecodingOptions(maxNewTokens, stopTokens, penalty);
  }

  @Override
  public int[] stopTokens() {
    return stopTokens.clone();
  }

  boolean isStop(int token) {
    for (int s : stopTokens) {
      if (s == token) {
        return true;
      }
    }
    return false;
  }

  /** Applies the repetition penalty to {@code logits} for every token in {@code sequence[0..length)}. */
  void penalize(float[] logits, int[] sequence, int length) {
    if (repetitionPenalty == 1.0) {
      return;
    }
    boolean[] seen = new boolean[logits.length];
    for (int i = 0; i < length; i++) {
      int t = sequence[i];
      if (!seen[t]) {
        seen[t] = true;
        logits[t] = (float) (logits[t] > 0 ? logits[t] / repetitionPenalty : logits[t] * repetitionPenalty);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecodingOptions d && maxNewTokens == d.maxNewTokens && Arrays.equals(stopTokens, d.stopTokens)
        && repetitionPenalty == d.repetitionPenalty;
  }

  @Override
  public int hashCode() {
    return maxNewTokens * 31 + Arrays.hashCode(stopTokens);
  }

  @Override
  public String toString() {
    return "DecodingOptions[maxNewTokens=" + maxNewTokens + ", stopTokens=" + Arrays.toString(stopTokens)
        + ", repetitionPenalty=" + repetitionPenalty + "]";
  }
}
