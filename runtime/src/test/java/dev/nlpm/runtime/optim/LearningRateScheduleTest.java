package dev.nlpm.runtime.optim;

import static dev.nlpm.runtime.optim.AdamWTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void linearScheduleRisesToThePeakThenFallsToZero() {
    LearningRateSchedule s = LearningRateSchedule.linearWarmupThenDecay(1e-3, 100, 1000);
    assertEquals(0.0, s.at(0));
    assertEquals(0.5e-3, s.at(50), 1e-18);
    assertEquals(1e-3, s.at(100));
    assertEquals(0.5e-3, s.at(550), 1e-18);
    assertEquals(0.0, s.at(1000));
    assertEquals(0.0, s.at(5000));
    for (long step = 1; step <= 1000; step++) {
      if (step <= 100) {
        assertTrue(s.at(step) > s.at(step - 1), "rising at " + step);
      } else {
        assertTrue(s.at(step) < s.at(step - 1), "falling at " + step);
      }
    }
  }

  /** HuggingFace's cosine and constant-with-warmup schedules, and a floor the decay stops at. */
  @Test
  void cosineLinearAndConstantShapesFallFromThePeakToTheFloor() {
    LearningRateSchedule cosine = LearningRateSchedule.warmupThenDecay(LearningRateSchedule.Shape.COSINE, 1e-3, 0, 100, 1100);
    assertEquals(0.5e-3, cosine.at(50), 1e-18);
    assertEquals(1e-3, cosine.at(100), 1e-18);
    assertEquals(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), cosine.at(350), 1e-18);
    assertEquals(0.5e-3, cosine.at(600), 1e-18);
    assertEquals(0.0, cosine.at(1100), 1e-18);
    assertEquals(0.0, cosine.at(2000), 1e-18);

    LearningRateSchedule floored = LearningRateSchedule.warmupThenDecay(LearningRateSchedule.Shape.COSINE, 1e-3, 1e-4, 100, 1100);
    assertEquals(1e-4 + 9e-4 * 0.5, floored.at(600), 1e-18);
    assertEquals(1e-4, floored.at(1100), 1e-18);
    assertEquals(1e-4, floored.at(5000), 1e-18);

    LearningRateSchedule linear = LearningRateSchedule.warmupThenDecay(LearningRateSchedule.Shape.LINEAR, 1e-3, 1e-4, 100, 1100);
    assertEquals(1e-4 + 9e-4 * 0.75, linear.at(350), 1e-18);
    assertEquals(1e-4, linear.at(1100), 1e-18);
    assertEquals(LearningRateSchedule.linearWarmupThenDecay(1e-3, 100, 1100),
        LearningRateSchedule.warmupThenDecay(LearningRateSchedule.Shape.LINEAR, 1e-3, 0, 100, 1100), "to zero: BERT's schedule, bit for bit");

    LearningRateSchedule constant = LearningRateSchedule.warmupThenDecay(LearningRateSchedule.Shape.CONSTANT, 1e-3, 1e-4, 100, 1100);
    assertEquals(0.25e-3, constant.at(25), 1e-18);
    assertEquals(1e-3, constant.at(100));
    assertEquals(1e-3, constant.at(1099));
    assertMessage("the floor learning rate 0.01 is above the peak 0.001",
        () -> LearningRateSchedule.warmupThenDecay(LearningRateSchedule.Shape.COSINE, 1e-3, 1e-2, 0, 10));
  }

  @Test
  void withoutWarmupTheFirstStepIsAtThePeak() {
    LearningRateSchedule s = LearningRateSchedule.linearWarmupThenDecay(2e-5, 0, 4);
    assertEquals(2e-5, s.at(0));
    assertEquals(2e-5 * 0.25, s.at(3));
    assertEquals(0.0, s.at(4));
  }

  @Test
  void constantIsTheSameEveryStep() {
    LearningRateSchedule s = LearningRateSchedule.constant(3e-4);
    assertEquals(3e-4, s.at(0));
    assertEquals(3e-4, s.at(1_000_000_000_000L));
  }

  @Test
  void rejectsBadArguments() {
    assertMessage("0 <= warmup <= total, got warmup 10 and total 5",
        () -> LearningRateSchedule.linearWarmupThenDecay(1e-3, 10, 5));
    assertMessage("got warmup -1", () -> LearningRateSchedule.linearWarmupThenDecay(1e-3, -1, 5));
    assertMessage("peak learning rate must be finite and at least 0, got -1.0",
        () -> LearningRateSchedule.linearWarmupThenDecay(-1, 1, 5));
    assertMessage("learning rate must be finite and at least 0, got Infinity",
        () -> LearningRateSchedule.constant(Double.POSITIVE_INFINITY));
    assertMessage("steps count from 0, got -3", () -> LearningRateSchedule.constant(1).at(-3));
  }
}
