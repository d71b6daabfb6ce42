package dev.nlpm.runtime.encoder;

import java.util.Arrays;

/**
 * The row-wise pieces of a transformer step that do not grow with the model's widths beyond a
 * row: LayerNorm forward and backward, the masked softmax, cross-entropy, bias sums. Shared by the
 * encoder and the decoder; each works on rows {@code [from, to)} so callers can split the rows over
 * threads.
 */
public final class RowOps {

  private RowOps() {}


  /** Scaled scores to probabilities in place; keys at or after {@code real} are padding. */
  public static void softmaxRow(float[] row, int t, int real, float scale) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < t; j++) {
      float s = row[j] * scale + (j < real ? 0 : Encoder.MASKED);
      row[j] = s;
      max = Math.max(max, s);
    }
    float sum = 0;
    for (int j = 0; j < t; j++) {
      float e = (float) Math.exp(row[j] - max);
      row[j] = e;
      sum += e;
    }
    float inverse = 1 / sum;
    for (int j = 0; j < t; j++) {
      row[j] *= inverse;
    }
  }


  public static void layerNorm(float[][] x, float[] gain, float[] bias, float[][] y, float[] mean, float[] rstd, double eps, int from, int to) {
    int c = gain.length;
    for (int r = from; r < to; r++) {
      float[] xr = x[r];
      double sum = 0;
      for (int i = 0; i < c; i++) {
        sum += xr[i];
      }
      float m = (float) (sum / c);
      double squares = 0;
      for (int i = 0; i < c; i++) {
        double dev = xr[i] - m;
        squares += dev * dev;
      }
      float s = (float) (1 / Math.sqrt(squares / c + eps));
      mean[r] = m;
      rstd[r] = s;
      float[] yr = y[r];
      for (int i = 0; i < c; i++) {
        yr[i] = (xr[i] - m) * s * gain[i] + bias[i];
      }
    }
  }


  public static int argmax(float[] row, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }


  /**
   * Mean cross-entropy over the rows whose label is counted; with {@code gradients}, its gradient
   * with respect to the logits (zero on ignored rows).
   */
  public static float crossEntropy(float[][] logits, int[] labels, int n, int classes, float[][] gradients) {
    int counted = 0;
    for (int r = 0; r < n; r++) {
      if (labels[r] != EncoderBatch.IGNORED) {
        if (labels[r] < 0 || labels[r] >= classes) {
          throw new IllegalArgumentException("label " + labels[r] + " at row " + r + " is outside 0.." + (classes - 1));
        }
        counted++;
      }
    }
    double loss = 0;
    for (int r = 0; r < n; r++) {
      float[] row = logits[r];
      if (labels[r] == EncoderBatch.IGNORED) {
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
        // each exponential once (the most of this function's time over a large vocabulary): held
        // in the gradient row, which may be the logits' own row, then scaled
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


  /**
   * {@code dx = rstd · (g − mean(g) − x̂ · mean(g · x̂))} with {@code g = dy · gain}, for rows
   * {@code [from, to)} (added when {@code accumulate}); the gain and bias gradients too when they
   * are given (serially: they sum over rows).
   */
  public static void layerNormBackward(float[][] dy, float[][] x, float[] gain, float[] mean, float[] rstd, float[][] dx,
      boolean accumulate, float[] dGain, float[] dBias, int from, int to) {
    int c = gain.length;
    for (int r = from; r < to; r++) {
      float[] dyr = dy[r];
      float[] xr = x[r];
      float m = mean[r];
      float s = rstd[r];
      float gMean = 0;
      float gxMean = 0;
      for (int i = 0; i < c; i++) {
        float xhat = (xr[i] - m) * s;
        float gi = dyr[i] * gain[i];
        gMean += gi;
        gxMean += gi * xhat;
      }
      gMean /= c;
      gxMean /= c;
      float[] dxr = dx[r];
      for (int i = 0; i < c; i++) {
        float xhat = (xr[i] - m) * s;
        float value = s * (dyr[i] * gain[i] - gMean - xhat * gxMean);
        dxr[i] = accumulate ? dxr[i] + value : value;
      }
    }
    if (dGain != null) {
      normParameterGradients(dy, x, mean, rstd, dGain, dBias, from, to);
    }
  }


  public static void normParameterGradients(float[][] dy, float[][] x, float[] mean, float[] rstd, float[] dGain, float[] dBias, int n) {
    normParameterGradients(dy, x, mean, rstd, dGain, dBias, 0, n);
  }


  public static void normParameterGradients(float[][] dy, float[][] x, float[] mean, float[] rstd, float[] dGain, float[] dBias, int from, int to) {
    int c = dGain.length;
    for (int r = from; r < to; r++) {
      float[] dyr = dy[r];
      float[] xr = x[r];
      float m = mean[r];
      float s = rstd[r];
      for (int i = 0; i < c; i++) {
        dGain[i] += dyr[i] * ((xr[i] - m) * s);
        dBias[i] += dyr[i];
      }
    }
  }


  /** {@code sum += Σ_{r < n} rows[r]} (a bias gradient). */
  public static void addRows(float[][] rows, int n, float[] sum) {
    for (int r = 0; r < n; r++) {
      float[] row = rows[r];
      for (int i = 0; i < sum.length; i++) {
        sum[i] += row[i];
      }
    }
  }


  public static void multiplyRows(float[][] x, float[][] factors, int n) {
    multiplyRows(x, factors, x, 0, n);
  }


  public static void multiplyRows(float[][] x, float[][] factors, float[][] out, int from, int to) {
    for (int r = from; r < to; r++) {
      float[] xr = x[r];
      float[] fr = factors[r];
      float[] or = out[r];
      for (int i = 0; i < xr.length; i++) {
        or[i] = xr[i] * fr[i];
      }
    }
  }


  /** The rows from {@code from} on, as the kernels take rows from 0. */
  public static float[][] rowsFrom(float[][] rows, int from) {
    return from == 0 ? rows : Arrays.copyOfRange(rows, from, rows.length);
  }
}
