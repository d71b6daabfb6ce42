package dev.nlpm.cli;

import dev.nlpm.runtime.checkpoint.TrainingProgress;
import dev.nlpm.runtime.decoder.BoundDecoder;
import dev.nlpm.runtime.decoder.DecoderConfig;
import dev.nlpm.runtime.decoder.DecoderPasses;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.model.DecoderFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A GPT-style decoder's run: micro-batch {@code k} is {@code batch} blocks of the run's length at
 * offsets of the training stream drawn from {@code (seed, k)}, so that a resumed run sees the
 * blocks a run never stopped would have.
 */
final class GptTraining implements LanguageModelTraining {

  private final DecoderConfig config;
  private final ParameterRows parameters;
  private final DecoderPasses<?> decoder;
  private final BoundDecoder<?> bound;
  private final EncoderTrainer trainer;
  private final EncoderTrainer.Pass pass;

  GptTraining(DecoderFacade facade, EncoderTrainer.Options options, long seed, int[] train, int batch, int length, Parallel parallel) {
    config = facade.config();
    parameters = facade.newParameters(seed);
    decoder = facade.newDecoder(parameters, parallel);
    bound = BoundDecoder.of(decoder, batch, length);
    trainer = facade.newTrainer(parameters, options);
    pass = (k, gradients, dropoutSeed) -> {
      int[] block = blocks(train, batch, length, seed * 31 + k);
      float loss = bound.train(block, null, batch, length, gradients, dropoutSeed);
      return new EncoderTrainer.PassResult(loss, block.length, 0, 0);
    };
  }

  /** {@code batch} blocks of {@code length} tokens of {@code train} at offsets drawn from {@code draw}, end to end. */
  static int[] blocks(int[] train, int batch, int length, long draw) {
    SplittableRandom random = new SplittableRandom(draw);
    int[] block = new int[batch * length];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(train, random.nextInt(train.length - length + 1), block, b * length, length);
    }
    return block;
  }

  DecoderPasses<?> decoder() {
    return decoder;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "%d layers, width %d, %d heads, causal LM", config.layers(), config.hidden(), config.heads());
  }

  @Override
  public ParameterRows parameters() {
    return parameters;
  }

  @Override
  public TrainingProgress resume(Path checkpoint) throws IOException {
    return trainer.resume(checkpoint);
  }

  @Override
  public void train(Path checkpoint, EncoderTrainer.Listener listener) throws IOException {
    trainer.train(pass, checkpoint, listener);
  }

  @Override
  public void requestStop() {
    trainer.requestStop();
  }

  @Override
  public long stepsDone() {
    return trainer.optimizer().steps();
  }

  @Override
  public double blockLoss(int[] blocks, int count, int length) {
    return bound.loss(blocks, count, length);
  }
}
