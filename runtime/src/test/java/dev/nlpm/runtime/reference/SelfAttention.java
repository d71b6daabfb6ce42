package dev.nlpm.runtime.reference;

/**
 * The core of multi-head scaled dot-product self-attention, after the Q, K, V projections and
 * before the output projection: per batch and head, {@code P = softmax(Q·Kᵀ/√d + mask)} and
 * {@code out = P·V}. A key position whose padding mask is 0 gets {@link #MASKED} added to its
 * score, as HuggingFace's BERT adds {@code (1 − mask) · −10000}; with {@code causal}, keys after
 * the query are masked too.
 */
public final class SelfAttention {

  /** What a masked score gets added: BERT's −10000. */
  public static final double MASKED = -10000.0;

  private SelfAttention() {}

  /**
   * @param q [b, t, h·d] (heads side by side, as the projection writes them)
   * @param k [b, t, h·d]
   * @param v [b, t, h·d]
   * @param padding [b, t], 1 for a token and 0 for padding; null for none
   * @param probabilities [b, h, t, t], written: saved for backward
   * @param out [b, t, h·d], written
   */
  public static void forward(
      double[] q, double[] k, double[] v, int[] padding, boolean causal,
      double[] probabilities, double[] out, int b, int t, int h, int d) {
    int c = h * d;
    double scale = 1 / Math.sqrt(d);
    for (int bi = 0; bi < b; bi++) {
      for (int hi = 0; hi < h; hi++) {
        for (int i = 0; i < t; i++) {
          int p = ((bi * h + hi) * t + i) * t;
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < t; j++) {
            double s = 0;
            for (int e = 0; e < d; e++) {
              s += q[(bi * t + i) * c + hi * d + e] * k[(bi * t + j) * c + hi * d + e];
            }
            s *= scale;
            if ((padding != null && padding[bi * t + j] == 0) || (causal && j > i)) {
              s += MASKED;
            }
            probabilities[p + j] = s;
            max = Math.max(max, s);
          }
          double sum = 0;
          for (int j = 0; j < t; j++) {
            probabilities[p + j] = Math.exp(probabilities[p + j] - max);
            sum += probabilities[p + j];
          }
          for (int j = 0; j < t; j++) {
            probabilities[p + j] /= sum;
          }
          for (int e = 0; e < d; e++) {
            double s = 0;
            for (int j = 0; j < t; j++) {
              s += probabilities[p + j] * v[(bi * t + j) * c + hi * d + e];
            }
            out[(bi * t + i) * c + hi * d + e] = s;
          }
        }
      }
    }
  }

  /** Accumulates dq, dk, dv from dout through the saved probabilities (the mask is a constant). */
  public static void backward(
      double[] dout, double[] q, double[] k, double[] v, double[] probabilities,
      double[] dq, double[] dk, double[] dv, int b, int t, int h, int d) {
    int c = h * d;
    double scale = 1 / Math.sqrt(d);
    double[] dp = new double[t];
    for (int bi = 0; bi < b; bi++) {
      for (int hi = 0; hi < h; hi++) {
        for (int i = 0; i < t; i++) {
          int p = ((bi * h + hi) * t + i) * t;
          // out_i = Σ_j P_ij v_j
          for (int j = 0; j < t; j++) {
            double s = 0;
            for (int e = 0; e < d; e++) {
              double g = dout[(bi * t + i) * c + hi * d + e];
              s += g * v[(bi * t + j) * c + hi * d + e];
              dv[(bi * t + j) * c + hi * d + e] += probabilities[p + j] * g;
            }
            dp[j] = s;
          }
          // softmax: ds_j = P_j (dp_j − Σ_k P_k dp_k)
          double dot = 0;
          for (int j = 0; j < t; j++) {
            dot += probabilities[p + j] * dp[j];
          }
          for (int j = 0; j < t; j++) {
            double ds = probabilities[p + j] * (dp[j] - dot) * scale;
            for (int e = 0; e < d; e++) {
              dq[(bi * t + i) * c + hi * d + e] += ds * k[(bi * t + j) * c + hi * d + e];
              dk[(bi * t + j) * c + hi * d + e] += ds * q[(bi * t + i) * c + hi * d + e];
            }
          }
        }
      }
    }
  }
}
