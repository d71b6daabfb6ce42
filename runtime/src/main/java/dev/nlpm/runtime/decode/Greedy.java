package dev.nlpm.runtime.decode;

import java.util.Arrays;

/** Greedy decoding: the most likely next token each step (the lowest id on a tie). */
public final class Greedy {

  private Greedy() {}

  /** The prompt followed by what greedy decoding generates. */
  public static int[] decode(LanguageModelStep model, int[] prompt, DecodingOptions options) {
    int[] sequence = Arrays.copyOf(prompt, prompt.length + options.maxNewTokens());
    int length = prompt.length;
    LanguageModelStep.State state = model.start(prompt);
    for (int n = 0; n < options.maxNewTokens(); n++) {
      float[] logits = state.logits();
      options.penalize(logits, sequence, length);
      int token = argmax(logits);
      sequence[length++] = token;
      if (options.isStop(token) || n == options.maxNewTokens() - 1) {
        break;
      }
      state = state.advance(token);
    }
    return Arrays.copyOf(sequence, length);
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
