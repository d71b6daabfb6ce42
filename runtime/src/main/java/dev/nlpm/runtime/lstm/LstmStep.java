package dev.nlpm.runtime.lstm;

import dev.nlpm.runtime.decoding.LanguageModelStep;

/** An LSTM's passes as the decoding algorithms' step ({@link LstmPasses#step}): one sequence's state, a token at a time. */
final class LstmStep implements LanguageModelStep {

  private final LstmPasses passes;

  LstmStep(LstmPasses passes) {
    this.passes = passes;
  }

  @Override
  public int vocabularySize() {
    return passes.config().vocab();
  }

  @Override
  public Decoding start(int[] prompt) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt must hold at least one token");
    }
    Decoding state = new Decoding(passes, passes.newState(1), new float[passes.config().vocab()]);
    for (int token : prompt) {
      state.advance(token);
    }
    return state;
  }

  /** One sequence's recurrent state and its next-token logits, advanced one token at a time. */
  private static final class Decoding implements LanguageModelStep.State {
    private final LstmPasses passes;
    private final LstmState state;
    private final float[] logits;

    Decoding(LstmPasses passes, LstmState state, float[] logits) {
      this.passes = passes;
      this.state = state;
      this.logits = logits;
    }

    @Override
    public float[] logits() {
      return logits;
    }

    @Override
    public Decoding advance(int token) {
      passes.next(token, state, logits);
      return this;
    }

    @Override
    public Decoding fork() {
      LstmState copy = passes.newState(1);
      copy.copyFrom(state);
      return new Decoding(passes, copy, logits.clone());
    }
  }
}
