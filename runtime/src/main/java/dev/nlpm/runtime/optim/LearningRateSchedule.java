package dev.nlpm.runtime.optim;

/**
 * The learning rate of each optimizer step. Steps count from 0: the first update uses
 * {@code at(0)}, as with HuggingFace's schedulers, whose LambdaLR is applied before the first
 * {@code optimizer.step()} and advanced after each one.
 */
public sealed interface LearningRateSchedule {

  /** The learning rate of the update at {@code step} (0 for the first). */
  double at(long step);

  /**
   * HuggingFace's {@code get_linear_schedule_with_warmup}, BERT's schedule: up from 0 to
   * {@code peak} over {@code warmup} steps, then down to 0 at {@code total} and 0 after.
   */
  static LearningRateSchedule linearWarmupThenDecay(double peak, long warmup, long total) {
    return new LinearWarmupThenDecay(peak, warmup, total);
  }

  /** The same rate every step. */
  static LearningRateSchedule constant(double rate) {
    return new Constant(rate);
  }

  /**
   * {@code peak * step / warmup} before {@code warmup}, then
   * {@code peak * max(0, (total - step) / (total - warmup))}, each quotient in double with its
   * divisor at least 1 and multiplied by the peak last, as HuggingFace computes it, so that the
   * rates agree to the last bit.
   */
  record LinearWarmupThenDecay(double peak, long warmup, long total) implements LearningRateSchedule {

    public LinearWarmupThenDecay {
      requireRate("peak learning rate", peak);
      if (warmup < 0 || total < warmup) {
        throw new IllegalArgumentException(
            "a linear schedule needs 0 <= warmup <= total, got warmup " + warmup + " and total " + total);
      }
    }

    @Override
    public double at(long step) {
      requireStep(step);
      if (step < warmup) {
        return peak * ((double) step / (double) Math.max(1, warmup));
      }
      return peak * Math.max(0.0, (double) (total - step) / (double) Math.max(1, total - warmup));
    }
  }

  /** {@code rate} at every step. */
  record Constant(double rate) implements LearningRateSchedule {

    public Constant {
      requireRate("learning rate", rate);
    }

    @Override
    public double at(long step) {
      requireStep(step);
      return rate;
    }
  }

  private static void requireRate(String what, double rate) {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("the " + what + " must be finite and at least 0, got " + rate);
    }
  }

  private static void requireStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("steps count from 0, got " + step);
    }
  }
}
