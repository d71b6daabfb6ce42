package dev.nlpm.runtime.model;

/**
 * What the facades of a GPT-style decoder ({@link DecoderFacade}) and of an LSTM language model
 * ({@link LstmFacade}) share beyond their training: the sizes that bound the text they read.
 */
public interface LanguageModelFacade extends ModelFacade {

  /** The declared vocabulary; for a vocabulary built at run time ({@code max_vocab}), the largest. */
  int vocab();

  /** The most tokens a sequence holds: the learned positions, or {@link Integer#MAX_VALUE} for a recurrent model. */
  int positions();
}
