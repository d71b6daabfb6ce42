package dev.nlpm.runtime.decoding;

/**
 * What {@link Blockwise} decoding needs from a model with proposal heads: from the state after a
 * prefix, the next token's logits and the heads' guesses for the tokens after it; several tokens
 * fed in one pass with the logits after each; and the last tokens forgotten again.
 */
public interface BlockwiseLanguageModel {

  /** The number of logits a state gives. */
  int vocabularySize();

  /** k: head {@code i} guesses the token {@code i + 2} positions after the last one read. */
  int proposalHeads();

  /** A state that has read {@code prompt} in one pass. */
  State start(int[] prompt);

  /** A model's state after some prefix. */
  interface State {

    /** Tokens read so far. */
    int length();

    /** How many more tokens fit. */
    int room();

    /** The logits of the next token; the caller may change them. */
    float[] logits();

    /** The heads' guesses: entry {@code i} for the token {@code i + 2} after the last one read, {@link #proposalHeads()} of them. */
    int[] proposals();

    /**
     * Reads {@code tokens} in one pass; row {@code j} of the result is the logits of the token
     * after {@code tokens[j]} (the caller may change them).
     */
    float[][] feed(int[] tokens);

    /**
     * Forgets the tokens from {@code length} on; {@link #logits()} and {@link #proposals()} become
     * those after token {@code length − 1}, which the last {@link #feed} must have read.
     */
    void rollBack(int length);
  }
}
