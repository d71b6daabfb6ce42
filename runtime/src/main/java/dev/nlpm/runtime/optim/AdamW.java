package dev.nlpm.runtime.optim;

import java.util.List;
import java.util.Objects;

/**
 * torch.optim.AdamW (its single-tensor float32 path) over one flat parameter buffer, so that a
 * model trained by nlpm and one trained by the reference follow the same trajectory. It owns the
 * two moment buffers, allocated once at the size of the parameter buffer.
 *
 * <p>Step {@code t} (counted from 1) with learning rate {@code lr}, for every element {@code i}:
 * <pre>
 *   p  = p * (float) (1 - lr * weightDecay)         only in decayed ranges, before the Adam update
 *   m  = m * (float) beta1 + (float) (1 - beta1) * g
 *   v  = v * (float) beta2 + (float) (1 - beta2) * g * g
 *   denom = sqrt(v) / (float) sqrt(1 - beta2^t) + (float) epsilon
 *   p  = p + (float) (-lr / (1 - beta1^t)) * m / denom
 * </pre>
 * which is {@code p -= lr * m_hat / (sqrt(v_hat) + epsilon)} with {@code m_hat = m / (1 - beta1^t)}
 * and {@code v_hat = v / (1 - beta2^t)}, grouped as PyTorch groups it. The scalars in parentheses
 * (the decay factor, the bias corrections and the step size) are computed in double, as PyTorch
 * computes them in Python floats, and rounded to float once; everything per element is float, as
 * in PyTorch's float32 kernels. PyTorch fuses some multiply-adds where Java rounds twice, so the
 * two agree to a few float ulps per step rather than bit for bit.
 *
 * <p>The decay is decoupled (Loshchilov and Hutter): it shrinks the weights directly instead of
 * being added to the gradient, so Adam's scaling does not weaken it for parameters with large
 * gradients. Elements outside the decayed ranges are never multiplied at all.
 */
public final class AdamW {

  private final AdamWSettings settings;
  private final int[] starts;
  private final int[] ends;
  private final boolean[] decayed;
  private final float[] firstMoment;
  private final float[] secondMoment;
  private long steps;

  /**
   * An optimizer for a buffer that {@code ranges} cover exactly: in order, the first starting at
   * 0, each starting where the previous ends; the last one's end is the buffer's length.
   */
  public AdamW(List<DecayRange> ranges, AdamWSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("AdamW needs at least one decay range");
    }
    int n = ranges.size();
    starts = new int[n];
    ends = new int[n];
    decayed = new boolean[n];
    int expected = 0;
    for (int r = 0; r < n; r++) {
      DecayRange range = ranges.get(r);
      if (range.start() != expected) {
        throw new IllegalArgumentException("decay ranges must cover the buffer in order without gaps or overlaps: range "
            + r + " [" + range.start() + ", " + range.end() + ") should start at " + expected);
      }
      starts[r] = range.start();
      ends[r] = range.end();
      decayed[r] = range.decayed();
      expected = range.end();
    }
    firstMoment = new float[expected];
    secondMoment = new float[expected];
  }

  /** The length of the parameter buffer this optimizer updates. */
  public int size() {
    return firstMoment.length;
  }

  public AdamWSettings settings() {
    return settings;
  }

  /** Steps taken so far: 0 before the first, and the {@code t} of the last bias correction after. */
  public long steps() {
    return steps;
  }

  /**
   * The live first-moment buffer (PyTorch's {@code exp_avg}), for writing a checkpoint without a
   * copy. Do not change it; {@link #restore} puts a saved state back.
   */
  public float[] firstMoment() {
    return firstMoment;
  }

  /** The live second-moment buffer (PyTorch's {@code exp_avg_sq}); as {@link #firstMoment}. */
  public float[] secondMoment() {
    return secondMoment;
  }

  /**
   * Puts back a state saved from {@link #steps}, {@link #firstMoment} and {@link #secondMoment}
   * (copied in), so that training continues exactly as if it had not stopped.
   */
  public void restore(long steps, float[] firstMoment, float[] secondMoment) {
    if (steps < 0) {
      throw new IllegalArgumentException("AdamW step count must be at least 0, got " + steps);
    }
    requireLength("first moment", firstMoment);
    requireLength("second moment", secondMoment);
    for (int i = 0; i < secondMoment.length; i++) {
      if (!(secondMoment[i] >= 0)) {
        throw new IllegalArgumentException("AdamW second moment must be at least 0 everywhere, got "
            + secondMoment[i] + " at " + i);
      }
    }
    System.arraycopy(firstMoment, 0, this.firstMoment, 0, firstMoment.length);
    System.arraycopy(secondMoment, 0, this.secondMoment, 0, secondMoment.length);
    this.steps = steps;
  }

  /**
   * One update of {@code params} from {@code grads} (left unchanged) at learning rate {@code lr}
   * (a double, as the schedule gives it and PyTorch keeps it); see the class comment for the formula.
   */
  public void step(float[] params, float[] grads, double lr) {
    requireLength("parameter", params);
    requireLength("gradient", grads);
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("AdamW learning rate must be finite and at least 0, got " + lr);
    }
    long t = steps + 1;
    Step step = step(settings, lr, t);
    for (int r = 0; r < starts.length; r++) {
      update(params, grads, firstMoment, secondMoment, starts[r], ends[r], decayed[r], step);
    }
    steps = t;
  }

  /**
   * The scalars of update {@code t} at learning rate {@code lr}, each computed in double and
   * rounded to float once, as PyTorch computes them.
   */
  public record Step(float decayFactor, float keep1, float take1, float keep2, float take2, float negativeStepSize,
      float correction2Sqrt, float epsilon) {}

  /** The scalars of update {@code t} (counted from 1). */
  public static Step step(AdamWSettings settings, double lr, long t) {
    double beta1 = settings.beta1();
    double beta2 = settings.beta2();
    return new Step((float) (1 - lr * settings.weightDecay()), (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
        (float) (-(lr / (1 - Math.pow(beta1, t)))), (float) Math.sqrt(1 - Math.pow(beta2, t)), (float) settings.epsilon());
  }

  /**
   * The update of the class comment on {@code [from, to)} of a parameter array, its gradient and
   * its two moments (one index for all four); for optimizers whose parameters are not one buffer.
   */
  public static void update(float[] params, float[] grads, float[] m, float[] v, int from, int to, boolean decays, Step s) {
    for (int i = from; i < to; i++) {
      float p = decays ? params[i] * s.decayFactor() : params[i];
      float g = grads[i];
      float mi = m[i] * s.keep1() + s.take1() * g;
      float vi = v[i] * s.keep2() + s.take2() * g * g;
      m[i] = mi;
      v[i] = vi;
      float denom = (float) Math.sqrt(vi) / s.correction2Sqrt() + s.epsilon();
      params[i] = p + s.negativeStepSize() * mi / denom;
    }
  }

  private void requireLength(String what, float[] buffer) {
    if (buffer.length != firstMoment.length) {
      throw new IllegalArgumentException("AdamW " + what + " buffer has " + buffer.length
          + " elements but the decay ranges cover " + firstMoment.length);
    }
  }
}
