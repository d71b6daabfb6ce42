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

  /** How the rate falls after warmup: the language's {@code schedule}. */
  enum Shape {
    /** Straight down to the floor at the last step. */
    LINEAR,
    /** Half a cosine down to the floor at the last step (HuggingFace's {@code get_cosine_schedule_with_warmup}). */
    COSINE,
    /** The peak until the end (HuggingFace's {@code get_constant_schedule_with_warmup}). */
    CONSTANT
  }

  /**
   * Up from 0 to {@code peak} over {@code warmup} steps, then from {@code peak} down to {@code
   * floor} at {@code total} in the given shape. A linear decay to 0 is {@link
   * #linearWarmupThenDecay}, to its last bit.
   */
  static LearningRateSchedule warmupThenDecay(Shape shape, double peak, double floor, long warmup, long total) {
    if (shape == Shape.LINEAR && floor == 0) {
      return linearWarmupThenDecay(peak, warmup, total);
    }
    return new WarmupThenDecay(shape, peak, floor, warmup, total);
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
      requireWarmup(warmup, total);
    }

    @Override
    public double at(long step) {
      requireStep(step);
      if (step < warmup) {
        return warmingUp(peak, step, warmup);
      }
      return peak * Math.max(0.0, (double) (total - step) / (double) Math.max(1, total - warmup));
    }
  }

  /**
   * Warmup as {@link LinearWarmupThenDecay}'s, then {@code floor + (peak - floor) · f} with {@code f}
   * falling from 1 at the end of warmup to 0 at {@code total}: linearly, as half a cosine, or not
   * at all.
   */
  record WarmupThenDecay(Shape shape, double peak, double floor, long warmup, long total) implements LearningRateSchedule {

    public WarmupThenDecay {
      java.util.Objects.requireNonNull(shape, "shape");
      requireRate("peak learning rate", peak);
      requireRate("floor learning rate", floor);
      if (floor > peak) {
        throw new IllegalArgumentException("the floor learning rate " + floor + " is above the peak " + peak);
      }
      requireWarmup(warmup, total);
    }

    @Override
    public double at(long step) {
      requireStep(step);
      if (step < warmup) {
        return warmingUp(peak, step, warmup);
      }
      double progress = Math.min(1.0, (double) (step - warmup) / (double) Math.max(1, total - warmup));
      double fraction = switch (shape) {
        case LINEAR -> 1 - progress;
        case COSINE -> Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
        case CONSTANT -> 1;
      };
      return floor + (peak - floor) * fraction;
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

  /** The rate during warmup, rising linearly from 0 (HuggingFace's arithmetic, to the bit). */
  private static double warmingUp(double peak, long step, long warmup) {
    return peak * ((double) step / (double) Math.max(1, warmup));
  }

  private static void requireWarmup(long warmup, long total) {
    if (warmup < 0 || total < warmup) {
      throw new IllegalArgumentException("a schedule needs 0 <= warmup <= total, got warmup " + warmup + " and total " + total);
    }
  }

  private static void requireStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("steps count from 0, got " + step);
    }
  }
}
