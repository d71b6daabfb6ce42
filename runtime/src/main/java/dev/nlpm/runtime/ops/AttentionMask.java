package dev.nlpm.runtime.ops;

import java.util.Arrays;

/**
 * Which keys a query attends to, applied where the scaled scores become probabilities. A mask
 * owns its softmax row (so each keeps the exact arithmetic of the model it came from) and says
 * which keys a query's backward must cover ({@link #keysAttended}); keys past those have
 * probability 0 and gradient 0.
 */
public sealed interface AttentionMask permits AttentionMask.Padding, AttentionMask.Causal {

  /**
   * Scores to probabilities in place: {@code row[0, keys)} holds query {@code query}'s raw scores
   * {@code q·k} against the keys of sequence {@code sequence}; afterwards the softmax of the
   * scores times {@code scale}, with the mask applied.
   */
  void softmax(float[] row, int sequence, int query, int keys, float scale);

  /** The keys {@code [0, n)} whose probabilities query {@code query} may have nonzero (backward's range). */
  int keysAttended(int query, int keys);

  /** The causal mask (GPT-2's): query {@code i} sees keys {@code 0..i}. */
  static AttentionMask causal() {
    return Causal.INSTANCE;
  }

  /** BERT's padding mask over sequences of {@code lengths[s]} real tokens. */
  static AttentionMask padding(int[] lengths) {
    return new Padding(lengths);
  }

  /**
   * BERT's padding mask: each sequence's keys at or after its length ({@code lengths[s]}) are
   * padding, and {@link #MASKED} is added to their scaled scores (not −∞, as BERT does: a padded
   * key keeps a tiny probability when every score is far below it). Every key is in the backward's
   * range.
   */
  record Padding(int[] lengths) implements AttentionMask {

    /** Added to a padded key's scaled score. */
    public static final float MASKED = -10000f;

    @Override
    public void softmax(float[] row, int sequence, int query, int keys, float scale) {
      int real = lengths[sequence];
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < keys; j++) {
        float s = row[j] * scale + (j < real ? 0 : MASKED);
        row[j] = s;
        max = Math.max(max, s);
      }
      float sum = 0;
      for (int j = 0; j < keys; j++) {
        float e = (float) Math.exp(row[j] - max);
        row[j] = e;
        sum += e;
      }
      float inverse = 1 / sum;
      for (int j = 0; j < keys; j++) {
        row[j] *= inverse;
      }
    }

    @Override
    public int keysAttended(int query, int keys) {
      return keys;
    }
  }

  /** The causal mask: query {@code i} attends to keys {@code 0..i}; later keys get probability exactly 0. */
  final class Causal implements AttentionMask {

    static final Causal INSTANCE = new Causal();

    private Causal() {}

    @Override
    public void softmax(float[] row, int sequence, int query, int keys, float scale) {
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j <= query; j++) {
        row[j] *= scale;
        max = Math.max(max, row[j]);
      }
      float sum = 0;
      for (int j = 0; j <= query; j++) {
        float e = (float) Math.exp(row[j] - max);
        row[j] = e;
        sum += e;
      }
      float inverse = 1 / sum;
      for (int j = 0; j <= query; j++) {
        row[j] *= inverse;
      }
      Arrays.fill(row, query + 1, keys, 0f);
    }

    @Override
    public int keysAttended(int query, int keys) {
      return query + 1;
    }

    @Override
    public String toString() {
      return "Causal";
    }
  }
}
