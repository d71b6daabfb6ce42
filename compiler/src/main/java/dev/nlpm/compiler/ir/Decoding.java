package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.List;
import java.util.Objects;

/**
 * A decoding scheme, declared {@code decoding <keyword> { ... }}; a model may declare several,
 * the first being the default. Every scheme is deterministic under its seed.
 */
public sealed interface Decoding {

  Origin origin();

  String keyword();

  Limits limits();

  /**
   * What every scheme shares.
   *
   * @param stopTokens tokens that end a sequence
   * @param maxLength the longest output, in tokens
   * @param repetitionPenalty divides the logits of tokens already produced (1 = none)
   * @param nBest how many outputs to return
   * @param seed for anything random
   */
  record Limits(
      Origin origin,
      List<String> stopTokens,
      int maxLength,
      double repetitionPenalty,
      int nBest,
      long seed) {
    public Limits {
      Objects.requireNonNull(origin, "origin");
      stopTokens = List.copyOf(stopTokens);
    }
  }

  /** The most likely token at each step. */
  record Greedy(Origin origin, Limits limits) implements Decoding {
    public Greedy {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String keyword() {
      return "greedy";
    }
  }

  /** Beam search with a length penalty ((5 + len) / 6)^alpha. */
  record Beam(
      Origin origin, Limits limits, int width, double lengthPenalty, boolean earlyStopping)
      implements Decoding {
    public Beam {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String keyword() {
      return "beam";
    }
  }

  /**
   * Sampling with temperature, top-k (0 = off) and top-p (1 = off).
   */
  record Sampling(Origin origin, Limits limits, double temperature, int topK, double topP)
      implements Decoding {
    public Sampling {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String keyword() {
      return "sampling";
    }
  }

  /**
   * Blockwise parallel decoding (Stern et al., 2018): {@code k} proposal heads guess the next k
   * tokens; the base model verifies them in one pass.
   */
  record Blockwise(Origin origin, Limits limits, int k) implements Decoding {
    public Blockwise {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String keyword() {
      return "blockwise";
    }
  }

  /**
   * Mask-predict: start from all-masked targets of each candidate length, re-mask the least
   * confident tokens for {@code iterations} rounds.
   */
  record MaskPredict(Origin origin, Limits limits, int iterations, int lengthCandidates)
      implements Decoding {
    public MaskPredict {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String keyword() {
      return "mask_predict";
    }
  }

  /**
   * Hybrid decoding: parallel prediction, then autoregressive decoding only at positions whose
   * confidence is below {@code threshold}.
   */
  record Hybrid(Origin origin, Limits limits, double threshold) implements Decoding {
    public Hybrid {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String keyword() {
      return "hybrid";
    }
  }
}
