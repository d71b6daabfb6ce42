package dev.nlpm.runtime.decoding;

import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * The loop greedy decoding and sampling share: the next token's logits, the repetition penalty,
 * a token chosen from them, until a stop token or the maximum length.
 */
public final class TokenByToken {

  private TokenByToken() {}

  /** The prompt followed by the tokens {@code choose} picks from each step's penalized logits. */
  public static int[] decode(LanguageModelStep model, int[] prompt, DecodingOptions options, ToIntFunction<float[]> choose) {
    int[] sequence = Arrays.copyOf(prompt, prompt.length + options.maxNewTokens());
    int length = prompt.length;
    LanguageModelStep.State state = model.start(prompt);
    for (int n = 0; n < options.maxNewTokens(); n++) {
      float[] logits = state.logits();
      options.penalize(logits, sequence, length);
      int token = choose.applyAsInt(logits);
      sequence[length++] = token;
      if (options.isStop(token) || n == options.maxNewTokens() - 1) {
        break;
      }
      state = state.advance(token);
    }
    return Arrays.copyOf(sequence, length);
  }
}
