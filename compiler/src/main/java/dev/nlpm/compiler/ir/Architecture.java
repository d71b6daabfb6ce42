package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/** A model family with its sizes. One record per family of the scope table. */
public sealed interface Architecture {

  Origin origin();

  Family family();

  /** The longest sequence its positions allow, or 0 when there is no such limit. */
  default int maxLength() {
    return 0;
  }

  /** word2vec: input vectors and output weights over a (usually run-time) vocabulary. */
  record Word2Vec(Origin origin, Vocabulary vocab, int dim, int minCount) implements Architecture {
    public Word2Vec {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(vocab, "vocab");
    }

    @Override
    public Family family() {
      return Family.WORD2VEC;
    }
  }

  /** A BERT-style bidirectional encoder, with an optional pooler over the first token. */
  record Encoder(Origin origin, Embeddings embeddings, TransformerStack stack, boolean pooler)
      implements Architecture {
    public Encoder {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(embeddings, "embeddings");
      Objects.requireNonNull(stack, "stack");
    }

    @Override
    public Family family() {
      return Family.ENCODER;
    }

    @Override
    public int maxLength() {
      return embeddings.maxLength();
    }
  }

  /** A GPT-style causal decoder; its output projection may be tied to the token embeddings. */
  record Decoder(
      Origin origin, Embeddings embeddings, TransformerStack stack, boolean tieEmbeddings)
      implements Architecture {
    public Decoder {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(embeddings, "embeddings");
      Objects.requireNonNull(stack, "stack");
    }

    @Override
    public Family family() {
      return Family.DECODER;
    }

    /** Transformer-XL's relative positions reach past one segment, so it has no limit. */
    @Override
    public int maxLength() {
      return stack.attention() instanceof Attention.TransformerXl ? 0 : embeddings.maxLength();
    }
  }

  /** An LSTM language model: embedding, stacked LSTM layers, output layer. */
  record LstmLm(
      Origin origin,
      Vocabulary vocab,
      int embedding,
      int hidden,
      int layers,
      double dropout,
      boolean tieEmbeddings)
      implements Architecture {
    public LstmLm {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(vocab, "vocab");
    }

    @Override
    public Family family() {
      return Family.LSTM_LM;
    }
  }

  /** An RNN encoder-decoder with attention (Bahdanau or Luong). */
  record RnnSeq2Seq(
      Origin origin,
      Vocabulary sourceVocab,
      Vocabulary targetVocab,
      int embedding,
      int hidden,
      int layers,
      RnnCell cell,
      boolean bidirectional,
      RnnAttention attention,
      double dropout)
      implements Architecture {
    public RnnSeq2Seq {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(sourceVocab, "sourceVocab");
      Objects.requireNonNull(targetVocab, "targetVocab");
      Objects.requireNonNull(cell, "cell");
      Objects.requireNonNull(attention, "attention");
    }

    @Override
    public Family family() {
      return Family.RNN_SEQ2SEQ;
    }
  }

  /**
   * A Transformer encoder-decoder: an encoder stack, and a decoder stack with causal
   * self-attention and cross-attention to the encoder.
   *
   * @param sharedEmbeddings whether source and target share one embedding table (a joint
   *     vocabulary)
   * @param tieOutput whether the output projection is the target embedding table
   */
  record TransformerSeq2Seq(
      Origin origin,
      Embeddings source,
      Embeddings target,
      TransformerStack encoder,
      TransformerStack decoder,
      boolean sharedEmbeddings,
      boolean tieOutput)
      implements Architecture {
    public TransformerSeq2Seq {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(encoder, "encoder");
      Objects.requireNonNull(decoder, "decoder");
    }

    @Override
    public Family family() {
      return Family.TRANSFORMER_SEQ2SEQ;
    }

    @Override
    public int maxLength() {
      return source.maxLength();
    }
  }

  /**
   * A non-autoregressive Transformer (mask-predict / CMLM): like the encoder-decoder, but the
   * decoder attends both ways over the target and a length head predicts the target length
   * (classes 0..{@code maxTargetLength}).
   */
  record Nat(
      Origin origin,
      Embeddings source,
      Embeddings target,
      TransformerStack encoder,
      TransformerStack decoder,
      boolean sharedEmbeddings,
      boolean tieOutput,
      int maxTargetLength)
      implements Architecture {
    public Nat {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(encoder, "encoder");
      Objects.requireNonNull(decoder, "decoder");
    }

    @Override
    public Family family() {
      return Family.NAT;
    }

    @Override
    public int maxLength() {
      return source.maxLength();
    }
  }
}
