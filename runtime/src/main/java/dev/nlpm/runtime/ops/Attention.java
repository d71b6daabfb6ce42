package dev.nlpm.runtime.ops;

import dev.nlpm.runtime.kernels.ProductKernels;
import java.util.Arrays;

/**
 * Multi-head scaled dot-product attention over packed sequences: {@code b} sequences of {@code t}
 * positions are the rows {@code s·t + i} of {@code [b·t][…]} buffers, and head {@code h} of a
 * sequence reads columns {@code [h·d, (h + 1)·d)} (after a column offset, so that queries, keys and
 * values may sit in one fused {@code [b·t][3·heads·d]} buffer, as GPT-2's {@code c_attn} writes
 * them, or in three, as BERT's). Per (sequence, head) item {@code sh = s·heads + h}:
 *
 * <pre>
 *   P = mask(softmax(Q·Kᵀ · 1/√d))     [t, t]   (saved)
 *   P' = P · keep                       [t, t]   (attention dropout; keep drawn by Dropout.draw)
 *   context = P' · V                    [t, d]
 * </pre>
 *
 * The items are independent: split {@code [0, b·heads)} over threads freely. The products run
 * through {@link ProductKernels}; the per-item buffers ({@code [b·heads][≥ t][…]}) hold the head's
 * rows contiguously, as the kernels want them. {@link #cachedStep} is the decoding step: new
 * positions attend to a key/value cache.
 */
public final class Attention {

  private Attention() {}

  /** The scores' scale, {@code 1/√d} in float. */
  public static float scale(int headSize) {
    return (float) (1 / Math.sqrt(headSize));
  }

  /**
   * Forward for the (sequence, head) items {@code [from, to)}.
   *
   * @param q {@code [b·t][…]} the queries; head {@code h} at columns {@code [qColumn + h·d, +d)}
   * @param k {@code [b·t][…]} the keys, at {@code kColumn + h·d}
   * @param v {@code [b·t][…]} the values, at {@code vColumn + h·d}
   * @param qh {@code [b·heads][≥ t][d]} out: the heads' rows (saved for backward)
   * @param kh {@code [b·heads][≥ t][d]} out: the heads' rows (saved for backward)
   * @param vh {@code [b·heads][≥ t][d]} out: the heads' rows (saved for backward)
   * @param probabilities {@code [b·heads][≥ t][≥ t]} out: P (saved)
   * @param keep {@code [b·heads][≥ t][≥ t]} drawn dropout factors, or null without attention dropout
   * @param dropped {@code [b·heads][≥ t][≥ t]} out: P · keep (saved); unused without dropout
   * @param contextH {@code [b·heads][≥ t][d]} scratch
   * @param context {@code [b·t][heads·d]} out: every head's context at its columns
   */
  public static void forward(ProductKernels kernels, float[][] q, int qColumn, float[][] k, int kColumn, float[][] v, int vColumn,
      int t, int heads, int d, AttentionMask mask,
      float[][][] qh, float[][][] kh, float[][][] vh, float[][][] probabilities, float[][][] keep, float[][][] dropped,
      float[][][] contextH, float[][] context, int from, int to) {
    float scale = scale(d);
    for (int sh = from; sh < to; sh++) {
      int s = sh / heads;
      int offset = (sh % heads) * d;
      float[][] qs = qh[sh];
      float[][] ks = kh[sh];
      float[][] vs = vh[sh];
      for (int i = 0; i < t; i++) {
        System.arraycopy(q[s * t + i], qColumn + offset, qs[i], 0, d);
        System.arraycopy(k[s * t + i], kColumn + offset, ks[i], 0, d);
        System.arraycopy(v[s * t + i], vColumn + offset, vs[i], 0, d);
      }
      // P = softmax(Q·Kᵀ / √d) under the mask    [t, t]
      float[][] p = probabilities[sh];
      kernels.dotRows(qs, t, ks, null, p, false, 0, t);
      for (int i = 0; i < t; i++) {
        mask.softmax(p[i], s, i, t, scale);
      }
      float[][] used = p;
      if (keep != null) {
        used = dropped[sh];
        float[][] keepH = keep[sh];
        for (int i = 0; i < t; i++) {
          float[] ui = used[i];
          float[] pi = p[i];
          float[] ki = keepH[i];
          for (int j = 0; j < t; j++) {
            ui[j] = pi[j] * ki[j];
          }
        }
      }
      // context = P' · V    [t, d]
      float[][] c = contextH[sh];
      kernels.linear(used, vs, t, null, c, false, 0, t);
      for (int i = 0; i < t; i++) {
        System.arraycopy(c[i], 0, context[s * t + i], offset, d);
      }
    }
  }

  /**
   * Backward for the (sequence, head) items {@code [from, to)}, from the forward's saved buffers
   * (the same arrays, mask and keep): the heads' query, key and value gradients are written
   * (not added) at their columns of {@code dq}, {@code dk}, {@code dv}, which may be one fused
   * buffer.
   *
   * <pre>
   *   dP' = dContext · Vᵀ,  dV = P'ᵀ · dContext
   *   dP = dP' · keep;  dS_j = P_j (dP_j − Σ_k P_k dP_k) / √d  over the attended keys, 0 past them
   *   dQ = dS · K,  dK = dSᵀ · Q
   * </pre>
   *
   * @param dContext {@code [b·t][heads·d]}
   * @param dContextH {@code [b·heads][≥ t][d]} scratch
   * @param dqh {@code [b·heads][≥ t][d]} scratch
   * @param dkh {@code [b·heads][≥ t][d]} scratch
   * @param dvh {@code [b·heads][≥ t][d]} scratch
   * @param dProbabilities {@code [b·heads][≥ t][≥ t]} scratch
   */
  public static void backward(ProductKernels kernels, float[][] dContext, int t, int heads, int d, AttentionMask mask,
      float[][][] qh, float[][][] kh, float[][][] vh, float[][][] probabilities, float[][][] keep, float[][][] dropped,
      float[][][] dContextH, float[][][] dProbabilities, float[][][] dqh, float[][][] dkh, float[][][] dvh,
      float[][] dq, int dqColumn, float[][] dk, int dkColumn, float[][] dv, int dvColumn, int from, int to) {
    float scale = scale(d);
    for (int sh = from; sh < to; sh++) {
      int s = sh / heads;
      int offset = (sh % heads) * d;
      float[][] dc = dContextH[sh];
      for (int i = 0; i < t; i++) {
        System.arraycopy(dContext[s * t + i], offset, dc[i], 0, d);
      }
      float[][] p = probabilities[sh];
      float[][] used = keep != null ? dropped[sh] : p;
      float[][] dp = dProbabilities[sh];
      float[][] dvs = dvh[sh];
      float[][] dks = dkh[sh];
      for (int j = 0; j < t; j++) {
        Arrays.fill(dvs[j], 0);
        Arrays.fill(dks[j], 0);
      }
      // context = P' · V: dP' = dContext · Vᵀ, dV = P'ᵀ · dContext
      kernels.dotRows(dc, t, vh[sh], null, dp, false, 0, t);
      kernels.outerAccumulate(used, dc, t, dvs, 0, t);
      // dropout, then the softmax (times the score scale)
      for (int i = 0; i < t; i++) {
        int end = mask.keysAttended(i, t);
        float[] pi = p[i];
        float[] di = dp[i];
        if (keep != null) {
          float[] ki = keep[sh][i];
          for (int j = 0; j < end; j++) {
            di[j] *= ki[j];
          }
        }
        float dot = 0;
        for (int j = 0; j < end; j++) {
          dot += pi[j] * di[j];
        }
        for (int j = 0; j < end; j++) {
          di[j] = pi[j] * (di[j] - dot) * scale;
        }
        Arrays.fill(di, end, t, 0f);
      }
      // scores = Q · Kᵀ: dQ = dS · K, dK = dSᵀ · Q
      float[][] dqs = dqh[sh];
      kernels.linear(dp, kh[sh], t, null, dqs, false, 0, t);
      kernels.outerAccumulate(dp, qh[sh], t, dks, 0, t);
      for (int i = 0; i < t; i++) {
        System.arraycopy(dqs[i], 0, dq[s * t + i], dqColumn + offset, d);
        System.arraycopy(dks[i], 0, dk[s * t + i], dkColumn + offset, d);
        System.arraycopy(dvs[i], 0, dv[s * t + i], dvColumn + offset, d);
      }
    }
  }

  // ================================================================================================
  // Decoding against a key/value cache
  // ================================================================================================

  /**
   * Stores one position's key and value of every head in a cache: {@code keys[h][position] =
   * k[kColumn + h·d, +d)}, likewise the values.
   *
   * @param keys {@code [heads][capacity][d]}
   * @param values {@code [heads][capacity][d]}
   */
  public static void cacheKeyValue(float[] k, int kColumn, float[] v, int vColumn, float[][][] keys, float[][][] values, int position,
      int heads, int d) {
    for (int head = 0; head < heads; head++) {
      System.arraycopy(k, kColumn + head * d, keys[head][position], 0, d);
      System.arraycopy(v, vColumn + head * d, values[head][position], 0, d);
    }
  }

  /**
   * One query row at {@code position} attends causally to the cached positions {@code [0,
   * position]} (its own key and value already stored by {@link #cacheKeyValue}), every head:
   * {@code context[h·d, +d) = softmax(q_h · keys[h]ᵀ / √d) · values[h]}. The arithmetic of a row
   * is {@link #forward}'s with the causal mask, so decoding token by token gives the training
   * pass's numbers.
   *
   * @param q {@code [≥ qColumn + heads·d]} the query row
   * @param query {@code [1][d]} scratch
   * @param scores {@code [1][≥ position + 1]} scratch
   * @param headContext {@code [1][d]} scratch
   * @param context {@code [heads·d]} out
   */
  public static void cachedStep(ProductKernels kernels, float[] q, int qColumn, float[][][] keys, float[][][] values, int position,
      int heads, int d, float[][] query, float[][] scores, float[][] headContext, float[] context) {
    float scale = scale(d);
    AttentionMask causal = AttentionMask.causal();
    for (int head = 0; head < heads; head++) {
      int offset = head * d;
      System.arraycopy(q, qColumn + offset, query[0], 0, d);
      kernels.dotRows(query, 1, keys[head], null, scores, false, 0, position + 1);
      causal.softmax(scores[0], 0, position, position + 1, scale);
      kernels.linear(scores, values[head], position + 1, null, headContext, false, 0, 1);
      System.arraycopy(headContext[0], 0, context, offset, d);
    }
  }
}
