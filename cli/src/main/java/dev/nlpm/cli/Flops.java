package dev.nlpm.cli;

import dev.nlpm.compiler.graph.LayerGraph;
import dev.nlpm.compiler.graph.Op;
import dev.nlpm.compiler.graph.Parameter;
import dev.nlpm.compiler.graph.Storage;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Estimated compute, for {@code describe}, read off the model's layer graph.
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

  /**
   * The lines describe prints, from the model's layer graph: the transformer estimate for a graph
   * with one stack of attention layers, word2vec's for a graph with a word2vec prediction, none
   * otherwise.
   */
  static Optional<String> describe(ModelPlan plan) {
    LayerGraph graph = plan.graph();
    List<Op.Repeat> stacks = graph.ops(Op.Repeat.class).stream()
        .filter(r -> r.body().stream().anyMatch(Op.MultiHeadAttention.class::isInstance))
        .toList();
    if (stacks.size() == 1) {
      return Optional.of(transformer(graph, stacks.get(0), graph.model().training().seq()));
    }
    return graph.ops(Op.Word2VecPrediction.class).stream().findFirst().map(Flops::word2vec);
  }

  static String transformer(LayerGraph graph, Op.Repeat stack, int seq) {
    Op.MultiHeadAttention attention = stack.body().stream()
        .filter(Op.MultiHeadAttention.class::isInstance).map(Op.MultiHeadAttention.class::cast).findFirst().orElseThrow();
    long h = attention.width();
    long layers = stack.count();
    long perLayer = 0;
    for (Op op : stack.body()) {
      if (op instanceof Op.MultiHeadAttention || op instanceof Op.FeedForward) {
        perLayer += op.body().stream().map(Op.Linear.class::cast).mapToLong(l -> (long) l.in() * l.out()).sum();
      }
    }
    long embedding = graph.ops().stream().filter(Op.Embedding.class::isInstance).map(Op.Embedding.class::cast)
        .findFirst().map(e -> e.table().shape().get(1).size()).orElse((int) h);
    long inLayers = layers * perLayer + (embedding != h ? embedding * h : 0);
    long inHead = 0;
    String headGroup = null;
    for (Storage run : graph.storage()) {
      for (Parameter p : run.parameters()) {
        if ((p.group().equals("lm_head") || p.group().equals("mlm_head")) && p.shape().size() == 2) {
          inHead += (long) p.shape().get(0).size() * p.shape().get(1).size();
          headGroup = p.group();
        }
      }
    }
    long matmul = inLayers + inHead;
    long attentionFlops = 4 * layers * h * seq;
    long forward = 2 * matmul + attentionFlops;
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

  static String word2vec(Op.Word2VecPrediction prediction) {
    long dim = prediction.dim();
    int vocab = prediction.vocab().size();
    int window = prediction.window();
    long k;
    String kText;
    if (!prediction.hierarchical()) {
      k = 1 + prediction.negatives();
      kText = "1 + " + prediction.negatives() + " negatives";
    } else {
      k = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, vocab - 1)));
      kText = "⌈log₂ " + vocab + "⌉ tree nodes";
    }
    long contexts = window + 1L;
    boolean skipgram = prediction.skipGram();
    long forward = skipgram ? 2 * contexts * k * dim : contexts * dim + 2 * k * dim;
    String formula = skipgram
        ? String.format(Locale.ROOT, "2 × %d contexts × %d outputs (%s) × %d dim", contexts, k, kText, dim)
        : String.format(Locale.ROOT, "%d contexts × %d dim + 2 × %d outputs (%s) × %d dim", contexts, dim, k, kText, dim);
    return String.format(
        Locale.ROOT,
        "FLOPs a trained word (%s, window %d: window + 1 = %d context words on average): forward %s = %s;"
            + " training ≈ 3 × forward = %s%n",
        prediction.objective(), window, contexts, formula, flops(forward), flops(3 * forward));
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
