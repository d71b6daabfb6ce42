package dev.nlpm.cli;

import dev.nlpm.runtime.optim.LearningRateSchedule;
import dev.nlpm.runtime.optim.OptimizerKind;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.util.Locale;

/**
 * The part of an encoder's or decoder's run that the trainer's options carry beyond the learning
 * rate and warmup: the update rule, the shape of the decay and its floor, and the epochs that set
 * the number of steps when none is declared. Kept in a run's {@code training.json}.
 *
 * @param optimizer {@code adamw}, {@code adam} or {@code sgd}
 * @param schedule {@code linear}, {@code cosine} or {@code constant}
 * @param minLearningRate the rate the decay ends at
 * @param epochs passes over the data, which count when the steps are 0
 */
record Optimization(String optimizer, String schedule, double minLearningRate, int epochs) {

  /** What a run from before these were kept in its settings trained with. */
  static final Optimization BEFORE_RECORDED = new Optimization("adamw", "linear", 0, 1);

  /** The declaration's, as its facade's options and {@code EPOCHS} say. */
  static Optimization declared(EncoderTrainer.Options options, int epochs) {
    return new Optimization(options.optimizer().keyword(), options.schedule().name().toLowerCase(Locale.ROOT), options.minLearningRate(),
        epochs);
  }

  /** These settings with the flags' over them; {@code learningRate} is the run's peak, which the floor may not pass. */
  Optimization over(EncoderRun.Overrides flags, double learningRate) {
    String o = flags.optimizer() != null ? kind(flags.optimizer()).keyword() : optimizer;
    String s = flags.schedule() != null ? shape(flags.schedule()).name().toLowerCase(Locale.ROOT) : schedule;
    double floor = flags.minLr() != null ? flags.minLr() : minLearningRate;
    if (!(floor >= 0 && floor <= learningRate)) {
      throw new UserError("--min-lr must be between 0 and the learning rate " + learningRate + ", got " + floor);
    }
    int e = flags.epochs() != null ? (int) EncoderRun.positive("--epochs", flags.epochs()) : epochs;
    return new Optimization(o, s, floor, e);
  }

  /** On --resume: refuses the flags that would make it another run. */
  void refuseChanges(EncoderRun.Overrides flags) {
    if (flags.optimizer() != null && kind(flags.optimizer()) != kind(optimizer)) {
      throw changed("--optimizer", optimizer, flags.optimizer());
    }
    if (flags.schedule() != null && shape(flags.schedule()) != shape(schedule)) {
      throw changed("--schedule", schedule, flags.schedule());
    }
    EncoderRun.refuse("--min-lr", flags.minLr(), minLearningRate);
    EncoderRun.refuse("--epochs", flags.epochs(), epochs);
  }

  /** The declared (or flagged) steps, or, when they are 0, the steps {@link #epochs} passes over {@code examples} take at {@code batch} a step. */
  long steps(long steps, long examples, int batch) {
    return steps > 0 ? steps : Math.max(1, (epochs * examples + batch - 1) / batch);
  }

  /** {@code options} with this update rule and decay. */
  EncoderTrainer.Options apply(EncoderTrainer.Options options) {
    return options.withSchedule(shape(schedule), minLearningRate).withOptimizer(kind(optimizer));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s, %s decay to %s", optimizer, schedule, minLearningRate);
  }

  private static UserError changed(String flag, String run, String given) {
    return new UserError("--resume continues the run with its settings: " + flag + " " + run + ", not " + given + "; drop " + flag
        + " (only --threads and --checkpoint-every may change)");
  }

  private static OptimizerKind kind(String name) {
    for (OptimizerKind kind : OptimizerKind.values()) {
      if (kind.keyword().equals(name.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new UserError("--optimizer is adamw, adam or sgd, not " + name);
  }

  private static LearningRateSchedule.Shape shape(String name) {
    for (LearningRateSchedule.Shape shape : LearningRateSchedule.Shape.values()) {
      if (shape.name().equalsIgnoreCase(name)) {
        return shape;
      }
    }
    throw new UserError("--schedule is linear, cosine or constant, not " + name);
  }
}
