package dev.nlpm.cli;

import dev.nlpm.runtime.checkpoint.TrainingProgress;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a GPT-style decoder ({@link GptTraining}) and an LSTM language model ({@link
 * LstmTraining}) do differently in {@code nlpm train}: how they describe themselves, step, resume,
 * and score held-out blocks. {@link DecoderRun} does the rest for both: the vocabulary, the split,
 * the settings, progress, metrics and the model folder.
 */
interface LanguageModelTraining {

  /** The architecture in a few words, for the run's first line. */
  String describe();

  /** The parameters being trained (the model folder's weights at the end). */
  ParameterRows parameters();

  /** Restores parameters, optimizer moments, step (and any carried state) from a checkpoint. */
  TrainingProgress resume(Path checkpoint) throws IOException;

  /** Steps to the end, or until {@link #requestStop}, checkpointing into {@code checkpoint}. */
  void train(Path checkpoint, EncoderTrainer.Listener listener) throws IOException;

  /** Asks a running {@link #train} to checkpoint and return after the current step. */
  void requestStop();

  /** Optimizer steps done so far. */
  long stepsDone();

  /**
   * The mean loss per prediction over {@code count} blocks of {@code length} tokens laid end to
   * end in {@code blocks}, each block read from scratch and predicting its own next tokens.
   */
  double blockLoss(int[] blocks, int count, int length);
}
