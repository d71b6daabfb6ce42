package dev.nlpm.runtime.optim;

import static dev.nlpm.runtime.optim.AdamWTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradientAccumulatorTest {

  @Test
  void averagesTheMicroBatchGradients() {
    float[] buffer = {9, 9, 9};
    GradientAccumulator accumulator = new GradientAccumulator(buffer, 4);
    assertArrayEquals(new float[3], buffer, "zeroed when built");
    accumulator.add(new float[] {1, 2, 3});
    accumulator.add(new float[] {1, -2, 5});
    // A backward pass may add into the buffer itself and only count.
    buffer[0] += 2;
    buffer[2] += 4;
    accumulator.countMicroBatch();
    assertFalse(accumulator.complete());
    accumulator.add(new float[] {0, 4, 0});
    assertTrue(accumulator.complete());
    assertSame(buffer, accumulator.average());
    assertArrayEquals(new float[] {1, 1, 3}, buffer);
    accumulator.clear();
    assertArrayEquals(new float[3], buffer);
    assertFalse(accumulator.complete());
  }

  @Test
  void refusesToAverageEarlyTwiceOrToTakeTooMany() {
    GradientAccumulator accumulator = new GradientAccumulator(new float[2], 2);
    accumulator.add(new float[2]);
    IllegalStateException early = assertThrows(IllegalStateException.class, accumulator::average);
    assertTrue(early.getMessage().contains("after 1 of 2 micro-batches"), early.getMessage());
    accumulator.add(new float[2]);
    assertThrows(IllegalStateException.class, () -> accumulator.add(new float[2]));
    accumulator.average();
    assertThrows(IllegalStateException.class, accumulator::average);
    assertMessage("micro-batch gradient has 3 elements but the accumulated gradient has 2",
        () -> new GradientAccumulator(new float[2], 1).add(new float[3]));
    assertMessage("at least 1 micro-batch, got 0", () -> new GradientAccumulator(new float[2], 0));
  }
}
