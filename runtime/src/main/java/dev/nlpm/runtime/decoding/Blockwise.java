package dev.nlpm.runtime.decoding;

import java.util.Arrays;

/**
 * Blockwise parallel decoding (Stern, Shazeer and Uszkoreit, 2018) with the combined scoring and
 * proposal step, which produces exactly greedy decoding's output. Each iteration, from the state
 * after the tokens accepted so far:
 *
 * <ol>
 *   <li><b>predict</b>: the base model's own greedy next token, then the k heads' guesses for the
 *       tokens 2..k+1 ahead;
 *   <li><b>verify</b>: all of them are fed in one pass, which gives the base model's logits after
 *       each;
 *   <li><b>accept</b>: the first proposal (it is greedy's token), then each next one while it
 *       equals the base model's argmax after the ones before it. The base model's token at the
 *       first disagreement is the next iteration's first proposal, and the same pass's state after
 *       the last accepted token gives the heads' next guesses, so an iteration costs one pass and
 *       accepts 1 to k+1 tokens.
 * </ol>
 *
 * The rejected tokens are rolled back. {@link DecodingOptions}: the maximum length and stop tokens
 * as greedy has them (the last token is not fed, as greedy does not feed it); the repetition
 * penalty is applied as greedy applies it, to the logits after each verified prefix.
 */
public final class Blockwise {

  private Blockwise() {}

  /**
   * What blockwise decoding produced and what it cost.
   *
   * @param tokens the prompt followed by the tokens generated (greedy's)
   * @param generated the number of tokens generated
   * @param modelPasses passes through the model, the prompt's included; greedy decoding with the
   *     prompt read in one pass takes one pass per generated token
   * @param acceptedPerIteration tokens each iteration added (1 to k+1)
   */
  public record Result(int[] tokens, int generated, int modelPasses, int[] acceptedPerIteration) {
    public Result {
      tokens = tokens.clone();
      acceptedPerIteration = acceptedPerIteration.clone();
    }

    @Override
    public int[] tokens() {
      return tokens.clone();
    }

    @Override
    public int[] acceptedPerIteration() {
      return acceptedPerIteration.clone();
    }

    /** Generated tokens per model pass: 1 is greedy's rate, k+1 the most. */
    public double tokensPerPass() {
      return (double) generated / modelPasses;
    }

    /** The mean tokens an iteration accepted (the paper's mean accepted block size). */
    public double meanAccepted() {
      return acceptedPerIteration.length == 0 ? 0 : (double) generated / acceptedPerIteration.length;
    }
  }

  /** The prompt followed by what greedy decoding of the base model generates, found blockwise. */
  public static Result decode(BlockwiseLanguageModel model, int[] prompt, DecodingOptions options) {
    int k = model.proposalHeads();
    int max = options.maxNewTokens();
    int[] sequence = Arrays.copyOf(prompt, prompt.length + max);
    int length = prompt.length;
    int generated = 0;
    int[] accepted = new int[max];
    int iterations = 0;
    BlockwiseLanguageModel.State state = model.start(prompt);
    int passes = 1;
    while (true) {
      // predict: greedy's own next token, then the heads' guesses, no further than a stop token or the maximum length
      float[] next = state.logits();
      options.penalize(next, sequence, length);
      int remaining = max - generated;
      int[] proposals = new int[Math.min(k + 1, remaining)];
      proposals[0] = Greedy.argmax(next);
      int count = 1;
      // the heads only run when their guesses could be used
      int[] guesses = proposals.length > 1 && !options.isStop(proposals[0]) ? state.proposals() : null;
      while (count < proposals.length && !options.isStop(proposals[count - 1])) {
        proposals[count] = guesses[count - 1];
        count++;
      }
      proposals = Arrays.copyOf(proposals, count);
      boolean couldFinish = count == remaining || options.isStop(proposals[count - 1]);
      // a token that would end decoding if accepted is only checked, not fed, as greedy does not feed its last token
      int feed = couldFinish ? count - 1 : count;
      if (feed > state.room()) {
        feed = state.room();
        count = feed;
        if (feed == 0) {
          throw new IllegalStateException("the state holds " + state.length() + " tokens and has no room for the next; "
              + generated + " of " + max + " tokens generated");
        }
      }
      float[][] verified = feed == 0 ? new float[0][] : state.feed(Arrays.copyOf(proposals, feed));
      passes += feed == 0 ? 0 : 1;
      // accept: the first proposal always, then each while the base model's argmax after the ones before agrees
      int before = length;
      boolean finished = false;
      for (int j = 0; j < count; j++) {
        if (j > 0) {
          float[] logits = verified[j - 1];
          options.penalize(logits, sequence, length);
          if (Greedy.argmax(logits) != proposals[j]) {
            break;
          }
        }
        sequence[length++] = proposals[j];
        generated++;
        if (options.isStop(proposals[j]) || generated == max) {
          finished = true;
          break;
        }
      }
      accepted[iterations++] = length - before;
      if (finished) {
        break;
      }
      if (length < state.length()) {
        state.rollBack(length);
      }
    }
    return new Result(Arrays.copyOf(sequence, length), generated, passes, Arrays.copyOf(accepted, iterations));
  }
}
