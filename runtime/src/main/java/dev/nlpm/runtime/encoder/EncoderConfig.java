package dev.nlpm.runtime.encoder;

import java.util.Objects;

/**
 * The sizes and choices of an encoder, as a generated {@code <Model>Model} declares them: its
 * sizes, activation, dropout and heads here, its composition (names, LayerNorm placement,
 * positions, pooler, factorized embeddings, sharing) in its {@link EncoderShape}; the constructor
 * without a shape gives BERT's.
 *
 * @param segments the token types (0: none, no {@code token_type_embeddings})
 * @param nsp whether the pooled output feeds the two-way pair classifier (NSP, or SOP when the
 *     shape says {@link EncoderShape#sentenceOrder})
 * @param sequenceHead the layout name of the sequence-classification head ({@code classifier}; the
 *     prefix of RoBERTa's {@code classifier.dense} and {@code classifier.out_proj}; after DistilBERT's
 *     {@code pre_classifier}), or null when none is declared
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
    int tokenLabels,
    EncoderShape shape) {

  /** BERT's shape ({@link EncoderShape#bert}). */
  public EncoderConfig(int vocab, int hidden, int layers, int heads, int intermediate, int maxPositions, int segments, double eps,
      FeedForwardActivation activation, float hiddenDropout, float attentionDropout, boolean mlm, boolean nsp, String sequenceHead,
      int sequenceLabels, String tokenHead, int tokenLabels) {
    this(vocab, hidden, layers, heads, intermediate, maxPositions, segments, eps, activation, hiddenDropout, attentionDropout, mlm, nsp,
        sequenceHead, sequenceLabels, tokenHead, tokenLabels, EncoderShape.bert(hidden));
  }

  public EncoderConfig {
    positive("vocab", vocab);
    positive("hidden", hidden);
    positive("layers", layers);
    positive("heads", heads);
    positive("intermediate", intermediate);
    positive("maxPositions", maxPositions);
    if (segments < 0) {
      throw new IllegalArgumentException("segments must not be negative, got " + segments);
    }
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
    Objects.requireNonNull(shape, "shape");
    if (shape.positions() == EncoderShape.Positions.LEARNED && maxPositions <= shape.names().positionOffset()) {
      throw new IllegalArgumentException("maxPositions " + maxPositions + " leaves no position past the " + shape.names().positionOffset()
          + " offset rows of " + shape.names() + "'s names");
    }
    if (shape.sentenceOrder() && !nsp) {
      throw new IllegalArgumentException("sentence order is the pair head's objective: it needs the pair head (nsp)");
    }
  }

  /**
   * The longest sequence: the position table's rows, less RoBERTa's offset rows ({@link
   * EncoderNames#positionOffset}).
   */
  public int maxLength() {
    return shape.positions() == EncoderShape.Positions.LEARNED ? maxPositions - shape.names().positionOffset() : maxPositions;
  }

  /** The pair objective its pretraining examples are made for: NSP, SOP ({@link EncoderShape#sentenceOrder}) or none. */
  public PretrainingData.Pairs pairs() {
    return !nsp ? PretrainingData.Pairs.NONE : shape.sentenceOrder() ? PretrainingData.Pairs.SENTENCE_ORDER : PretrainingData.Pairs.NEXT_SENTENCE;
  }

  /** The width of the embeddings (ALBERT's E; the hidden width unless factorized). */
  public int embeddingSize() {
    return shape.embeddingSize();
  }

  /** The same encoder with every dropout off (for tests and reference comparisons). */
  public EncoderConfig withoutDropout() {
    return new EncoderConfig(vocab, hidden, layers, heads, intermediate, maxPositions, segments, eps, activation, 0, 0,
        mlm, nsp, sequenceHead, sequenceLabels, tokenHead, tokenLabels, shape);
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
