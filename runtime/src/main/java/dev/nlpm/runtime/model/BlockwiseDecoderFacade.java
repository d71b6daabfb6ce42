package dev.nlpm.runtime.model;

import dev.nlpm.runtime.decoder.DecoderPasses;
import dev.nlpm.runtime.decoder.ProposalHeads;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;

/**
 * The facade of a decoder declaring {@code decoding blockwise}: its proposal heads, in parameters of
 * their own, trained after the model with the model frozen.
 */
public interface BlockwiseDecoderFacade extends DecoderFacade {

  /** The number of proposal heads ({@code BLOCKWISE_K}): head {@code i} guesses the token {@code i + 2} ahead. */
  int blockwiseK();

  /** The name the heads' own checkpoints record ({@code HEADS_NAME}). */
  String headsName();

  /** Fresh proposal heads from {@code seed} ({@code initializeHeads(seed)}). */
  ParameterRows newHeads(long seed);

  /** The heads in {@code heads} on {@code decoder}: their {@code train} is the heads' pass, their {@code step} blockwise decoding's model. */
  ProposalHeads newProposalHeads(DecoderPasses<?> decoder, ParameterRows heads);

  /** A trainer for the heads' parameters alone with {@code options} ({@code headsTrainer(…)}). */
  EncoderTrainer newHeadsTrainer(ParameterRows heads, EncoderTrainer.Options options);
}
