package dev.nlpm.compiler.plan;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.ir.TransformerStack;

/** Plans the transformer families: encoders, decoders, and encoder-decoders (with NAT). */
final class TransformerPlanner {

  private final Planner planner;
  private final ModelSpec model;

  TransformerPlanner(Planner planner, ModelSpec model) {
    this.planner = planner;
    this.model = model;
  }

  // ---- encoders: BERT, RoBERTa, ALBERT, DistilBERT (and nlpm = BERT's names) ----

  void encoder(Architecture.Encoder encoder) {
    Embeddings emb = encoder.embeddings();
    TransformerStack stack = encoder.stack();
    stackDimensions(emb, stack);
    CheckpointNames names = model.names();
    planner.prefix(
        switch (names) {
          case ROBERTA -> "roberta.";
          case ALBERT -> "albert.";
          case DISTILBERT -> "distilbert.";
          default -> "bert.";
        });
    int h = stack.hidden();
    int e = emb.size();
    Tensors embeddings =
        new Tensors(ModelPlan.BACKBONE).tensor("embeddings.word_embeddings.weight", Planner.vocab(emb.vocab()), Extent.of(e));
    if (Planner.learned(emb)) {
      embeddings.tensor("embeddings.position_embeddings.weight", emb.maxLength(), e);
    }
    if (emb.segments() > 0) {
      embeddings.tensor("embeddings.token_type_embeddings.weight", emb.segments(), e);
    }
    embeddings.norm("embeddings.LayerNorm", e);
    // HuggingFace's AlbertTransformer always has the E -> hidden mapping, even when E = hidden.
    if (e != h || names == CheckpointNames.ALBERT) {
      embeddings.linear("encoder.embedding_hidden_mapping_in", e, h);
    }
    planner.add(embeddings);
    String layer =
        switch (names) {
          // One layer group per stored layer: with sharing = all, a single group 0.
          case ALBERT -> "encoder.albert_layer_groups.{}.albert_layers.0.";
          case DISTILBERT -> "transformer.layer.{}.";
          default -> "encoder.layer.{}.";
        };
    layers(stack, emb, layer, "encoder.", names);
    if (encoder.pooler()) {
      planner.add(new Tensors(ModelPlan.BACKBONE).linear(names == CheckpointNames.ALBERT ? "pooler" : "pooler.dense", h, h));
    }
    String word = "embeddings.word_embeddings.weight";
    for (Objective objective : model.objectives()) {
      if (objective instanceof Objective.MaskedLm || objective instanceof Objective.SpanMasking) {
        mlmHead(names, h, e, emb, word);
      } else if (objective instanceof Objective.NextSentence) {
        planner.add(new Tensors("nsp_head").linear("cls.seq_relationship", h, 2));
      } else if (objective instanceof Objective.SentenceOrder) {
        planner.add(new Tensors("sop_head").linear(names == CheckpointNames.ALBERT ? "sop_classifier.classifier" : "cls.seq_relationship", h, 2));
      } else if (objective instanceof Objective.SpanBoundary sbo) {
        sboHead(sbo, h, emb, word);
      }
    }
    planner.fineTuningHeads(h);
  }

  private void mlmHead(CheckpointNames names, int h, int e, Embeddings emb, String word) {
    Extent v = Planner.vocab(emb.vocab());
    Tensors head = new Tensors("mlm_head");
    switch (names) {
      // With a factorized embedding (E < hidden) the transform maps hidden to E, as ALBERT's does,
      // so that the tied decoder applies; at E = hidden these are the reference shapes.
      case ROBERTA -> head.linear("lm_head.dense", h, e).norm("lm_head.layer_norm", e).tensor("lm_head.bias", v)
          .tied("lm_head.decoder.weight", word, v, Extent.of(h)).tied("lm_head.decoder.bias", "lm_head.bias", v);
      case ALBERT -> head.tensor("predictions.bias", v).linear("predictions.dense", h, e).norm("predictions.LayerNorm", e)
          .tied("predictions.decoder.weight", word, v, Extent.of(e)).tied("predictions.decoder.bias", "predictions.bias", v);
      case DISTILBERT -> head.linear("vocab_transform", h, e).norm("vocab_layer_norm", e)
          .tied("vocab_projector.weight", word, v, Extent.of(h)).tensor("vocab_projector.bias", v);
      default -> head.tensor("cls.predictions.bias", v).linear("cls.predictions.transform.dense", h, e)
          .norm("cls.predictions.transform.LayerNorm", e)
          .tied("cls.predictions.decoder.weight", word, v, Extent.of(e)).tied("cls.predictions.decoder.bias", "cls.predictions.bias", v);
    }
    planner.add(head);
  }

  /**
   * SpanBERT's span-boundary head, named as SpanBERT's own pretraining code names it ({@code
   * BertPairTargetPredictionHead} under {@code cls.pair_target_predictions}): relative position
   * embeddings [max_span, position_size], a two-layer MLP ({@code mlp_layer_norm}: linear, GeLU,
   * LayerNorm, twice) over [left boundary; right boundary; position] to hidden, then the decoder
   * tied to the word embeddings with a bias of its own.
   */
  private void sboHead(Objective.SpanBoundary sbo, int h, Embeddings emb, String word) {
    Extent v = Planner.vocab(emb.vocab());
    planner.dimension("SBO_MAX_SPAN", sbo.maxSpan(), "longest span the boundary objective predicts");
    planner.dimension("SBO_POSITION_SIZE", sbo.positionSize(), "width of its relative position embeddings");
    String head = "cls.pair_target_predictions.";
    planner.add(
        new Tensors("sbo_head")
            .tensor(head + "bias", v)
            .tensor(head + "position_embeddings.weight", sbo.maxSpan(), sbo.positionSize())
            .linear(head + "mlp_layer_norm.linear1", 2 * h + sbo.positionSize(), h)
            .norm(head + "mlp_layer_norm.layer_norm1", h)
            .linear(head + "mlp_layer_norm.linear2", h, h)
            .norm(head + "mlp_layer_norm.layer_norm2", h)
            .tied(head + "decoder.weight", word, v, Extent.of(emb.size())));
  }

  // ---- decoders: GPT-2 (and nlpm = GPT-2's names), Transformer-XL ----

  /**
   * A decoder in GPT-2's names ({@code GPT2LMHeadModel}: Conv1D weights stored [in, out], the
   * backbone under {@code transformer.}), or in HuggingFace's Transformer-XL names ({@code
   * TransfoXLLMHeadModel}). nlpm's Transformer-XL has a plain, non-adaptive embedding: the names
   * are those of HuggingFace's {@code AdaptiveEmbedding} and {@code ProjectedAdaptiveLogSoftmax}
   * with no cutoffs ({@code div_val = 1}), so a single cluster {@code 0} holds the whole
   * vocabulary; the published WikiText-103 checkpoint, which has four clusters, does not map.
   */

  void decoder(Architecture.Decoder decoder) {
    Embeddings emb = decoder.embeddings();
    TransformerStack stack = decoder.stack();
    stackDimensions(emb, stack);
    int h = stack.hidden();
    Extent v = Planner.vocab(emb.vocab());
    boolean xl = model.names() == CheckpointNames.TRANSFO_XL;
    String word = xl ? "word_emb.emb_layers.0.weight" : "wte.weight";
    Tensors embeddings = new Tensors(ModelPlan.BACKBONE).tensor(word, v, Extent.of(emb.size()));
    if (Planner.learned(emb)) {
      embeddings.tensor(xl ? "pos_emb.weight" : "wpe.weight", emb.maxLength(), emb.size());
    }
    if (emb.segments() > 0) {
      embeddings.tensor(xl ? "seg_emb.weight" : "wse.weight", emb.segments(), emb.size());
    }
    if (emb.size() != h) {
      if (xl) {
        // AdaptiveEmbedding's projection: a bare parameter [d_proj, d_embed], no bias.
        embeddings.tensor("word_emb.emb_projs.0", h, emb.size());
      } else {
        embeddings.linear("embedding_hidden_mapping_in", emb.size(), h);
      }
    }
    planner.add(embeddings);
    planner.prefix("transformer.");
    layers(stack, emb, xl ? "layers.{}." : "h.{}.", "", xl ? CheckpointNames.TRANSFO_XL : CheckpointNames.GPT2);
    if (Planner.pre(stack.norm()) && !xl) {
      planner.add(new Tensors(ModelPlan.BACKBONE).norm("ln_f", h));
    }
    Tensors head = new Tensors("lm_head");
    if (xl) {
      // ProjectedAdaptiveLogSoftmax without cutoffs: out_layers.0 = Linear(E, vocab), and, when
      // E differs from hidden, its own projection out_projs.0 [hidden, E] (tie_projs[0] is false).
      if (decoder.tieEmbeddings()) {
        head.tied("crit.out_layers.0.weight", word, v, Extent.of(emb.size()));
      } else {
        head.tensor("crit.out_layers.0.weight", v, Extent.of(emb.size()));
      }
      head.tensor("crit.out_layers.0.bias", v);
      if (emb.size() != h) {
        head.tensor("crit.out_projs.0", h, emb.size());
      }
    } else if (decoder.tieEmbeddings()) {
      head.tied("lm_head.weight", word, v, Extent.of(emb.size()));
    } else {
      head.tensor("lm_head.weight", v, Extent.of(h));
    }
    planner.add(head);
    planner.blockwiseHeads(h);
  }

  // ---- encoder-decoders and NAT: fairseq-style names ----

  void seq2seq(
      Embeddings source,
      Embeddings target,
      TransformerStack encoder,
      TransformerStack decoder,
      boolean shared,
      boolean tieOutput,
      int maxTargetLength) {
    int h = encoder.hidden();
    planner.dimension("SOURCE_VOCAB", source.vocab().size(), "source tokens");
    planner.dimension("TARGET_VOCAB", target.vocab().size(), "target tokens");
    planner.dimension("HIDDEN", h, "model width");
    planner.dimension("HEADS", encoder.heads(), "attention heads");
    planner.dimension("HEAD_SIZE", h / Math.max(1, encoder.heads()), "width of one head");
    planner.dimension("INTERMEDIATE", encoder.intermediate(), "feed-forward width");
    planner.dimension("ENCODER_LAYERS", encoder.layers(), "encoder layers");
    planner.dimension("DECODER_LAYERS", decoder.layers(), "decoder layers");
    planner.dimension("MAX_LENGTH", source.maxLength(), "longest sequence");
    if (maxTargetLength > 0) {
      planner.dimension("MAX_TARGET_LENGTH", maxTargetLength, "longest target the length head predicts");
    }
    Extent sv = Planner.vocab(source.vocab());
    Extent tv = Planner.vocab(target.vocab());
    Tensors encoderEmbeddings = new Tensors(ModelPlan.BACKBONE).tensor("encoder.embed_tokens.weight", sv, Extent.of(h));
    if (Planner.learned(source)) {
      encoderEmbeddings.tensor("encoder.embed_positions.weight", source.maxLength(), h);
    }
    planner.add(encoderEmbeddings);
    seq2seqLayers(encoder, source, "encoder", "ENCODER_LAYER", false);
    if (Planner.pre(encoder.norm())) {
      planner.add(new Tensors(ModelPlan.BACKBONE).norm("encoder.layer_norm", h));
    }
    Tensors decoderEmbeddings = new Tensors(ModelPlan.BACKBONE);
    if (shared) {
      decoderEmbeddings.tied("decoder.embed_tokens.weight", "encoder.embed_tokens.weight", tv, Extent.of(h));
    } else {
      decoderEmbeddings.tensor("decoder.embed_tokens.weight", tv, Extent.of(h));
    }
    if (Planner.learned(target)) {
      decoderEmbeddings.tensor("decoder.embed_positions.weight", target.maxLength(), h);
    }
    planner.add(decoderEmbeddings);
    seq2seqLayers(decoder, target, "decoder", "DECODER_LAYER", true);
    if (Planner.pre(decoder.norm())) {
      planner.add(new Tensors(ModelPlan.BACKBONE).norm("decoder.layer_norm", h));
    }
    Tensors head = new Tensors("lm_head");
    String embedded = shared ? "encoder.embed_tokens.weight" : "decoder.embed_tokens.weight";
    if (tieOutput) {
      head.tied("decoder.output_projection.weight", embedded, tv, Extent.of(h));
    } else {
      head.tensor("decoder.output_projection.weight", tv, Extent.of(h));
    }
    planner.add(head);
    if (maxTargetLength > 0) {
      planner.add(new Tensors("length_head").tensor("decoder.embed_length.weight", maxTargetLength + 1, h));
    }
    planner.blockwiseHeads(h);
  }

  private void seq2seqLayers(TransformerStack stack, Embeddings emb, String part, String constant, boolean crossAttention) {
    int h = stack.hidden();
    int i = stack.intermediate();
    String layer = part + ".layers.{}.";
    Tensors attention = new Tensors(ModelPlan.BACKBONE);
    projectionsBefore(stack, emb, part + ".");
    for (String p : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
      attention.linear(layer + "self_attn." + p, h, h);
    }
    linformer(attention, stack, emb, layer + "self_attn.");
    attention.norm(layer + "self_attn_layer_norm", h);
    if (crossAttention) {
      for (String p : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
        attention.linear(layer + "encoder_attn." + p, h, h);
      }
      attention.norm(layer + "encoder_attn_layer_norm", h);
    }
    Tensors ffn = new Tensors(ModelPlan.BACKBONE).linear(layer + "fc1", h, i).linear(layer + "fc2", i, h).norm(layer + "final_layer_norm", h);
    planner.repeated(constant, 0, stack.layers(), concat(attention, ffn));
  }

  // ---- layers with cross-layer sharing ----

  /**
   * The layers of an encoder or decoder in the given naming scheme. With sharing, the shared part
   * is stored once (under layer 0's name) and the rest once per layer.
   */
  private void layers(TransformerStack stack, Embeddings emb, String layer, String projectionPrefix, CheckpointNames names) {
    int h = stack.hidden();
    int i = stack.intermediate();
    Tensors attention = new Tensors(ModelPlan.BACKBONE);
    Tensors ffn = new Tensors(ModelPlan.BACKBONE);
    projectionsBefore(stack, emb, projectionPrefix);
    switch (names) {
      case ALBERT -> {
        for (String p : new String[] {"query", "key", "value"}) {
          attention.linear(layer + "attention." + p, h, h);
        }
        linformer(attention, stack, emb, layer + "attention.");
        attention.linear(layer + "attention.dense", h, h).norm(layer + "attention.LayerNorm", h);
        ffn.linear(layer + "ffn", h, i).linear(layer + "ffn_output", i, h).norm(layer + "full_layer_layer_norm", h);
      }
      case DISTILBERT -> {
        for (String p : new String[] {"q_lin", "k_lin", "v_lin", "out_lin"}) {
          attention.linear(layer + "attention." + p, h, h);
        }
        linformer(attention, stack, emb, layer + "attention.");
        attention.norm(layer + "sa_layer_norm", h);
        ffn.linear(layer + "ffn.lin1", h, i).linear(layer + "ffn.lin2", i, h).norm(layer + "output_layer_norm", h);
      }
      case GPT2 -> {
        attention.norm(layer + "ln_1", h).conv1d(layer + "attn.c_attn", h, 3 * h);
        linformer(attention, stack, emb, layer + "attn.");
        attention.conv1d(layer + "attn.c_proj", h, h);
        ffn.norm(layer + "ln_2", h).conv1d(layer + "mlp.c_fc", h, i).conv1d(layer + "mlp.c_proj", i, h);
      }
      case TRANSFO_XL -> {
        attention.linearWithoutBias(layer + "dec_attn.qkv_net", h, 3 * h);
        if (Planner.xl(stack.attention())) {
          // The published Transformer-XL checkpoints have untie_r = true: position biases u and v
          // in every layer.
          int heads = Math.max(1, stack.heads());
          attention.tensor(layer + "dec_attn.r_w_bias", heads, h / heads);
          attention.tensor(layer + "dec_attn.r_r_bias", heads, h / heads);
          attention.linearWithoutBias(layer + "dec_attn.r_net", h, h);
        }
        linformer(attention, stack, emb, layer + "dec_attn.");
        attention.linearWithoutBias(layer + "dec_attn.o_net", h, h).norm(layer + "dec_attn.layer_norm", h);
        ffn.linear(layer + "pos_ff.CoreNet.0", h, i).linear(layer + "pos_ff.CoreNet.3", i, h).norm(layer + "pos_ff.layer_norm", h);
      }
      default -> {
        for (String p : new String[] {"query", "key", "value"}) {
          attention.linear(layer + "attention.self." + p, h, h);
        }
        linformer(attention, stack, emb, layer + "attention.self.");
        attention.linear(layer + "attention.output.dense", h, h).norm(layer + "attention.output.LayerNorm", h);
        ffn.linear(layer + "intermediate.dense", h, i).linear(layer + "output.dense", i, h).norm(layer + "output.LayerNorm", h);
      }
    }
    int layers = stack.layers();
    switch (stack.sharing()) {
      case ALL -> planner.repeated("LAYER", 0, 1, concat(attention, ffn));
      case ATTENTION -> {
        planner.repeated("SHARED_ATTENTION", 0, 1, attention);
        planner.repeated("LAYER", 0, layers, ffn);
      }
      case FFN -> {
        planner.repeated("SHARED_FFN", 0, 1, ffn);
        planner.repeated("LAYER", 0, layers, attention);
      }
      default -> planner.repeated("LAYER", 0, layers, concat(attention, ffn));
    }
  }

  private static Tensors concat(Tensors first, Tensors second) {
    Tensors both = new Tensors(ModelPlan.BACKBONE);
    first.list().forEach(t -> both.tensor(t.name(), t.shape().toArray(Extent[]::new)));
    second.list().forEach(t -> both.tensor(t.name(), t.shape().toArray(Extent[]::new)));
    return both;
  }

  /**
   * Linformer's sequence projections that live in each layer, in fairseq's Linformer names
   * ({@code MultiheadLinearAttention}: {@code compress_k}, and {@code compress_v} unless keys and
   * values share one), each an {@code nn.Linear(max_length, k)} without bias: [k, max_length].
   */
  private static void linformer(Tensors attention, TransformerStack stack, Embeddings emb, String prefix) {
    if (stack.attention() instanceof Attention.Linformer linformer) {
      switch (linformer.sharing()) {
        case SEPARATE -> attention
            .tensor(prefix + "compress_k.weight", linformer.k(), emb.maxLength())
            .tensor(prefix + "compress_v.weight", linformer.k(), emb.maxLength());
        case KEY_VALUE -> attention.tensor(prefix + "compress_k.weight", linformer.k(), emb.maxLength());
        default -> { }
      }
    }
  }

  /**
   * Linformer's layerwise-shared projection (fairseq's {@code compress_layer}, [k, max_length],
   * kept without bias as the per-layer ones), stored once before the layers.
   */
  private void projectionsBefore(TransformerStack stack, Embeddings emb, String prefix) {
    if (stack.attention() instanceof Attention.Linformer linformer
        && linformer.sharing() == Attention.ProjectionSharing.LAYERWISE) {
      planner.add(new Tensors(ModelPlan.BACKBONE).tensor(prefix + "compress_layer.weight", linformer.k(), emb.maxLength()));
    }
  }

  private void stackDimensions(Embeddings emb, TransformerStack stack) {
    planner.dimension("VOCAB", emb.vocab().size(), "tokens in the vocabulary");
    planner.dimension("HIDDEN", stack.hidden(), "model width");
    planner.dimension("LAYERS", stack.layers(), "transformer layers");
    planner.dimension("HEADS", stack.heads(), "attention heads");
    planner.dimension("HEAD_SIZE", stack.hidden() / Math.max(1, stack.heads()), "width of one attention head");
    planner.dimension("INTERMEDIATE", stack.intermediate(), "feed-forward width");
    planner.dimension("MAX_LENGTH", emb.maxLength(), "longest sequence");
    if (emb.segments() > 0) {
      planner.dimension("SEGMENTS", emb.segments(), "segment (token type) vocabulary");
    }
    if (emb.size() != stack.hidden()) {
      planner.dimension("EMBEDDING_SIZE", emb.size(), "factorized embedding width (ALBERT's E)");
    }
    Attention attention = stack.attention();
    if (attention instanceof Attention.Local local) {
      planner.dimension("WINDOW", local.window(), "local attention window");
    } else if (attention instanceof Attention.Linformer linformer) {
      planner.dimension("LINFORMER_K", linformer.k(), "rows keys and values are projected to");
    } else if (attention instanceof Attention.TransformerXl xl) {
      planner.dimension("MEMORY", xl.memory(), "cached states of the previous segment");
    }
  }
}
