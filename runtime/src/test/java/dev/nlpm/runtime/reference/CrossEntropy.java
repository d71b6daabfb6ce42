package dev.nlpm.runtime.reference;

/**
 * The mean cross-entropy of softmax(logits) against integer labels, rows labelled {@link
 * #IGNORED} left out of both the sum and the count, as PyTorch's {@code cross_entropy} with
 * {@code ignore_index=-100} and mean reduction.
 */
public final class CrossEntropy {

  /** The label of a row that does not count. */
  public static final int IGNORED = -100;

  private CrossEntropy() {}

  /**
   * @param logits [n, classes]
   * @param labels [n]
   * @param dlogits [n, classes], written with the loss's gradient (zero on ignored rows); null to skip
   * @return the mean loss over counted rows; 0 if none counts
   */
  public static double forwardBackward(double[] logits, int[] labels, double[] dlogits, int n, int classes) {
    int counted = 0;
    for (int r = 0; r < n; r++) {
      if (labels[r] != IGNORED) {
        if (labels[r] < 0 || labels[r] >= classes) {
          throw new IllegalArgumentException("label " + labels[r] + " at row " + r + " is outside 0.." + (classes - 1));
        }
        counted++;
      }
    }
    double loss = 0;
    for (int r = 0; r < n; r++) {
      if (dlogits != null) {
        java.util.Arrays.fill(dlogits, r * classes, (r + 1) * classes, 0);
      }
      if (labels[r] == IGNORED) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, logits[r * classes + k]);
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        sum += Math.exp(logits[r * classes + k] - max);
      }
      double logSum = max + Math.log(sum);
      loss += logSum - logits[r * classes + labels[r]];
      if (dlogits != null) {
        for (int k = 0; k < classes; k++) {
          double p = Math.exp(logits[r * classes + k] - logSum);
          dlogits[r * classes + k] = (p - (k == labels[r] ? 1 : 0)) / counted;
        }
      }
    }
    return counted == 0 ? 0 : loss / counted;
  }
}
