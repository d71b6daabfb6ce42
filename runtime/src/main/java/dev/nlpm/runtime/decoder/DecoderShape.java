package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.encoder.EncoderShape;
import java.util.Objects;

/**
 * What a decoder's composition is beyond its sizes, as far as {@link CachedDecoding} needs it:
 * where its blocks' LayerNorms sit, how its embeddings carry positions, and which half of a block
 * its layers share, and how wide its embeddings are. A model's generated passes hand theirs to the decoding; {@link #gpt2} is
 * GPT-2's, the hand-written {@code Decoder} (runtime test sources)'s. The kinds are the encoder's ({@link EncoderShape}),
 * the same choices of the same declaration.
 *
 * @param placement pre-LayerNorm ({@code x + attn(LN(x))}, then the final LayerNorm {@code ln_f})
 *     or post-LayerNorm ({@code LN(x + attn(x))}, no final LayerNorm: the last block's output is
 *     the hidden state)
 * @param positions a learned table ({@code wpe.weight}), the fixed sinusoid table, or none
 * @param sharing which half of every block is layer 0's tensors ({@code h.0.…})
 * @param embeddingSize the width of the token (and position) embeddings; when it differs from the
 *     hidden width, {@code embedding_hidden_mapping_in} maps them to it, and a tied output maps the
 *     final hidden state back to it first ({@code embedding_hidden_mapping_out}; an untied one,
 *     {@code lm_head.weight} [vocab, hidden], needs no map)
 */
public record DecoderShape(EncoderShape.Placement placement, EncoderShape.Positions positions, EncoderShape.Sharing sharing,
    int embeddingSize) {

  public DecoderShape {
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(positions, "positions");
    Objects.requireNonNull(sharing, "sharing");
    if (embeddingSize <= 0) {
      throw new IllegalArgumentException("embeddingSize must be positive, got " + embeddingSize);
    }
  }

  /** GPT-2's at {@code hidden}: pre-LayerNorm, learned positions, no sharing, embeddings as wide as hidden. */
  public static DecoderShape gpt2(int hidden) {
    return new DecoderShape(EncoderShape.Placement.PRE, EncoderShape.Positions.LEARNED, EncoderShape.Sharing.NONE, hidden);
  }

  /** Whether the embeddings are narrower than {@code hidden}: mapped to it, and (tied) back from it. */
  public boolean factorized(int hidden) {
    return embeddingSize != hidden;
  }

  /** Whether each sublayer normalizes its input (and a final LayerNorm follows the blocks). */
  public boolean preNorm() {
    return placement == EncoderShape.Placement.PRE;
  }
}
