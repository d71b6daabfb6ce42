package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/**
 * A stack of transformer layers: self-attention (and cross-attention in a seq2seq decoder) and a
 * feed-forward block, with residuals and layer norms.
 *
 * @param layers number of layers
 * @param hidden model width
 * @param heads attention heads; {@code hidden / heads} is the head size
 * @param intermediate width of the feed-forward block
 * @param activation of the feed-forward block
 * @param norm placement and epsilon
 * @param attention the self-attention variant
 * @param sharing cross-layer parameter sharing
 * @param dropout dropout probabilities
 */
public record TransformerStack(
    Origin origin,
    int layers,
    int hidden,
    int heads,
    int intermediate,
    Activation activation,
    Norm norm,
    Attention attention,
    Sharing sharing,
    Dropout dropout) {

  public TransformerStack {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(norm, "norm");
    Objects.requireNonNull(attention, "attention");
    Objects.requireNonNull(sharing, "sharing");
    Objects.requireNonNull(dropout, "dropout");
  }
}
