package dev.nlpm.runtime.ops;

import java.util.Arrays;

/**
 * Softmax cross-entropy over each row's logits, averaged over the rows whose label is counted,
 * with its gradient with respect to the logits computed in the same pass (each exponential once:
 * over a large vocabulary they are most of the time). A label of {@link #IGNORED} counts for
 * nothing.
 */
public final class CrossEntropy {

  /** A label that is not predicted (PyTorch's {@code ignore_index}). */
  public static final int IGNORED = -100;

  private CrossEntropy() {}

  /**
   * The mean loss over rows {@code [0, n)}; with {@code gradients}, {@code d(loss)/d(logits)} into
   * them (zero on ignored rows): {@code (softmax − onehot(label)) / counted}.
   *
   * @param logits    {@code [n][≥ classes]}
   * @param labels    {@code [n]}, each in {@code [0, classes)} or {@link #IGNORED}
   * @param gradients {@code [n][≥ classes]}, null for the loss alone; may be {@code logits} itself
   * @throws IllegalArgumentException for a label outside the classes, naming its row
   */
  public static float forwardBackward(float[][] logits, int[] labels, int n, int classes, float[][] gradients) {
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
      float[] row = logits[r];
      if (labels[r] == IGNORED) {
        if (gradients != null) {
          Arrays.fill(gradients[r], 0, classes, 0);
        }
        continue;
      }
      float max = Float.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, row[k]);
      }
      float target = row[labels[r]];
      double sum = 0;
      if (gradients == null) {
        for (int k = 0; k < classes; k++) {
          sum += Math.exp(row[k] - max);
        }
      } else {
        // each exponential once, held in the gradient row (which may be the logits' own row), then scaled
        float[] g = gradients[r];
        for (int k = 0; k < classes; k++) {
          double e = Math.exp(row[k] - max);
          sum += e;
          g[k] = (float) e;
        }
        double scale = 1 / (sum * counted);
        for (int k = 0; k < classes; k++) {
          g[k] = (float) (g[k] * scale);
        }
        g[labels[r]] = (float) ((Math.exp(target - max) / sum - 1) / counted);
      }
      double logSum = max + Math.log(sum);
      loss += logSum - target;
    }
    return counted == 0 ? 0 : (float) (loss / counted);
  }

  /** The mean loss alone: {@link #forwardBackward} without gradients. */
  public static float forward(float[][] logits, int[] labels, int n, int classes) {
    return forwardBackward(logits, labels, n, classes, null);
  }

  /** The index of the largest of {@code row[0, n)} (the first on ties). */
  public static int argmax(float[] row, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }
}
