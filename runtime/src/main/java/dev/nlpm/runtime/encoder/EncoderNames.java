package dev.nlpm.runtime.encoder;

/**
 * The checkpoint names an encoder's tensors have in its layout, one scheme per reference
 * (HuggingFace's {@code BertForPreTraining}, {@code RobertaForMaskedLM}, {@code
 * AlbertForPreTraining}, {@code DistilBertForMaskedLM}), the backbone without its prefix ({@code
 * bert.}, {@code roberta.}, …). They are the compiler's planner's names ({@code
 * TransformerPlanner}, the single truth); the runtime looks each role's tensor up by them.
 */
public enum EncoderNames {
  BERT,
  ROBERTA,
  ALBERT,
  DISTILBERT;

  /** The names of one layer's tensors (each without {@code .weight}/{@code .bias}). */
  public record Layer(String query, String key, String value, String attentionOutput, String attentionNorm,
      String intermediate, String output, String outputNorm) {}

  /** Layer {@code l}'s names (the stored layer whose tensors it uses: 0 for a shared part). */
  public Layer layer(int l) {
    return switch (this) {
      case ALBERT -> {
        String p = "encoder.albert_layer_groups." + l + ".albert_layers.0.";
        yield new Layer(p + "attention.query", p + "attention.key", p + "attention.value", p + "attention.dense", p + "attention.LayerNorm",
            p + "ffn", p + "ffn_output", p + "full_layer_layer_norm");
      }
      case DISTILBERT -> {
        String p = "transformer.layer." + l + ".";
        yield new Layer(p + "attention.q_lin", p + "attention.k_lin", p + "attention.v_lin", p + "attention.out_lin", p + "sa_layer_norm",
            p + "ffn.lin1", p + "ffn.lin2", p + "output_layer_norm");
      }
      default -> {
        String p = "encoder.layer." + l + ".";
        yield new Layer(p + "attention.self.query", p + "attention.self.key", p + "attention.self.value", p + "attention.output.dense",
            p + "attention.output.LayerNorm", p + "intermediate.dense", p + "output.dense", p + "output.LayerNorm");
      }
    };
  }

  public String wordEmbeddings() {
    return "embeddings.word_embeddings.weight";
  }

  public String positionEmbeddings() {
    return "embeddings.position_embeddings.weight";
  }

  public String typeEmbeddings() {
    return "embeddings.token_type_embeddings.weight";
  }

  public String embeddingNorm() {
    return "embeddings.LayerNorm";
  }

  /** ALBERT's E → hidden mapping. */
  public String embeddingMapping() {
    return "encoder.embedding_hidden_mapping_in";
  }

  public String pooler() {
    return this == ALBERT ? "pooler" : "pooler.dense";
  }

  /** The MLM head's dense transform (hidden → E). */
  public String mlmTransform() {
    return switch (this) {
      case ROBERTA -> "lm_head.dense";
      case ALBERT -> "predictions.dense";
      case DISTILBERT -> "vocab_transform";
      default -> "cls.predictions.transform.dense";
    };
  }

  /** The MLM head's LayerNorm (over E). */
  public String mlmNorm() {
    return switch (this) {
      case ROBERTA -> "lm_head.layer_norm";
      case ALBERT -> "predictions.LayerNorm";
      case DISTILBERT -> "vocab_layer_norm";
      default -> "cls.predictions.transform.LayerNorm";
    };
  }

  /** The bias of the MLM decoder, whose weight is the word embeddings. */
  public String mlmBias() {
    return switch (this) {
      case ROBERTA -> "lm_head.bias";
      case ALBERT -> "predictions.bias";
      case DISTILBERT -> "vocab_projector.bias";
      default -> "cls.predictions.bias";
    };
  }

  /** The two-way classifier over the pooled output: NSP's, or SOP's ({@code sentenceOrder}). */
  public String pairClassifier(boolean sentenceOrder) {
    return sentenceOrder && this == ALBERT ? "sop_classifier.classifier" : "cls.seq_relationship";
  }

  /**
   * The first position row a sequence uses: RoBERTa's positions start past its padding row
   * ({@code padding_idx + 1} = 2; a padding token uses row {@code padding_idx} = 1, as
   * HuggingFace's {@code create_position_ids_from_input_ids} does), so its table has two rows more
   * than its longest sequence; 0 for the others.
   */
  public int positionOffset() {
    return this == ROBERTA ? 2 : 0;
  }

  /** The position row of a padding token (RoBERTa's {@code padding_idx}); meaningful when {@link #positionOffset} is positive. */
  public int paddingPosition() {
    return 1;
  }
}
