package dev.nlpm.runtime.lstm;

import dev.nlpm.runtime.decoding.LanguageModelStep;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterRows;

/**
 * An LSTM language model's passes over parameters they only read: a training block of truncated
 * BPTT (forward with dropout drawn from a seed, the loss, backward through time), the loss of a
 * block, and the one-token step decoding runs on. What {@link LstmTrainer} trains and what an LSTM
 * facade hands out ({@code dev.nlpm.runtime.model.LstmFacade}).
 *
 * <p>A block is {@code batch} sequences of {@code length} tokens, row {@code b·length + t} for
 * position {@code t} of sequence {@code b}; the state goes in as {@code state} and comes out as the
 * block's final state (an input, not differentiated through).
 *
 * <p>Implemented by a model's generated {@code <Model>Passes} (its composition written out by the
 * compiler, every size a literal) and by the hand-written {@code LstmLanguageModel} (runtime test sources), the generated
 * passes' oracle. The two compute the same numbers, bit for bit.
 */
public interface LstmPasses {

  /** The sizes, and the dropout rate training draws. */
  LstmConfig config();

  /** The parameters the passes read. */
  ParameterRows parameters();

  /** The products' kernels. */
  ProductKernels kernels();

  /**
   * A training block: position {@code t} of sequence {@code b} reads {@code inputs[b·length + t]}
   * and predicts {@code targets[b·length + t]} ({@code -100}: nothing), the state carried in {@code
   * state}; dropout at the configured rate, drawn from {@code seed} (the same seed drops the same
   * units). Gradients add into {@code gradients}; returns the mean loss.
   */
  float train(int[] inputs, int[] targets, int batch, int length, LstmState state, ParameterRows gradients, long seed);

  /** The mean loss of a block as {@link #train} reads it, without dropout or gradients; the state carries. */
  float loss(int[] inputs, int[] targets, int batch, int length, LstmState state);

  /**
   * Feeds {@code token} to the first sequence of {@code state} (a state of one sequence) and writes
   * the next token's logits, {@link LstmConfig#vocab} of them, into {@code logits}.
   */
  void next(int token, LstmState state, float[] logits);

  /** A fresh (zero) state of {@code batch} sequences. */
  default LstmState newState(int batch) {
    return new LstmState(config(), batch);
  }

  /** These passes as the decoding algorithms' step: the state after the prompt, one token at a time. */
  default LanguageModelStep step() {
    return new LstmStep(this);
  }
}
