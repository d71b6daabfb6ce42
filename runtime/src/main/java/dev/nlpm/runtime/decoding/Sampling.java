package dev.nlpm.runtime.decoding;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sampling with temperature, top-k and top-p (nucleus), in HuggingFace's order: repetition
 * penalty, temperature, top-k (keep the k largest logits), top-p (keep the smallest set of most
 * likely tokens whose probability reaches p, always at least one), then a draw from the
 * renormalized distribution. The same seed gives the same tokens.
 *
 * @param temperature divides the logits; must be positive
 * @param topK keep this many most likely tokens; 0 keeps all
 * @param topP keep the most likely tokens up to this cumulative probability; 1 keeps all
 */
public record Sampling(double temperature, int topK, double topP) {

  public Sampling {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be 0 (off) or positive, got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
  }

  /** The prompt followed by a sample. */
  public int[] decode(LanguageModelStep model, int[] prompt, DecodingOptions options, SplittableRandom random) {
    return TokenByToken.decode(model, prompt, options, logits -> draw(probabilities(logits), random));
  }

  /** The distribution one step draws from, after temperature, top-k and top-p; zero outside what they keep. */
  public double[] probabilities(float[] logits) {
    Greedy.requireUsable(logits);
    int v = logits.length;
    double[] scaled = new double[v];
    for (int i = 0; i < v; i++) {
      scaled[i] = logits[i] / temperature;
    }
    Integer[] order = new Integer[v];
    for (int i = 0; i < v; i++) {
      order[i] = i;
    }
    // Most likely first; ties by id, so the kept set does not depend on sort stability.
    Arrays.sort(order, (a, b) -> scaled[a] != scaled[b] ? Double.compare(scaled[b], scaled[a]) : Integer.compare(a, b));
    int keep = topK == 0 ? v : Math.min(topK, v);
    double max = scaled[order[0]];
    double sum = 0;
    double[] p = new double[v];
    for (int r = 0; r < keep; r++) {
      p[order[r]] = Math.exp(scaled[order[r]] - max);
      sum += p[order[r]];
    }
    if (topP < 1) {
      double cumulative = 0;
      int r = 0;
      for (; r < keep; r++) {
        cumulative += p[order[r]] / sum;
        if (cumulative >= topP) {
          r++;
          break;
        }
      }
      for (int q = Math.max(1, r); q < keep; q++) {
        p[order[q]] = 0;
      }
      keep = Math.max(1, r);
      sum = 0;
      for (int q = 0; q < keep; q++) {
        sum += p[order[q]];
      }
    }
    for (int i = 0; i < v; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static int draw(double[] p, SplittableRandom random) {
    double u = random.nextDouble();
    double cumulative = 0;
    int last = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        cumulative += p[i];
        last = i;
        if (u < cumulative) {
          return i;
        }
      }
    }
    return last;
  }
}
