package dev.nlpm.cli;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.plan.ModelPlan;
import dev.nlpm.compiler.plan.TensorPlan;
import java.util.Locale;
import java.util.Optional;

/**
 * Estimated compute, for {@code describe}.
 *
 * <p>Transformers (encoder, decoder), per token: forward ≈ 2·N + 4·layers·hidden·seq, where N is
 * the parameters in matrix products one token goes through (each layer's Q, K, V and output
 * projections and its two feed-forward matrices, 4·h² + 2·h·i, once per layer even when layers
 * share weights; ALBERT's factorized-embedding projection; and the language-model head's
 * matrices, the tied output projection included) and 4·layers·hidden·seq is attention's scores
 * (QKᵀ) and weighted sum (AV) over the declared training sequence length {@code train.seq}
 * (itself at most {@code max_length}). Embedding look-ups, norms, biases and softmax are left
 * out. Training ≈ 3 × forward (the backward pass costs about twice the forward).
 *
 * <p>word2vec, per trained (centre) word: with K output rows a prediction (1 + negative for
 * negative sampling, ⌈log₂ vocab⌉ for hierarchical softmax) and an average of window + 1 context
 * words (the effective window is drawn from 1..window on each side), skip-gram does (window + 1)
 * × K dot products of dim, 2·(window + 1)·K·dim FLOPs, and CBOW sums the context once, (window +
 * 1)·dim, then 2·K·dim. Training ≈ 3 × that (the gradient and the two updates).
 */
final class Flops {

  private Flops() {}

  /** The lines describe prints, or empty for families it does not estimate. */
  static Optional<String> describe(ModelPlan plan) {
    var model = plan.model();
    if (model.architecture() instanceof Architecture.Encoder e) {
      return Optional.of(transformer(plan, e.stack(), e.embeddings().size(), model.training().seq()));
    }
    if (model.architecture() instanceof Architecture.Decoder d) {
      return Optional.of(transformer(plan, d.stack(), d.embeddings().size(), model.training().seq()));
    }
    if (model.architecture() instanceof Architecture.Word2Vec w) {
      return model.objectives().stream()
          .map(o -> word2vec(w, o))
          .flatMap(Optional::stream)
          .findFirst();
    }
    return Optional.empty();
  }

  static String transformer(ModelPlan plan, TransformerStack stack, int embedding, int seq) {
    long h = stack.hidden();
    long layers = stack.layers();
    long perLayer = 4 * h * h + 2 * h * stack.intermediate();
    long inLayers = layers * perLayer + (embedding != h ? embedding * h : 0);
    long inHead = 0;
    String headGroup = null;
    for (TensorPlan t : plan.tensors()) {
      if ((t.group().equals("lm_head") || t.group().equals("mlm_head")) && t.shape().size() == 2) {
        inHead += (long) t.shape().get(0).size() * t.shape().get(1).size();
        headGroup = t.group();
      }
    }
    long matmul = inLayers + inHead;
    long attention = 4 * layers * h * seq;
    long forward = 2 * matmul + attention;
    return String.format(
        Locale.ROOT,
        "FLOPs a token (seq = %d, the declared train seq): forward 2 × %,d matmul parameters + 4 × %d layers × %d hidden × %d seq"
            + " = %s; training ≈ 3 × forward = %s%n"
            + "  (matmul parameters: %,d in the layers%s%s; embedding look-ups, norms, biases and softmax left out)%n",
        seq, matmul, layers, h, seq, flops(forward), flops(3 * forward),
        inLayers,
        embedding != h ? " with the " + embedding + "→" + h + " embedding projection" : "",
        headGroup == null ? "" : String.format(Locale.ROOT, ", %,d in the %s on every token", inHead, headGroup));
  }

  static Optional<String> word2vec(Architecture.Word2Vec w, Objective objective) {
    long dim = w.dim();
    int vocab = w.vocab().size();
    Objective.Word2VecOutput output;
    int window;
    boolean skipgram;
    if (objective instanceof Objective.SkipGram s) {
      output = s.output();
      window = s.window();
      skipgram = true;
    } else if (objective instanceof Objective.Cbow c) {
      output = c.output();
      window = c.window();
      skipgram = false;
    } else {
      return Optional.empty();
    }
    long k;
    String kText;
    if (output instanceof Objective.NegativeSampling ns) {
      k = 1 + ns.negatives();
      kText = "1 + " + ns.negatives() + " negatives";
    } else {
      k = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, vocab - 1)));
      kText = "⌈log₂ " + vocab + "⌉ tree nodes";
    }
    long contexts = window + 1L;
    long forward = skipgram ? 2 * contexts * k * dim : contexts * dim + 2 * k * dim;
    String formula = skipgram
        ? String.format(Locale.ROOT, "2 × %d contexts × %d outputs (%s) × %d dim", contexts, k, kText, dim)
        : String.format(Locale.ROOT, "%d contexts × %d dim + 2 × %d outputs (%s) × %d dim", contexts, dim, k, kText, dim);
    return Optional.of(String.format(
        Locale.ROOT,
        "FLOPs a trained word (%s, window %d: window + 1 = %d context words on average): forward %s = %s;"
            + " training ≈ 3 × forward = %s%n",
        objective.keyword(), window, contexts, formula, flops(forward), flops(3 * forward)));
  }

  /** 22,133,248 (22.1 M). */
  static String flops(long count) {
    String[] units = {"", "k", "M", "G", "T", "P"};
    double value = count;
    int unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return unit == 0
        ? String.format(Locale.ROOT, "%,d", count)
        : String.format(Locale.ROOT, "%,d (%.1f %s)", count, value, units[unit]);
  }
}
