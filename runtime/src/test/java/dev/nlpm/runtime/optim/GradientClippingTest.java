package dev.nlpm.runtime.optim;

import static dev.nlpm.runtime.optim.AdamWTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradientClippingTest {

  private static double norm(float[] g) {
    double sum = 0;
    for (float x : g) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  @Test
  void belowTheMaximumNothingChanges() {
    float[] g = {0.3f, -0.4f, 0f};
    float[] before = g.clone();
    assertEquals(0.5, GradientClipping.clipGlobalNorm(g, 1.0), 1e-7);
    assertArrayEquals(before, g);
  }

  @Test
  void aboveTheMaximumTheNormBecomesTheMaximum() {
    float[] g = {3, -4, 12, 0.001f, -7.5f};
    double before = norm(g);
    float[] direction = g.clone();
    assertEquals(before, GradientClipping.clipGlobalNorm(g, 2.0));
    assertEquals(2.0, norm(g), 1e-6);
    for (int i = 0; i < g.length; i++) {
      assertEquals(direction[i] / before, g[i] / 2.0, 1e-6, "direction kept at " + i);
    }
  }

  @Test
  void aZeroGradientStaysZero() {
    float[] g = new float[4];
    assertEquals(0.0, GradientClipping.clipGlobalNorm(g, 1.0));
    assertArrayEquals(new float[4], g);
  }

  @Test
  void aNonFiniteNormLeavesTheGradientForTheCallerToSkip() {
    float[] g = {1, Float.NaN, 2};
    assertTrue(Double.isNaN(GradientClipping.clipGlobalNorm(g, 1.0)));
    assertEquals(1f, g[0]);
    float[] h = {Float.POSITIVE_INFINITY, 2};
    assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipGlobalNorm(h, 1.0));
    assertEquals(2f, h[1]);
  }

  @Test
  void rejectsAMaximumThatIsNotPositive() {
    assertMessage("maximum gradient norm must be finite and above 0, got 0.0",
        () -> GradientClipping.clipGlobalNorm(new float[2], 0));
    assertMessage("got NaN", () -> GradientClipping.clipGlobalNorm(new float[2], Double.NaN));
  }
}
