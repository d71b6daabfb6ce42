package dev.nlpm.runtime.training;

import dev.nlpm.runtime.checkpoint.TrainingCheckpoint;
import dev.nlpm.runtime.checkpoint.TrainingProgress;
import dev.nlpm.runtime.encoder.EncoderActivations;
import dev.nlpm.runtime.encoder.EncoderBatch;
import dev.nlpm.runtime.encoder.EncoderPasses;
import dev.nlpm.runtime.io.AtomicDirectories;
import dev.nlpm.runtime.optim.AdamWSettings;
import dev.nlpm.runtime.optim.GradientClipping;
import dev.nlpm.runtime.optim.LearningRateSchedule;
import dev.nlpm.runtime.optim.OptimizerKind;
import dev.nlpm.runtime.optim.RowOptimizer;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Pretrains (or fine-tunes) an encoder ({@link EncoderPasses}: a model's generated {@code <Model>Passes}): micro-batches from a {@link Batches} source,
 * gradients accumulated and averaged, global-norm clipping, AdamW (or Adam, or SGD) with linear
 * warmup then a linear (or cosine, or constant) decay, a checkpoint every so many steps and at the end, and a stop with a message naming the
 * step when the loss is not finite (before anything is changed; the last checkpoint stays).
 *
 * <p>A run is a function of the seed: batch {@code k} is the source's {@code k}-th, and the
 * dropout of micro-batch {@code k} is drawn from {@code (seed, k)}. A resumed run restores the
 * parameters, the optimizer's moments and step, and continues at the next micro-batch, so it
 * produces the same numbers as a run that never stopped (at the same thread count, which does not
 * change numbers either).
 */
public final class EncoderTrainer {

  /** Micro-batch {@code k} of a run. */
  @FunctionalInterface
  public interface Batches {
    EncoderBatch batch(long k);
  }

  /** What a training step reports. */
  public record StepReport(long step, long steps, double loss, double mlmAccuracy, double learningRate, double gradientNorm,
      long tokens, double seconds) {

    /** Tokens (positions, padding excluded) per second since the run (or the resumed run) began. */
    public double tokensPerSecond() {
      return seconds > 0 ? tokens / seconds : 0;
    }
  }

  /**
   * One micro-batch of any model: forward, loss, and its gradients added into {@code gradients},
   * with dropout (if any) drawn from {@code seed}.
   */
  @FunctionalInterface
  public interface Pass {
    PassResult run(long microBatch, ParameterRows gradients, long seed);
  }

  /** What a pass reports: its loss, the tokens it saw, and (for MLM) the predictions it got right out of those it made. */
  public record PassResult(double loss, long tokens, int correct, int counted) {}

  /** The pretraining pass of an encoder's passes over {@code batches}, in {@code workspace}. */
  public static <W extends EncoderActivations> Pass pretraining(EncoderPasses<W> passes, W workspace, Batches batches) {
    Objects.requireNonNull(passes, "passes");
    Objects.requireNonNull(workspace, "workspace");
    return (k, gradients, seed) -> {
      EncoderBatch batch = batches.batch(k);
      EncoderPasses.Losses losses = passes.train(batch, workspace, gradients, seed);
      long tokens = 0;
      for (int length : batch.lengths()) {
        tokens += length;
      }
      return new PassResult(losses.total(), tokens, losses.mlmCorrect(), losses.mlmCounted());
    };
  }

  /** Hears about every step. */
  @FunctionalInterface
  public interface Listener {
    void step(StepReport report);
  }

  /**
   * The settings of a run.
   *
   * @param accumulation micro-batches per optimizer step
   * @param clip the maximum global gradient norm, or 0 for none
   * @param checkpointEvery steps between checkpoints (0: only at the end)
   * @param schedule how the learning rate falls after warmup
   * @param minLearningRate the rate it falls to at the last step
   * @param optimizer the update rule
   */
  public record Options(double learningRate, long warmup, long steps, int accumulation, double clip, double weightDecay,
      long seed, long checkpointEvery, LearningRateSchedule.Shape schedule, double minLearningRate, OptimizerKind optimizer) {

    public Options {
      if (!(learningRate > 0) || warmup < 0 || steps <= 0 || accumulation <= 0 || clip < 0 || weightDecay < 0 || checkpointEvery < 0
          || !(minLearningRate >= 0 && minLearningRate <= learningRate)) {
        throw new IllegalArgumentException("invalid training options: " + learningRate + ", warmup " + warmup + ", steps " + steps
            + ", accumulation " + accumulation + ", clip " + clip + ", weight decay " + weightDecay + ", checkpoint every " + checkpointEvery
            + ", min learning rate " + minLearningRate);
      }
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(optimizer, "optimizer");
    }

    /** AdamW with BERT's schedule: linear warmup, then linear decay to 0. */
    public Options(double learningRate, long warmup, long steps, int accumulation, double clip, double weightDecay, long seed,
        long checkpointEvery) {
      this(learningRate, warmup, steps, accumulation, clip, weightDecay, seed, checkpointEvery, LearningRateSchedule.Shape.LINEAR, 0,
          OptimizerKind.ADAMW);
    }

    /** These options with another schedule after warmup, falling to {@code minLearningRate}. */
    public Options withSchedule(LearningRateSchedule.Shape schedule, double minLearningRate) {
      return new Options(learningRate, warmup, steps, accumulation, clip, weightDecay, seed, checkpointEvery, schedule, minLearningRate,
          optimizer);
    }

    /** These options with another update rule. */
    public Options withOptimizer(OptimizerKind optimizer) {
      return new Options(learningRate, warmup, steps, accumulation, clip, weightDecay, seed, checkpointEvery, schedule, minLearningRate,
          optimizer);
    }

    /** The learning rate of every step. */
    public LearningRateSchedule learningRates() {
      return LearningRateSchedule.warmupThenDecay(schedule, learningRate, minLearningRate, warmup, steps);
    }
  }

  /** The encoder's passes, bound to their workspace: they give a micro-batch source its pass. */
  @FunctionalInterface
  private interface BoundPasses {
    Pass over(Batches batches);
  }

  private final ParameterRows parameters;
  private final BoundPasses passes;
  private final RowOptimizer optimizer;
  private final ParameterRows gradients;
  private final Options options;
  private final LearningRateSchedule schedule;
  private final String model;
  private final String backbonePrefix;
  private volatile boolean stopRequested;
  private CarriedState carriedState;

  /**
   * A trainer for an encoder's passes (its generated {@code <Model>Passes}) running in {@code
   * workspace}, whose micro-batches {@link #train(Batches, Path, Listener)} takes.
   */
  public <W extends EncoderActivations> EncoderTrainer(EncoderPasses<W> passes, W workspace, Options options, String model,
      String backbonePrefix) {
    this(passes.parameters(), batches -> pretraining(passes, workspace, batches), options, model, backbonePrefix);
  }

  /**
   * A trainer for an encoder's passes with a workspace of its own for {@code maxBatch} sequences of
   * up to {@code maxLength} tokens and {@code maxPredictions} MLM positions in all.
   */
  public static <W extends EncoderActivations> EncoderTrainer of(EncoderPasses<W> passes, int maxBatch, int maxLength,
      int maxPredictions, Options options, String model, String backbonePrefix) {
    return new EncoderTrainer(passes, passes.workspace(maxBatch, maxLength, maxPredictions), options, model, backbonePrefix);
  }

  /** A trainer for any model whose parameters are {@code parameters}; {@link #train(Pass, Path, Listener)} runs it. */
  public EncoderTrainer(ParameterRows parameters, Options options, String model, String backbonePrefix) {
    this(parameters, (BoundPasses) null, options, model, backbonePrefix);
  }

  private EncoderTrainer(ParameterRows parameters, BoundPasses passes, Options options, String model, String backbonePrefix) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.passes = passes;
    this.options = Objects.requireNonNull(options, "options");
    this.model = Objects.requireNonNull(model, "model");
    this.backbonePrefix = Objects.requireNonNull(backbonePrefix, "backbonePrefix");
    this.optimizer = new RowOptimizer(parameters, new AdamWSettings(AdamWSettings.DEFAULT_BETA1, AdamWSettings.DEFAULT_BETA2,
        1e-6, options.weightDecay()), options.optimizer());
    this.gradients = parameters.zerosLike();
    this.schedule = options.learningRates();
  }

  public RowOptimizer optimizer() {
    return optimizer;
  }

  /** Asks a running {@link #train} to checkpoint and return after the current step (e.g. on Ctrl-C). */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Puts back a checkpoint written by this trainer for the same model and layout: parameters,
   * moments and step. {@link #train} then continues from the step after it.
   */
  public TrainingProgress resume(Path checkpoint) throws IOException {
    TrainingCheckpoint saved = TrainingCheckpoint.read(checkpoint, model, parameters.layout(), backbonePrefix);
    if (saved.progress().seed() != options.seed()) {
      throw new IllegalArgumentException("the checkpoint " + checkpoint + " was trained with seed " + saved.progress().seed()
          + ", not " + options.seed() + "; resuming with another seed would not continue the same run");
    }
    parameters.importFrom(saved.parameters());
    optimizer.restore(saved.optimizerSteps(), saved.firstMoment(), saved.secondMoment());
    return saved.progress();
  }

  /**
   * Runs from the optimizer's current step to {@link Options#steps}, or until {@link
   * #requestStop}; returns the last step's loss.
   *
   * @param checkpoint the directory to save to (replaced atomically), or null for none
   */
  public double train(Batches batches, Path checkpoint, Listener listener) throws IOException {
    if (passes == null) {
      throw new IllegalStateException("this trainer was made for a model's own pass: call train(Pass, …)");
    }
    return train(passes.over(batches), checkpoint, listener);
  }

  /** As {@link #train(Batches, Path, Listener)}, for any model's micro-batch {@code pass}. */
  public double train(Pass pass, Path checkpoint, Listener listener) throws IOException {
    long started = System.nanoTime();
    long tokens = 0;
    double loss = Double.NaN;
    String lastCheckpoint = null;
    for (long step = optimizer.steps() + 1; step <= options.steps(); step++) {
      gradients.zero();
      double stepLoss = 0;
      int correct = 0;
      int counted = 0;
      for (int micro = 0; micro < options.accumulation(); micro++) {
        long k = (step - 1) * options.accumulation() + micro;
        PassResult result = pass.run(k, gradients, options.seed() * 0x9E3779B97F4A7C15L + k);
        stepLoss += result.loss();
        correct += result.correct();
        counted += result.counted();
        tokens += result.tokens();
      }
      stepLoss /= options.accumulation();
      if (!Double.isFinite(stepLoss)) {
        throw new TrainingDivergedException(step, stepLoss, lastCheckpoint);
      }
      if (options.accumulation() > 1) {
        float scale = 1f / options.accumulation();
        for (float[] row : gradients.rows()) {
          for (int i = 0; i < row.length; i++) {
            row[i] *= scale;
          }
        }
      }
      double norm = options.clip() > 0 ? GradientClipping.clipGlobalNorm(gradients.rows(), options.clip()) : Double.NaN;
      if (options.clip() > 0 && !Double.isFinite(norm)) {
        throw new TrainingDivergedException(step, norm, lastCheckpoint);
      }
      double lr = schedule.at(step - 1);
      optimizer.step(parameters, gradients, lr);
      loss = stepLoss;
      double seconds = (System.nanoTime() - started) / 1e9;
      if (listener != null) {
        listener.step(new StepReport(step, options.steps(), stepLoss, counted == 0 ? Double.NaN : (double) correct / counted, lr, norm, tokens, seconds));
      }
      boolean last = step == options.steps() || stopRequested;
      if (checkpoint != null && (last || (options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0))) {
        save(checkpoint, step, stepLoss);
        lastCheckpoint = checkpoint + " at step " + step;
      }
      if (stopRequested) {
        break;
      }
    }
    return loss;
  }

  /**
   * State a run carries besides parameters and moments (an LSTM's hidden and cell vectors from
   * block to block), written into every checkpoint directory next to the trainer's own files.
   */
  @FunctionalInterface
  public interface CarriedState {
    void writeInto(Path directory) throws IOException;
  }

  /** Has every checkpoint from now on hold {@code state} too, in the same atomically replaced directory. */
  public void alsoCheckpoint(CarriedState state) {
    this.carriedState = Objects.requireNonNull(state, "state");
  }

  /** Writes the training state after {@code step} to {@code directory}, atomically. */
  public void save(Path directory, long step, double loss) throws IOException {
    long micro = step * options.accumulation();
    TrainingCheckpoint checkpoint = new TrainingCheckpoint(model, parameters.toFlat(), optimizer.steps(), optimizer.firstMomentFlat(),
        optimizer.secondMomentFlat(), new TrainingProgress(step, 0, micro, options.seed(), loss));
    CarriedState carried = carriedState;
    AtomicDirectories.write(directory, dir -> {
      checkpoint.writeInto(dir, parameters.layout(), backbonePrefix);
      if (carried != null) {
        carried.writeInto(dir);
      }
    });
  }
}
