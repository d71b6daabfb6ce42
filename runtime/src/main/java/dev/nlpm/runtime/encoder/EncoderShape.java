package dev.nlpm.runtime.encoder;

import java.util.Objects;

/**
 * What an encoder's composition is beyond its sizes: the checkpoint names it reads its tensors
 * under, where its blocks' LayerNorms sit, how it knows positions, whether it has a pooler, the
 * width of its embeddings (ALBERT's factorized E, mapped to the hidden width), which parts of a
 * block its layers share, and whether its pair objective is sentence order (ALBERT's SOP) rather
 * than next sentence. {@link #bert} is BERT's.
 *
 * @param embeddingSize the width of the embedding tables; when it differs from the hidden width,
 *     or under ALBERT's names, {@code encoder.embedding_hidden_mapping_in} maps it to the hidden width
 * @param sentenceOrder the pair head ({@link EncoderConfig#nsp}) is trained on sentence order
 */
public record EncoderShape(
    EncoderNames names,
    Placement placement,
    Positions positions,
    boolean pooler,
    int embeddingSize,
    Sharing sharing,
    boolean sentenceOrder) {

  /** Where a block's two LayerNorms sit. */
  public enum Placement {
    /** BERT's: {@code a = LN(x + attn(x))}, {@code out = LN(a + ffn(a))}. */
    POST,
    /** {@code a = x + attn(LN(x))}, {@code out = a + ffn(LN(a))}; no final LayerNorm (the planner plans none). */
    PRE
  }

  /** How the embeddings carry positions. */
  public enum Positions {
    /** A trained table (RoBERTa's rows offset past its padding row, see {@link EncoderNames#positionOffset}). */
    LEARNED,
    /** Vaswani et al.'s fixed table, sine and cosine interleaved; no parameters. */
    SINUSOIDAL,
    /** No positions: the embeddings carry none, so attention sees the tokens as a set (besides the padding mask). */
    NONE
  }

  /** Which part of a block every layer shares (stored once, under layer 0's names). */
  public enum Sharing {
    NONE,
    ALL,
    ATTENTION,
    FFN;

    /** Whether the attention half of every layer is layer 0's. */
    public boolean attention() {
      return this == ALL || this == ATTENTION;
    }

    /** Whether the feed-forward half of every layer is layer 0's. */
    public boolean ffn() {
      return this == ALL || this == FFN;
    }
  }

  public EncoderShape {
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(positions, "positions");
    Objects.requireNonNull(sharing, "sharing");
    if (embeddingSize <= 0) {
      throw new IllegalArgumentException("embeddingSize must be positive, got " + embeddingSize);
    }
  }

  /** BERT's shape at {@code hidden}: BERT's names, post-LayerNorm, learned positions, a pooler, no sharing, NSP. */
  public static EncoderShape bert(int hidden) {
    return new EncoderShape(EncoderNames.BERT, Placement.POST, Positions.LEARNED, true, hidden, Sharing.NONE, false);
  }

  /** Whether the embeddings are mapped to the hidden width by {@code encoder.embedding_hidden_mapping_in}. */
  public boolean mapsEmbeddings(int hidden) {
    return embeddingSize != hidden || names == EncoderNames.ALBERT;
  }
}
