package dev.nlpm.runtime.optim;

import java.util.Arrays;

/**
 * Gradient accumulation: a batch too large for memory runs as {@code k} micro-batches whose
 * gradients are summed into one buffer and then divided by {@code k} before clipping and the
 * optimizer step, which gives the gradient of the mean loss over the whole batch (when the
 * micro-batches are the same size). HuggingFace divides each micro-batch's loss by {@code k}
 * instead; the two agree up to float rounding.
 *
 * <p>Either {@link #add} a micro-batch's own gradient, or let the backward pass add into
 * {@link #sum} directly and call {@link #countMicroBatch}; then {@link #average} once all are in,
 * and {@link #clear} before the next batch.
 */
public final class GradientAccumulator {

  private final float[] sum;
  private final int microBatches;
  private int added;
  private boolean averaged;

  /** Accumulates into {@code sum} (zeroed here) over {@code microBatches} micro-batches. */
  public GradientAccumulator(float[] sum, int microBatches) {
    if (microBatches < 1) {
      throw new IllegalArgumentException("gradient accumulation needs at least 1 micro-batch, got " + microBatches);
    }
    this.sum = sum;
    this.microBatches = microBatches;
    clear();
  }

  /** The buffer gradients are summed into, and averaged in by {@link #average}. */
  public float[] sum() {
    return sum;
  }

  /** Micro-batches added since the last {@link #clear}. */
  public int added() {
    return added;
  }

  /** Whether all {@code k} micro-batches are in. */
  public boolean complete() {
    return added == microBatches;
  }

  /** Adds one micro-batch's gradient into the sum. */
  public void add(float[] microBatchGrads) {
    if (microBatchGrads.length != sum.length) {
      throw new IllegalArgumentException("micro-batch gradient has " + microBatchGrads.length
          + " elements but the accumulated gradient has " + sum.length);
    }
    countMicroBatch();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += microBatchGrads[i];
    }
  }

  /** Records a micro-batch whose backward pass added its gradient into {@link #sum} itself. */
  public void countMicroBatch() {
    if (averaged) {
      throw new IllegalStateException("the gradient is already averaged; clear it before the next batch");
    }
    if (complete()) {
      throw new IllegalStateException("all " + microBatches + " micro-batches are already in; average and clear first");
    }
    added++;
  }

  /** Divides the sum by {@code k}, in place, once all micro-batches are in; returns the buffer. */
  public float[] average() {
    if (averaged) {
      throw new IllegalStateException("the gradient is already averaged");
    }
    if (!complete()) {
      throw new IllegalStateException("averaging after " + added + " of " + microBatches + " micro-batches");
    }
    float k = microBatches;
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= k;
    }
    averaged = true;
    return sum;
  }

  /** Zeroes the sum for the next batch. */
  public void clear() {
    Arrays.fill(sum, 0f);
    added = 0;
    averaged = false;
  }
}
