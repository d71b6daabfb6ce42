package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.optim.AdamW;
import dev.nlpm.runtime.optim.AdamWSettings;
import dev.nlpm.runtime.optim.DecayRange;
import java.util.List;

/**
 * AdamW ({@link AdamW}'s arithmetic, element for element) over an encoder's parameters held as
 * rows, its two moments held the same way. Weight decay skips biases and LayerNorm, as the
 * layout's {@link DecayRange#fromLayout} ranges say.
 */
public final class EncoderOptimizer {

  private final AdamWSettings settings;
  private final EncoderParameters firstMoment;
  private final EncoderParameters secondMoment;
  private final boolean[] rowDecays;
  private long steps;

  public EncoderOptimizer(EncoderParameters parameters, AdamWSettings settings) {
    this.settings = settings;
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

  /** One update of {@code parameters} from {@code gradients} at learning rate {@code lr}. */
  public void step(EncoderParameters parameters, EncoderParameters gradients, double lr) {
    long t = steps + 1;
    AdamW.Step step = AdamW.step(settings, lr, t);
    float[][] p = parameters.rows();
    float[][] g = gradients.rows();
    float[][] m = firstMoment.rows();
    float[][] v = secondMoment.rows();
    for (int r = 0; r < p.length; r++) {
      AdamW.update(p[r], g[r], m[r], v[r], 0, p[r].length, rowDecays[r], step);
    }
    steps = t;
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
