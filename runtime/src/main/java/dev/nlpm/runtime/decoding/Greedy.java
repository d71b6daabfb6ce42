package dev.nlpm.runtime.decoding;

/** Greedy decoding: the most likely next token each step (the lowest id on a tie). */
public final class Greedy {

  private Greedy() {}

  /** The prompt followed by what greedy decoding generates. */
  public static int[] decode(LanguageModelStep model, int[] prompt, DecodingOptions options) {
    return TokenByToken.decode(model, prompt, options, Greedy::argmax);
  }

  /**
   * Refuses logits no scheme can decide on: a NaN (a diverged model) or nothing above −∞. Left
   * alone they would quietly pick token 0.
   */
  static void requireUsable(float[] logits) {
    boolean finite = false;
    for (int i = 0; i < logits.length; i++) {
      if (Float.isNaN(logits[i])) {
        throw new IllegalArgumentException("the model gave a NaN logit for token " + i);
      }
      finite |= logits[i] > Float.NEGATIVE_INFINITY;
    }
    if (!finite) {
      throw new IllegalArgumentException("every logit is -infinity: no token can be chosen");
    }
  }

  static int argmax(float[] logits) {
    requireUsable(logits);
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
