package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.encoder.FeedForwardActivation;
import java.util.Objects;

/** The sizes of a GPT-2-style decoder: pre-LayerNorm blocks, causal attention, learned positions, output tied to the token embeddings. */
public record DecoderConfig(int vocab, int hidden, int layers, int heads, int intermediate, int maxPositions, double eps,
    FeedForwardActivation activation) {

  public DecoderConfig {
    if (vocab <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || intermediate <= 0 || maxPositions <= 0) {
      throw new IllegalArgumentException("decoder sizes must be positive: vocab " + vocab + ", hidden " + hidden + ", layers " + layers
          + ", heads " + heads + ", intermediate " + intermediate + ", positions " + maxPositions);
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
    }
    Objects.requireNonNull(activation, "activation");
  }

  public int headSize() {
    return hidden / heads;
  }
}
