package dev.nlpm.runtime.model;

import dev.nlpm.runtime.decoder.DecoderConfig;
import dev.nlpm.runtime.decoder.DecoderPasses;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;

/**
 * A generated GPT-style decoder facade: its parameters, the decoder's passes (whose {@code train} is
 * the training pass and whose {@code step} feeds the decoding schemes) and its trainer. A decoder that
 * declares {@code decoding blockwise} implements {@link BlockwiseDecoderFacade}.
 */
public interface DecoderFacade extends LanguageModelFacade {

  /** The sizes the runtime decoder runs with ({@code CONFIG}). */
  DecoderConfig config();

  /** Fresh parameters, initialized as the model declares from {@code seed} ({@code initialize(seed)}). */
  ParameterRows newParameters(long seed);

  /**
   * The decoder's passes over {@code parameters}, its work split by {@code parallel} ({@code
   * decoder(…)}): the generated {@code <Model>Passes}.
   */
  DecoderPasses<?> newDecoder(ParameterRows parameters, Parallel parallel);

  /** A trainer for {@code parameters} with {@code options}; give its {@code train} the decoder's pass ({@code trainer(…)}). */
  EncoderTrainer newTrainer(ParameterRows parameters, EncoderTrainer.Options options);
}
