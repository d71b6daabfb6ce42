package dev.nlpm.runtime.decoding;

/**
 * What the decoding schemes need from an autoregressive model: a state that has read a prefix,
 * the logits of the next token from it, and the state after one more token. A GPT's state holds
 * its KV cache, an LSTM's its hidden and cell vectors; a stateless model can hold the prefix.
 */
public interface LanguageModelStep {

  /** The number of logits a state gives. */
  int vocabularySize();

  /** A state that has read {@code prompt}. */
  State start(int[] prompt);

  /** A model's state after some prefix. */
  interface State {

    /** The logits of the next token, {@link #vocabularySize()} of them; the caller may change them. */
    float[] logits();

    /** The state after {@code token}; this state may be reused for it, so {@link #fork} first to keep both. */
    State advance(int token);

    /** An independent copy, for beam search to extend one prefix in several ways. */
    State fork();
  }
}
