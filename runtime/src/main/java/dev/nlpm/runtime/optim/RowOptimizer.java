package dev.nlpm.runtime.optim;

import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.List;

/**
 * AdamW ({@link AdamW}'s arithmetic, element for element), Adam or plain SGD over an encoder's
 * parameters held as rows, the two moments held the same way. Weight decay skips biases and
 * LayerNorm, as the layout's {@link DecayRange#fromLayout} ranges say.
 */
public final class RowOptimizer {

  private final AdamWSettings settings;
  private final OptimizerKind kind;
  private final ParameterRows firstMoment;
  private final ParameterRows secondMoment;
  private final boolean[] rowDecays;
  private long steps;

  /** AdamW. */
  public RowOptimizer(ParameterRows parameters, AdamWSettings settings) {
    this(parameters, settings, OptimizerKind.ADAMW);
  }

  /** The {@code kind} of update; SGD uses only the settings' weight decay, and keeps its moments at 0. */
  public RowOptimizer(ParameterRows parameters, AdamWSettings settings, OptimizerKind kind) {
    this.settings = settings;
    this.kind = java.util.Objects.requireNonNull(kind, "kind");
    this.firstMoment = parameters.zerosLike();
    this.secondMoment = parameters.zerosLike();
    List<DecayRange> ranges = DecayRange.fromLayout(parameters.layout());
    int[] offsets = parameters.rowOffsets();
    rowDecays = new boolean[offsets.length];
    for (int r = 0; r < offsets.length; r++) {
      int offset = offsets[r];
      rowDecays[r] = ranges.stream().filter(range -> range.start() <= offset && offset < range.end()).findFirst()
          .orElseThrow(() -> new IllegalStateException("no decay range covers offset " + offset)).decayed();
    }
  }

  public long steps() {
    return steps;
  }

  public AdamWSettings settings() {
    return settings;
  }

  public OptimizerKind kind() {
    return kind;
  }

  /** One update of {@code parameters} from {@code gradients} at learning rate {@code lr}. */
  public void step(ParameterRows parameters, ParameterRows gradients, double lr) {
    long t = steps + 1;
    AdamW.Step step = AdamW.step(settings, lr, t);
    float[][] p = parameters.rows();
    float[][] g = gradients.rows();
    float[][] m = firstMoment.rows();
    float[][] v = secondMoment.rows();
    float decay = (float) settings.weightDecay();
    for (int r = 0; r < p.length; r++) {
      switch (kind) {
        case ADAMW -> AdamW.update(p[r], g[r], m[r], v[r], 0, p[r].length, rowDecays[r], step);
        case ADAM -> {
          if (rowDecays[r] && decay != 0) {
            addDecay(g[r], p[r], decay);
          }
          AdamW.update(p[r], g[r], m[r], v[r], 0, p[r].length, false, step);
        }
        case SGD -> descend(p[r], g[r], (float) lr, rowDecays[r] ? decay : 0);
      }
    }
    steps = t;
    parameters.changed();
  }

  /** Adam's L2 penalty: the decay's gradient joins the loss's before the moments see it. */
  private static void addDecay(float[] gradient, float[] parameter, float decay) {
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] += decay * parameter[i];
    }
  }

  private static void descend(float[] parameter, float[] gradient, float lr, float decay) {
    for (int i = 0; i < parameter.length; i++) {
      parameter[i] -= lr * (gradient[i] + decay * parameter[i]);
    }
  }

  /** The first moment in the layout's order (PyTorch's {@code exp_avg}). */
  public float[] firstMomentFlat() {
    return firstMoment.toFlat();
  }

  /** The second moment in the layout's order (PyTorch's {@code exp_avg_sq}). */
  public float[] secondMomentFlat() {
    return secondMoment.toFlat();
  }

  /** Puts back a saved state (moments in the layout's order). */
  public void restore(long steps, float[] first, float[] second) {
    if (steps < 0) {
      throw new IllegalArgumentException("step count must be at least 0, got " + steps);
    }
    for (float value : second) {
      if (!(value >= 0)) {
        throw new IllegalArgumentException("a second moment must be at least 0 everywhere, got " + value);
      }
    }
    firstMoment.importFrom(first);
    secondMoment.importFrom(second);
    this.steps = steps;
  }
}
