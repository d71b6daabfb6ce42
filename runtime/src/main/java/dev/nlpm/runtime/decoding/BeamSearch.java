package dev.nlpm.runtime.decoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search, after HuggingFace's beam scorer: each step extends every live beam by every token,
 * keeps the {@code 2·width} best extensions by summed log-probability, sends those ending in a
 * stop token (when they rank within the first {@code width}) to the finished hypotheses, and keeps
 * the best {@code width} others live. A finished hypothesis scores {@code logP / length^α}, with
 * {@code length} the tokens generated (the stop token included) and α the length penalty (above 0
 * favours longer outputs, below 0 shorter). At the maximum length the live beams finish too.
 *
 * <p>Early stopping ends the search as soon as {@code width} hypotheses have finished; without it
 * the search goes on while the best live beam could still beat the worst of the {@code width}
 * best finished ones.
 *
 * @param width the beams kept live
 * @param lengthPenalty α
 * @param earlyStopping whether {@code width} finished hypotheses end the search
 * @param nBest how many hypotheses to return, best first; at most {@code width}
 */
public record BeamSearch(int width, double lengthPenalty, boolean earlyStopping, int nBest) {

  public BeamSearch {
    if (width < 1) {
      throw new IllegalArgumentException("the beam width must be positive, got " + width);
    }
    if (nBest < 1 || nBest > width) {
      throw new IllegalArgumentException("nBest must be in 1.." + width + ", got " + nBest);
    }
  }

  /** One output: the prompt and the tokens generated, its score and its summed log-probability. */
  public record Hypothesis(int[] tokens, double score, double logProbability) {
    public Hypothesis {
      tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
      return tokens.clone();
    }
  }

  private record Beam(LanguageModelStep.State state, int[] generated, double logProbability) {}

  private record Candidate(int beam, int token, double logProbability) {}

  /** The {@code nBest} best hypotheses, best first. */
  public List<Hypothesis> decode(LanguageModelStep model, int[] prompt, DecodingOptions options) {
    List<Beam> beams = List.of(new Beam(model.start(prompt), new int[0], 0));
    List<Hypothesis> finished = new ArrayList<>();
    for (int step = 0; step < options.maxNewTokens(); step++) {
      List<Candidate> candidates = new ArrayList<>();
      for (int b = 0; b < beams.size(); b++) {
        Beam beam = beams.get(b);
        float[] logits = beam.state().logits();
        int[] sequence = concat(prompt, beam.generated());
        options.penalize(logits, sequence, sequence.length);
        double[] logp = logSoftmax(logits);
        for (int t = 0; t < logp.length; t++) {
          candidates.add(new Candidate(b, t, beam.logProbability() + logp[t]));
        }
      }
      candidates.sort(Comparator.comparingDouble(Candidate::logProbability).reversed()
          .thenComparingInt(Candidate::beam).thenComparingInt(Candidate::token));
      List<Beam> next = new ArrayList<>();
      boolean last = step == options.maxNewTokens() - 1;
      for (int rank = 0; rank < Math.min(2 * width, candidates.size()) && next.size() < width; rank++) {
        Candidate c = candidates.get(rank);
        int[] generated = append(beams.get(c.beam()).generated(), c.token());
        if (options.isStop(c.token())) {
          if (rank < width) {
            finished.add(hypothesis(prompt, generated, c.logProbability()));
          }
          continue;
        }
        if (last) {
          finished.add(hypothesis(prompt, generated, c.logProbability()));
          next.add(new Beam(null, generated, c.logProbability()));
        } else {
          next.add(new Beam(beams.get(c.beam()).state().fork().advance(c.token()), generated, c.logProbability()));
        }
      }
      finished.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
      if (last || next.isEmpty() || done(finished, next, step + 1)) {
        break;
      }
      beams = next;
    }
    return List.copyOf(finished.subList(0, Math.min(nBest, finished.size())));
  }

  private boolean done(List<Hypothesis> finished, List<Beam> live, int generatedLength) {
    if (finished.size() < width) {
      return false;
    }
    if (earlyStopping) {
      return true;
    }
    double bestLive = live.stream().mapToDouble(Beam::logProbability).max().orElse(Double.NEGATIVE_INFINITY);
    double worstKept = finished.get(width - 1).score();
    return bestLive / Math.pow(generatedLength, lengthPenalty) <= worstKept;
  }

  private Hypothesis hypothesis(int[] prompt, int[] generated, double logProbability) {
    return new Hypothesis(concat(prompt, generated), logProbability / Math.pow(generated.length, lengthPenalty), logProbability);
  }

  static double[] logSoftmax(float[] logits) {
    Greedy.requireUsable(logits);
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    double log = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] - log;
    }
    return out;
  }

  private static int[] append(int[] a, int token) {
    int[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = token;
    return out;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
