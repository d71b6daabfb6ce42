package dev.nlpm.runtime.encoder;

import java.util.Objects;

/**
 * The sizes and choices of a BERT-style encoder (post-LayerNorm blocks, learned absolute
 * positions, segment embeddings), as a generated {@code <Model>Model} declares them.
 *
 * @param sequenceHead the layout name of the sequence-classification head ({@code classifier}),
 *     or null when none is declared
 * @param tokenHead the layout name of the token-classification head, or null
 */
public record EncoderConfig(
    int vocab,
    int hidden,
    int layers,
    int heads,
    int intermediate,
    int maxPositions,
    int segments,
    double eps,
    FeedForwardActivation activation,
    float hiddenDropout,
    float attentionDropout,
    boolean mlm,
    boolean nsp,
    String sequenceHead,
    int sequenceLabels,
    String tokenHead,
    int tokenLabels) {

  public EncoderConfig {
    positive("vocab", vocab);
    positive("hidden", hidden);
    positive("layers", layers);
    positive("heads", heads);
    positive("intermediate", intermediate);
    positive("maxPositions", maxPositions);
    positive("segments", segments);
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
    }
    if (!(eps > 0)) {
      throw new IllegalArgumentException("eps must be positive, got " + eps);
    }
    Objects.requireNonNull(activation, "activation");
    probability("hiddenDropout", hiddenDropout);
    probability("attentionDropout", attentionDropout);
    if ((sequenceHead == null) != (sequenceLabels == 0) || (tokenHead == null) != (tokenLabels == 0)) {
      throw new IllegalArgumentException("a classification head needs both a name and a label count");
    }
  }

  /** The same encoder with every dropout off (for tests and reference comparisons). */
  public EncoderConfig withoutDropout() {
    return new EncoderConfig(vocab, hidden, layers, heads, intermediate, maxPositions, segments, eps, activation, 0, 0,
        mlm, nsp, sequenceHead, sequenceLabels, tokenHead, tokenLabels);
  }

  /** The width of one attention head. */
  public int headSize() {
    return hidden / heads;
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static void probability(String name, float value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
    }
  }
}
