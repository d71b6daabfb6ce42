package dev.nlpm.runtime.decoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The decoding schemes on bigram models whose logits depend only on the last token. */
class DecodingTest {

  /** A model whose next-token logits are row {@code last} of a table; it counts its steps. */
  private static final class Bigram implements LanguageModelStep {
    final float[][] table;
    int steps;

    Bigram(float[][] table) {
      this.table = table;
    }

    static Bigram random(int v, long seed) {
      Random r = new Random(seed);
      float[][] t = new float[v][v];
      for (float[] row : t) {
        for (int i = 0; i < v; i++) {
          row[i] = (float) (r.nextGaussian() * 2);
        }
      }
      return new Bigram(t);
    }

    /** Logits from probabilities. */
    static float[] logits(double... p) {
      float[] l = new float[p.length];
      for (int i = 0; i < p.length; i++) {
        l[i] = (float) Math.log(p[i]);
      }
      return l;
    }

    @Override
    public int vocabularySize() {
      return table.length;
    }

    @Override
    public State start(int[] prompt) {
      return new Last(prompt[prompt.length - 1]);
    }

    private final class Last implements State {
      final int last;

      Last(int last) {
        this.last = last;
      }

      @Override
      public float[] logits() {
        steps++;
        return table[last].clone();
      }

      @Override
      public State advance(int token) {
        return new Last(token);
      }

      @Override
      public State fork() {
        return this;
      }
    }
  }

  private static final int STOP = 0;

  @Test
  void beamWidthOneEqualsGreedy() {
    for (long seed = 0; seed < 30; seed++) {
      Bigram model = Bigram.random(7, seed);
      int[] prompt = {1 + (int) (seed % 6)};
      DecodingOptions options = DecodingOptions.of(12, STOP);
      int[] greedy = Greedy.decode(model, prompt, options);
      List<BeamSearch.Hypothesis> beam = new BeamSearch(1, 1.0, true, 1).decode(model, prompt, options);
      assertArrayEquals(greedy, beam.get(0).tokens(), "seed " + seed);
    }
  }

  @Test
  void topKOneEqualsGreedyAtAnyTemperature() {
    for (long seed = 0; seed < 30; seed++) {
      Bigram model = Bigram.random(9, seed);
      int[] prompt = {3, 4};
      DecodingOptions options = DecodingOptions.of(15, STOP).withRepetitionPenalty(1.3);
      int[] greedy = Greedy.decode(model, prompt, options);
      int[] sampled = new Sampling(1.7, 1, 1.0).decode(model, prompt, options, new SplittableRandom(seed));
      assertArrayEquals(greedy, sampled, "seed " + seed);
    }
  }

  @Test
  void theSameSeedGivesTheSameSample() {
    Bigram model = Bigram.random(20, 5);
    Sampling sampling = new Sampling(1.0, 0, 0.95);
    DecodingOptions options = DecodingOptions.of(40);
    int[] a = sampling.decode(model, new int[] {1}, options, new SplittableRandom(11));
    int[] b = sampling.decode(model, new int[] {1}, options, new SplittableRandom(11));
    int[] c = sampling.decode(model, new int[] {1}, options, new SplittableRandom(12));
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    assertEquals(41, a.length, "no stop token: the prompt and 40 new tokens");
  }

  @Test
  void temperatureTopKAndTopPShapeTheDistribution() {
    float[] logits = Bigram.logits(0.5, 0.3, 0.15, 0.05);
    assertArrayEquals(new double[] {0.5, 0.3, 0.15, 0.05}, new Sampling(1, 0, 1).probabilities(logits), 1e-6);
    assertArrayEquals(new double[] {0.625, 0.375, 0, 0}, new Sampling(1, 0, 0.7).probabilities(logits), 1e-6);
    assertArrayEquals(new double[] {1, 0, 0, 0}, new Sampling(1, 0, 0.5).probabilities(logits), 1e-6);
    assertArrayEquals(new double[] {0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0}, new Sampling(1, 3, 1).probabilities(logits), 1e-6);
    double[] hot = new Sampling(2, 0, 1).probabilities(logits);
    double z = Math.sqrt(0.5) + Math.sqrt(0.3) + Math.sqrt(0.15) + Math.sqrt(0.05);
    assertEquals(Math.sqrt(0.5) / z, hot[0], 1e-6, "temperature 2 takes the square root of the odds");

    // Draws follow the kept distribution.
    Bigram model = new Bigram(new float[][] {logits, logits, logits, logits});
    int[] counts = new int[4];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) {
      counts[new Sampling(1, 0, 0.7).decode(model, new int[] {1}, DecodingOptions.of(1), random)[1]]++;
    }
    assertEquals(0.625, counts[0] / 20_000.0, 4 * Math.sqrt(0.625 * 0.375 / 20_000));
    assertEquals(0, counts[2] + counts[3]);
  }

  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
    float[] logits = {2f, -1f, 3f, 0.5f};
    DecodingOptions.of(5).withRepetitionPenalty(2).penalize(logits, new int[] {0, 1, 1, 9}, 3);
    assertArrayEquals(new float[] {1f, -2f, 3f, 0.5f}, logits, "tokens 0 and 1 seen once each, whatever their count");
    Bigram loop = new Bigram(new float[][] {{5, 4, 0}, {4, 5, 0}, {5, 0, 4}});
    assertArrayEquals(new int[] {2, 0, 0, 0}, Greedy.decode(loop, new int[] {2}, DecodingOptions.of(3)));
    assertArrayEquals(new int[] {2, 0, 1, 1}, Greedy.decode(loop, new int[] {2}, DecodingOptions.of(3).withRepetitionPenalty(1.5)));
  }

  /** From 1: a likely first step that leads nowhere good; 2 is less likely but then ends surely. */
  private static Bigram trap() {
    return new Bigram(new float[][] {
        Bigram.logits(0.25, 0.25, 0.25, 0.25),
        Bigram.logits(0.05, 0.05, 0.5, 0.4),
        Bigram.logits(0.25, 0.25, 0.25, 0.25),
        Bigram.logits(0.9, 0.04, 0.03, 0.03)});
  }

  @Test
  void beamSearchFindsAMoreLikelySequenceThanGreedyAndReturnsNBest() {
    Bigram model = trap();
    DecodingOptions options = DecodingOptions.of(2, STOP);
    assertArrayEquals(new int[] {1, 2, 0}, Greedy.decode(model, new int[] {1}, options), "greedy takes 2 (0.5), then 0 (0.25)");
    List<BeamSearch.Hypothesis> best = new BeamSearch(2, 1.0, false, 2).decode(model, new int[] {1}, options);
    assertArrayEquals(new int[] {1, 3, 0}, best.get(0).tokens(), "0.4 · 0.9 = 0.36 beats 0.5 · 0.25");
    assertEquals(Math.log(0.4 * 0.9), best.get(0).logProbability(), 1e-6);
    assertEquals(Math.log(0.36) / 2, best.get(0).score(), 1e-6, "length penalty 1 divides by the 2 tokens generated");
    assertEquals(2, best.size());
    assertTrue(best.get(0).score() >= best.get(1).score());
  }

  /**
   * Early stopping ends the search once {@code width} hypotheses have finished; without it, the
   * search goes on while a live beam could still beat the worst kept one, and here one does.
   */
  @Test
  void earlyStoppingEndsAtWidthFinishedHypothesesAndWithoutItALiveBeamCanWin() {
    Bigram model = new Bigram(new float[][] {
        Bigram.logits(0.25, 0.25, 0.25, 0.25),
        Bigram.logits(0.5, 1e-9, 0.45, 0.05),
        Bigram.logits(0.4, 1e-9, 0.6, 1e-9),
        Bigram.logits(0.5, 1e-9, 1e-9, 0.5)});
    DecodingOptions options = DecodingOptions.of(3, STOP);
    // After two steps [1, 0] (0.5, score −0.69) and [1, 2, 0] (0.18, −0.86) have finished; [1, 2, 2] (0.27) is live.
    assertArrayEquals(new int[] {1, 0}, new BeamSearch(2, 1.0, true, 1).decode(model, new int[] {1}, options).get(0).tokens());
    // Its bound log 0.27 / 2 = −0.65 beats −0.86, so the search goes on: [1, 2, 2, 2] (0.162, log / 3 = −0.61) wins.
    assertArrayEquals(new int[] {1, 2, 2, 2}, new BeamSearch(2, 1.0, false, 1).decode(model, new int[] {1}, options).get(0).tokens());
  }

  @Test
  void theLengthPenaltyDecidesBetweenShortAndLong() {
    // From 1: stop now with 0.3, or continue with 3 (0.7) and stop with 0.9 after it.
    Bigram model = new Bigram(new float[][] {
        Bigram.logits(0.25, 0.25, 0.25, 0.25),
        Bigram.logits(0.3, 0.0001, 0.0001, 0.6998),
        Bigram.logits(0.25, 0.25, 0.25, 0.25),
        Bigram.logits(0.9, 0.04, 0.03, 0.03)});
    DecodingOptions options = DecodingOptions.of(3, STOP);
    // Scores: short log 0.3 / 1^α = −1.20; long log 0.63 / 2^α = −0.46/2^α: long wins for α ≥ 0 ...
    assertArrayEquals(new int[] {1, 3, 0}, new BeamSearch(2, 1.0, false, 1).decode(model, new int[] {1}, options).get(0).tokens());
    // ... and with a strong penalty for length (α = −2: long −0.46·4 = −1.85) the short one wins.
    assertArrayEquals(new int[] {1, 0}, new BeamSearch(2, -2.0, false, 1).decode(model, new int[] {1}, options).get(0).tokens());
  }

  @Test
  void theMaximumLengthBoundsEveryScheme() {
    Bigram model = Bigram.random(5, 1);
    DecodingOptions options = DecodingOptions.of(4);
    assertEquals(6, Greedy.decode(model, new int[] {1, 2}, options).length);
    assertEquals(6, new Sampling(1, 0, 1).decode(model, new int[] {1, 2}, options, new SplittableRandom(1)).length);
    assertEquals(6, new BeamSearch(3, 1, true, 1).decode(model, new int[] {1, 2}, options).get(0).tokens().length);
  }

  @Test
  void nanOrImpossibleLogitsAreRefusedNotDecodedAsTokenZero() {
    float inf = Float.NEGATIVE_INFINITY;
    Bigram nan = new Bigram(new float[][] {{1, Float.NaN}, {1, Float.NaN}});
    Bigram impossible = new Bigram(new float[][] {{inf, inf}, {inf, inf}});
    for (Bigram model : List.of(nan, impossible)) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> Greedy.decode(model, new int[] {1}, DecodingOptions.of(2)));
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> new Sampling(1, 0, 1).decode(model, new int[] {1}, DecodingOptions.of(2), new SplittableRandom(1)));
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> new BeamSearch(2, 1, true, 1).decode(model, new int[] {1}, DecodingOptions.of(2)));
    }
  }
}
