package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.encoder.FeedForwardActivation;
import java.util.Objects;

/**
 * The sizes of a GPT-2-style decoder: pre-LayerNorm blocks, causal attention, learned positions,
 * the output tied to the token embeddings or its own {@code lm_head.weight}.
 *
 * @param dropout GPT-2's one rate for the embeddings, the attention probabilities and both
 *     residual branches (training only)
 * @param tieEmbeddings whether the output multiplies by the token embeddings ({@code wte}), or by
 *     {@code lm_head.weight} [vocab, hidden], a tensor of its own with its own gradient
 */
public record DecoderConfig(int vocab, int hidden, int layers, int heads, int intermediate, int maxPositions, double eps,
    FeedForwardActivation activation, float dropout, boolean tieEmbeddings) {

  /** A decoder whose output is tied to its token embeddings. */
  public DecoderConfig(int vocab, int hidden, int layers, int heads, int intermediate, int maxPositions, double eps,
      FeedForwardActivation activation, float dropout) {
    this(vocab, hidden, layers, heads, intermediate, maxPositions, eps, activation, dropout, true);
  }

  /** A decoder without dropout. */
  public DecoderConfig(int vocab, int hidden, int layers, int heads, int intermediate, int maxPositions, double eps,
      FeedForwardActivation activation) {
    this(vocab, hidden, layers, heads, intermediate, maxPositions, eps, activation, 0f, true);
  }

  public DecoderConfig {
    if (vocab <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || intermediate <= 0 || maxPositions <= 0) {
      throw new IllegalArgumentException("decoder sizes must be positive: vocab " + vocab + ", hidden " + hidden + ", layers " + layers
          + ", heads " + heads + ", intermediate " + intermediate + ", positions " + maxPositions);
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
    }
    Objects.requireNonNull(activation, "activation");
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
  }

  /** The same decoder without dropout (for comparisons with a run without it). */
  public DecoderConfig withoutDropout() {
    return new DecoderConfig(vocab, hidden, layers, heads, intermediate, maxPositions, eps, activation, 0f, tieEmbeddings);
  }

  public int headSize() {
    return hidden / heads;
  }
}
