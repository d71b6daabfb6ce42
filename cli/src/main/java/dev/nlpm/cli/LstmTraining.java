package dev.nlpm.cli;

import dev.nlpm.runtime.checkpoint.TrainingProgress;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.lstm.LstmConfig;
import dev.nlpm.runtime.lstm.LstmPasses;
import dev.nlpm.runtime.lstm.LstmTrainer;
import dev.nlpm.runtime.model.LstmFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An LSTM language model's run: truncated BPTT over {@code batch} parallel streams of the training
 * text, blocks of the run's length, the state carried from block to block ({@link LstmTrainer}).
 */
final class LstmTraining implements LanguageModelTraining {

  private final LstmPasses model;
  private final LstmTrainer trainer;

  /** @param vocabulary the size of the text's vocabulary, which a model declaring max_vocab is built with */
  LstmTraining(LstmFacade facade, int vocabulary, EncoderTrainer.Options options, long seed, int[] train, int batch, int length,
      Parallel parallel) {
    model = facade.newModel(facade.newParameters(vocabulary, seed), parallel);
    try {
      trainer = new LstmTrainer(model, train, batch, length, options, facade.name(), facade.checkpointPrefix());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  @Override
  public String describe() {
    LstmConfig c = model.config();
    return String.format(Locale.ROOT, "LSTM, %d layer%s of %d over embeddings of %d, causal LM", c.layers(), c.layers() == 1 ? "" : "s",
        c.hidden(), c.embedding());
  }

  @Override
  public ParameterRows parameters() {
    return model.parameters();
  }

  @Override
  public TrainingProgress resume(Path checkpoint) throws IOException {
    return trainer.resume(checkpoint);
  }

  @Override
  public void train(Path checkpoint, EncoderTrainer.Listener listener) throws IOException {
    trainer.train(checkpoint, listener);
  }

  @Override
  public void requestStop() {
    trainer.requestStop();
  }

  @Override
  public long stepsDone() {
    return trainer.optimizer().steps();
  }

  /** Each block from a zero state: its first {@code length - 1} tokens read, its last {@code length - 1} predicted. */
  @Override
  public double blockLoss(int[] blocks, int count, int length) {
    int[] inputs = new int[count * (length - 1)];
    int[] targets = new int[count * (length - 1)];
    for (int b = 0; b < count; b++) {
      System.arraycopy(blocks, b * length, inputs, b * (length - 1), length - 1);
      System.arraycopy(blocks, b * length + 1, targets, b * (length - 1), length - 1);
    }
    return model.loss(inputs, targets, count, length - 1, model.newState(count));
  }
}
