package dev.nlpm.runtime.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nlpm.runtime.optim.AdamW;
import dev.nlpm.runtime.optim.AdamWSettings;
import dev.nlpm.runtime.optim.DecayRange;
import dev.nlpm.runtime.optim.OptimizerKind;
import dev.nlpm.runtime.optim.RowOptimizer;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three update rules over rows give what the flat rules give over the layout's buffer, decay ranges included. */
class RowOptimizerTest {

  private static final EncoderConfig CONFIG = TinyBert.config(20, 8, 1, 2, 16, 12);
  private static final AdamWSettings SETTINGS = new AdamWSettings(0.9, 0.999, 1e-6, 0.1);
  private static final double[] RATES = {1e-2, 5e-3};

  /** Two steps of {@code kind} over rows, from fixed parameters and gradients; the result in the layout's order. */
  private static float[] rowsAfterTwoSteps(OptimizerKind kind) {
    ParameterRows parameters = TinyBert.random(CONFIG, 1, 0.5);
    RowOptimizer optimizer = new RowOptimizer(parameters, SETTINGS, kind);
    for (int step = 0; step < 2; step++) {
      optimizer.step(parameters, TinyBert.random(CONFIG, 10 + step, 0.5), RATES[step]);
    }
    return parameters.toFlat();
  }

  private static List<DecayRange> ranges() {
    return DecayRange.fromLayout(TinyBert.layout(CONFIG));
  }

  private static boolean decayed(List<DecayRange> ranges, int i) {
    return ranges.stream().filter(r -> r.start() <= i && i < r.end()).findFirst().orElseThrow().decayed();
  }

  @Test
  void adamWOverRowsIsTheFlatAdamW() {
    float[] flat = TinyBert.random(CONFIG, 1, 0.5).toFlat();
    AdamW reference = new AdamW(ranges(), SETTINGS);
    for (int step = 0; step < 2; step++) {
      reference.step(flat, TinyBert.random(CONFIG, 10 + step, 0.5).toFlat(), RATES[step]);
    }
    assertArrayEquals(flat, rowsAfterTwoSteps(OptimizerKind.ADAMW));
  }

  /** torch.optim.Adam's weight decay: {@code g + λ·p} on the decayed ranges, then Adam without decoupled decay. */
  @Test
  void adamAddsTheDecayToTheGradient() {
    List<DecayRange> ranges = ranges();
    float[] flat = TinyBert.random(CONFIG, 1, 0.5).toFlat();
    AdamW reference = new AdamW(ranges, new AdamWSettings(0.9, 0.999, 1e-6, 0));
    for (int step = 0; step < 2; step++) {
      float[] gradient = TinyBert.random(CONFIG, 10 + step, 0.5).toFlat();
      for (int i = 0; i < gradient.length; i++) {
        if (decayed(ranges, i)) {
          gradient[i] += 0.1f * flat[i];
        }
      }
      reference.step(flat, gradient, RATES[step]);
    }
    float[] adam = rowsAfterTwoSteps(OptimizerKind.ADAM);
    assertArrayEquals(flat, adam);
    assertFalse(java.util.Arrays.equals(adam, rowsAfterTwoSteps(OptimizerKind.ADAMW)), "Adam's decay is not AdamW's");
  }

  @Test
  void sgdStepsAgainstTheGradientAndTheDecay() {
    List<DecayRange> ranges = ranges();
    float[] flat = TinyBert.random(CONFIG, 1, 0.5).toFlat();
    for (int step = 0; step < 2; step++) {
      float[] gradient = TinyBert.random(CONFIG, 10 + step, 0.5).toFlat();
      float lr = (float) RATES[step];
      for (int i = 0; i < flat.length; i++) {
        flat[i] -= lr * (gradient[i] + (decayed(ranges, i) ? 0.1f : 0f) * flat[i]);
      }
    }
    assertArrayEquals(flat, rowsAfterTwoSteps(OptimizerKind.SGD));
  }
}
