package dev.nlpm.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AdamWTest {

  private static final List<DecayRange> HALF_DECAYED =
      List.of(new DecayRange(0, 4, true), new DecayRange(4, 8, false), new DecayRange(8, 11, true));

  private static float[] gaussian(SplittableRandom random, int n, double scale) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      // Box-Muller is plenty for test data.
      double u = 1 - random.nextDouble();
      out[i] = (float) (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
    }
    return out;
  }

  @Test
  void decayShrinksOnlyTheDecayedRangesByLrTimesWeightDecay() {
    AdamW adamw = new AdamW(HALF_DECAYED, AdamWSettings.withWeightDecay(0.5));
    float[] params = gaussian(new SplittableRandom(1), 11, 1);
    float[] before = params.clone();
    adamw.step(params, new float[11], 0.1);
    float factor = (float) (1 - 0.1 * 0.5);
    for (int i = 0; i < 11; i++) {
      boolean decayed = i < 4 || i >= 8;
      // With a zero gradient the Adam update is exactly zero, so only the decay moves a parameter.
      assertEquals(decayed ? before[i] * factor : before[i], params[i], 0f, "parameter " + i);
    }
    assertEquals(1, adamw.steps());
  }

  @Test
  void theFirstStepMovesEachParameterByAboutLrAgainstItsGradient() {
    // At t = 1 the bias corrections make m_hat = g and v_hat = g², so the step is lr * sign(g).
    AdamW adamw = new AdamW(List.of(new DecayRange(0, 5, false)), AdamWSettings.withWeightDecay(0));
    float[] params = {1, -2, 3, 0, 0.5f};
    float[] grads = {0.3f, -7, 1e-3f, 2, -0.01f};
    adamw.step(params, grads, 0.01);
    float[] expected = {0.99f, -1.99f, 2.99f, -0.01f, 0.51f};
    assertArrayEquals(expected, params, 1e-5f);
  }

  @Test
  void savingAndRestoringTheStateContinuesBitForBit() {
    SplittableRandom random = new SplittableRandom(7);
    float[] initial = gaussian(random, 11, 1);
    float[][] grads = new float[6][];
    for (int s = 0; s < grads.length; s++) {
      grads[s] = gaussian(random, 11, 0.5);
    }
    LearningRateSchedule schedule = LearningRateSchedule.linearWarmupThenDecay(1e-2, 2, 6);
    AdamWSettings settings = AdamWSettings.withWeightDecay(0.01);

    AdamW uninterrupted = new AdamW(HALF_DECAYED, settings);
    float[] straight = initial.clone();
    for (int s = 0; s < grads.length; s++) {
      uninterrupted.step(straight, grads[s], schedule.at(s));
    }

    AdamW first = new AdamW(HALF_DECAYED, settings);
    float[] resumed = initial.clone();
    for (int s = 0; s < 3; s++) {
      first.step(resumed, grads[s], schedule.at(s));
    }
    long savedSteps = first.steps();
    float[] savedM = first.firstMoment().clone();
    float[] savedV = first.secondMoment().clone();
    AdamW second = new AdamW(HALF_DECAYED, settings);
    second.restore(savedSteps, savedM, savedV);
    for (int s = 3; s < grads.length; s++) {
      second.step(resumed, grads[s], schedule.at(s));
    }

    assertArrayEquals(straight, resumed);
    assertArrayEquals(uninterrupted.firstMoment(), second.firstMoment());
    assertArrayEquals(uninterrupted.secondMoment(), second.secondMoment());
    assertEquals(6, second.steps());
  }

  @Test
  void restoringWithoutTheStepCountWouldDiverge() {
    // The step count feeds the bias corrections: the state is not just the two moments.
    SplittableRandom random = new SplittableRandom(8);
    float[] grads = gaussian(random, 11, 1);
    AdamW a = new AdamW(HALF_DECAYED, AdamWSettings.withWeightDecay(0));
    float[] p = new float[11];
    a.step(p, grads, 1e-2);
    AdamW b = new AdamW(HALF_DECAYED, AdamWSettings.withWeightDecay(0));
    b.restore(0, a.firstMoment(), a.secondMoment());
    float[] pa = p.clone();
    float[] pb = p.clone();
    a.step(pa, grads, 1e-2);
    b.step(pb, grads, 1e-2);
    assertTrue(Math.abs(pa[0] - pb[0]) > 1e-4, pa[0] + " vs " + pb[0]);
  }

  @Test
  void rejectsBadInputsWithMessagesThatSayWhat() {
    AdamW adamw = new AdamW(HALF_DECAYED, AdamWSettings.withWeightDecay(0.01));
    assertMessage("parameter buffer has 10 elements but the decay ranges cover 11",
        () -> adamw.step(new float[10], new float[11], 1e-3));
    assertMessage("gradient buffer has 12 elements", () -> adamw.step(new float[11], new float[12], 1e-3));
    assertMessage("learning rate must be finite and at least 0, got -0.001",
        () -> adamw.step(new float[11], new float[11], -1e-3));
    assertMessage("got NaN", () -> adamw.step(new float[11], new float[11], Double.NaN));
    assertMessage("beta1 must be in [0, 1), got 1.0", () -> new AdamWSettings(1, 0.999, 1e-8, 0));
    assertMessage("beta2 must be in [0, 1), got -0.1", () -> new AdamWSettings(0.9, -0.1, 1e-8, 0));
    assertMessage("epsilon must be finite and at least 0", () -> new AdamWSettings(0.9, 0.999, -1, 0));
    assertMessage("weight decay must be finite and at least 0", () -> AdamWSettings.withWeightDecay(-0.01));
    assertMessage("range 1 [5, 8) should start at 4",
        () -> new AdamW(List.of(new DecayRange(0, 4, true), new DecayRange(5, 8, false)), AdamWSettings.withWeightDecay(0)));
    assertMessage("range 0 [2, 4) should start at 0",
        () -> new AdamW(List.of(new DecayRange(2, 4, true)), AdamWSettings.withWeightDecay(0)));
    assertMessage("needs at least one decay range", () -> new AdamW(List.of(), AdamWSettings.withWeightDecay(0)));
    assertMessage("step count must be at least 0", () -> adamw.restore(-1, new float[11], new float[11]));
    assertMessage("first moment buffer has 3 elements", () -> adamw.restore(1, new float[3], new float[11]));
    float[] negative = new float[11];
    negative[5] = -1;
    assertMessage("second moment must be at least 0 everywhere, got -1.0 at 5", () -> adamw.restore(1, new float[11], negative));
  }

  /** Asserts that {@code executable} throws an IllegalArgumentException whose message contains {@code expected}. */
  static void assertMessage(String expected, Executable executable) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
    assertTrue(e.getMessage().contains(expected), "message \"" + e.getMessage() + "\" lacks \"" + expected + "\"");
  }
}
