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
