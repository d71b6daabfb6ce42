package dev.nlpm.runtime.model;

import dev.nlpm.runtime.training.EncoderTrainer;

/**
 * What the facades of the models {@link EncoderTrainer} trains (encoders, decoders, LSTM language
 * models) share: the model's name, its checkpoint names, and its declared training.
 */
public interface ModelFacade {

  /** The model's name, recorded in its checkpoints ({@code NAME}). */
  String name();

  /** The prefix of the backbone's names in the reference checkpoint ({@code bert.}, …), or "" for none. */
  String checkpointPrefix();

  /** The declared training sequence (or block) length ({@code SEQUENCE}). */
  int sequence();

  /** The declared batch size ({@code BATCH}). */
  int batch();

  /** The declared optimizer steps ({@code STEPS}); 0: {@link #epochs} passes over the data decide them. */
  long steps();

  /** The declared passes over the data ({@code EPOCHS}), which count when no steps are declared. */
  int epochs();

  /** The declared training over {@code steps} steps, the warmup cut to them ({@code trainingOptions(steps)}). */
  EncoderTrainer.Options declaredOptions(long steps);
}
