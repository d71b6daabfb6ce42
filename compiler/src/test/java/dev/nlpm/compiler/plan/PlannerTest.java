package dev.nlpm.compiler.plan;

import static dev.nlpm.compiler.plan.Specs.AT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The planner names, shapes and groups every tensor as the reference checkpoints do, and its
 * counts equal the reference implementations' published ones.
 */
class PlannerTest {

  /** One line a tensor: {@code name [shape] group}, and {@code = target} when tied. */
  static List<String> listing(ModelPlan plan) {
    return plan.tensors().stream()
        .map(t -> t.name() + " " + t.shape() + " " + t.group() + t.tiedTo().map(x -> " = " + x).orElse(""))
        .toList();
  }

  static List<String> names(ModelPlan plan) {
    return plan.tensors().stream().map(TensorPlan::name).toList();
  }

  @Test
  void backbonesOfTheReferenceConfigurationsHaveTheReferenceCounts() {
    // HuggingFace's BertModel (with pooler), RobertaModel, AlbertModel, DistilBertModel, GPT2Model.
    assertEquals(109_482_240L, Planner.plan(Specs.bertBase()).parameterCount("backbone"));
    assertEquals(124_645_632L, Planner.plan(Specs.robertaBase()).parameterCount("backbone"));
    assertEquals(11_683_584L, Planner.plan(Specs.albertBase()).parameterCount("backbone"));
    assertEquals(66_362_880L, Planner.plan(Specs.distilBertBase()).parameterCount("backbone"));
    assertEquals(124_439_808L, Planner.plan(Specs.gpt2Small()).parameterCount("backbone"));
  }

  @Test
  void bertPretrainingModelHasHuggingFacesNamesWithTiedDecoder() {
    ModelPlan plan =
        Planner.plan(Specs.encoder("B", CheckpointNames.BERT, 100, 8, 1, 2, 16, 12, 2, 8, Sharing.NONE, true, List.of(Specs.mlm(), Specs.nsp())));
    assertEquals(
        List.of(
            "embeddings.word_embeddings.weight [100, 8] backbone",
            "embeddings.position_embeddings.weight [12, 8] backbone",
            "embeddings.token_type_embeddings.weight [2, 8] backbone",
            "embeddings.LayerNorm.weight [8] backbone",
            "embeddings.LayerNorm.bias [8] backbone",
            "encoder.layer.0.attention.self.query.weight [8, 8] backbone",
            "encoder.layer.0.attention.self.query.bias [8] backbone",
            "encoder.layer.0.attention.self.key.weight [8, 8] backbone",
            "encoder.layer.0.attention.self.key.bias [8] backbone",
            "encoder.layer.0.attention.self.value.weight [8, 8] backbone",
            "encoder.layer.0.attention.self.value.bias [8] backbone",
            "encoder.layer.0.attention.output.dense.weight [8, 8] backbone",
            "encoder.layer.0.attention.output.dense.bias [8] backbone",
            "encoder.layer.0.attention.output.LayerNorm.weight [8] backbone",
            "encoder.layer.0.attention.output.LayerNorm.bias [8] backbone",
            "encoder.layer.0.intermediate.dense.weight [16, 8] backbone",
            "encoder.layer.0.intermediate.dense.bias [16] backbone",
            "encoder.layer.0.output.dense.weight [8, 16] backbone",
            "encoder.layer.0.output.dense.bias [8] backbone",
            "encoder.layer.0.output.LayerNorm.weight [8] backbone",
            "encoder.layer.0.output.LayerNorm.bias [8] backbone",
            "pooler.dense.weight [8, 8] backbone",
            "pooler.dense.bias [8] backbone",
            "cls.predictions.bias [100] mlm_head",
            "cls.predictions.transform.dense.weight [8, 8] mlm_head",
            "cls.predictions.transform.dense.bias [8] mlm_head",
            "cls.predictions.transform.LayerNorm.weight [8] mlm_head",
            "cls.predictions.transform.LayerNorm.bias [8] mlm_head",
            "cls.predictions.decoder.weight [100, 8] mlm_head = embeddings.word_embeddings.weight",
            "cls.predictions.decoder.bias [100] mlm_head = cls.predictions.bias",
            "cls.seq_relationship.weight [2, 8] nsp_head",
            "cls.seq_relationship.bias [2] nsp_head"),
        listing(plan));
    assertEquals("bert.", plan.checkpointPrefix());
    assertEquals(List.of("backbone", "mlm_head", "nsp_head"), plan.groups());
    assertEquals(100 + 8 * 8 + 8 + 2 * 8, plan.parameterCount("mlm_head"));
  }

  @Test
  void robertaHeadIsLmHeadWithTiedDecoder() {
    ModelPlan plan = Planner.plan(Specs.encoder("R", CheckpointNames.ROBERTA, 100, 8, 1, 2, 16, 12, 1, 8, Sharing.NONE, true, List.of(Specs.mlm())));
    assertEquals("roberta.", plan.checkpointPrefix());
    assertEquals(
        List.of(
            "lm_head.dense.weight [8, 8] mlm_head",
            "lm_head.dense.bias [8] mlm_head",
            "lm_head.layer_norm.weight [8] mlm_head",
            "lm_head.layer_norm.bias [8] mlm_head",
            "lm_head.bias [100] mlm_head",
            "lm_head.decoder.weight [100, 8] mlm_head = embeddings.word_embeddings.weight",
            "lm_head.decoder.bias [100] mlm_head = lm_head.bias"),
        listing(plan).stream().filter(l -> l.startsWith("lm_head")).toList());
    assertTrue(names(plan).contains("embeddings.token_type_embeddings.weight"));
  }

  @Test
  void albertSharingAllStoresOneLayerGroupAndAlwaysTheEmbeddingMapping() {
    ModelPlan shared =
        Planner.plan(Specs.encoder("A", CheckpointNames.ALBERT, 100, 8, 3, 2, 16, 12, 2, 4, Sharing.ALL, true, List.of(Specs.mlm(), Specs.sop())));
    assertEquals("albert.", shared.checkpointPrefix());
    String layer = "encoder.albert_layer_groups.0.albert_layers.0.";
    assertEquals(
        List.of(
            "embeddings.word_embeddings.weight [100, 4] backbone",
            "embeddings.position_embeddings.weight [12, 4] backbone",
            "embeddings.token_type_embeddings.weight [2, 4] backbone",
            "embeddings.LayerNorm.weight [4] backbone",
            "embeddings.LayerNorm.bias [4] backbone",
            "encoder.embedding_hidden_mapping_in.weight [8, 4] backbone",
            "encoder.embedding_hidden_mapping_in.bias [8] backbone",
            layer + "attention.query.weight [8, 8] backbone",
            layer + "attention.query.bias [8] backbone",
            layer + "attention.key.weight [8, 8] backbone",
            layer + "attention.key.bias [8] backbone",
            layer + "attention.value.weight [8, 8] backbone",
            layer + "attention.value.bias [8] backbone",
            layer + "attention.dense.weight [8, 8] backbone",
            layer + "attention.dense.bias [8] backbone",
            layer + "attention.LayerNorm.weight [8] backbone",
            layer + "attention.LayerNorm.bias [8] backbone",
            layer + "ffn.weight [16, 8] backbone",
            layer + "ffn.bias [16] backbone",
            layer + "ffn_output.weight [8, 16] backbone",
            layer + "ffn_output.bias [8] backbone",
            layer + "full_layer_layer_norm.weight [8] backbone",
            layer + "full_layer_layer_norm.bias [8] backbone",
            "pooler.weight [8, 8] backbone",
            "pooler.bias [8] backbone",
            "predictions.bias [100] mlm_head",
            "predictions.dense.weight [4, 8] mlm_head",
            "predictions.dense.bias [4] mlm_head",
            "predictions.LayerNorm.weight [4] mlm_head",
            "predictions.LayerNorm.bias [4] mlm_head",
            "predictions.decoder.weight [100, 4] mlm_head = embeddings.word_embeddings.weight",
            "predictions.decoder.bias [100] mlm_head = predictions.bias",
            "sop_classifier.classifier.weight [2, 8] sop_head",
            "sop_classifier.classifier.bias [2] sop_head"),
        listing(shared));
    // HuggingFace's AlbertTransformer maps E to hidden even when they are equal.
    ModelPlan square = Planner.plan(Specs.encoder("A", CheckpointNames.ALBERT, 100, 8, 2, 2, 16, 12, 2, 8, Sharing.NONE, true, List.of(Specs.mlm())));
    assertTrue(names(square).contains("encoder.embedding_hidden_mapping_in.weight"));
    assertTrue(names(square).contains("encoder.albert_layer_groups.1.albert_layers.0.ffn.weight"));
    ModelPlan bert = Planner.plan(Specs.encoder("B", CheckpointNames.BERT, 100, 8, 2, 2, 16, 12, 2, 8, Sharing.NONE, true, List.of(Specs.mlm())));
    assertFalse(names(bert).contains("encoder.embedding_hidden_mapping_in.weight"));
  }

  @Test
  void partialSharingStoresTheSharedHalfOnce() {
    ModelPlan attention = Planner.plan(Specs.encoder("S", CheckpointNames.BERT, 100, 8, 3, 2, 16, 12, 2, 8, Sharing.ATTENTION, false, List.of(Specs.mlm())));
    List<String> names = names(attention);
    assertTrue(names.contains("encoder.layer.0.attention.self.query.weight"));
    assertFalse(names.contains("encoder.layer.1.attention.self.query.weight"));
    assertTrue(names.contains("encoder.layer.2.intermediate.dense.weight"));
    ModelPlan ffn = Planner.plan(Specs.encoder("S", CheckpointNames.BERT, 100, 8, 3, 2, 16, 12, 2, 8, Sharing.FFN, false, List.of(Specs.mlm())));
    assertTrue(names(ffn).contains("encoder.layer.2.attention.self.query.weight"));
    assertFalse(names(ffn).contains("encoder.layer.1.intermediate.dense.weight"));
  }

  @Test
  void distilBertHasNoTokenTypesAndItsOwnProjectorBias() {
    ModelPlan plan = Planner.plan(Specs.encoder("D", CheckpointNames.DISTILBERT, 100, 8, 1, 2, 16, 12, 0, 8, Sharing.NONE, false, List.of(Specs.mlm())));
    assertEquals("distilbert.", plan.checkpointPrefix());
    assertEquals(
        List.of(
            "embeddings.word_embeddings.weight [100, 8] backbone",
            "embeddings.position_embeddings.weight [12, 8] backbone",
            "embeddings.LayerNorm.weight [8] backbone",
            "embeddings.LayerNorm.bias [8] backbone",
            "transformer.layer.0.attention.q_lin.weight [8, 8] backbone",
            "transformer.layer.0.attention.q_lin.bias [8] backbone",
            "transformer.layer.0.attention.k_lin.weight [8, 8] backbone",
            "transformer.layer.0.attention.k_lin.bias [8] backbone",
            "transformer.layer.0.attention.v_lin.weight [8, 8] backbone",
            "transformer.layer.0.attention.v_lin.bias [8] backbone",
            "transformer.layer.0.attention.out_lin.weight [8, 8] backbone",
            "transformer.layer.0.attention.out_lin.bias [8] backbone",
            "transformer.layer.0.sa_layer_norm.weight [8] backbone",
            "transformer.layer.0.sa_layer_norm.bias [8] backbone",
            "transformer.layer.0.ffn.lin1.weight [16, 8] backbone",
            "transformer.layer.0.ffn.lin1.bias [16] backbone",
            "transformer.layer.0.ffn.lin2.weight [8, 16] backbone",
            "transformer.layer.0.ffn.lin2.bias [8] backbone",
            "transformer.layer.0.output_layer_norm.weight [8] backbone",
            "transformer.layer.0.output_layer_norm.bias [8] backbone",
            "vocab_transform.weight [8, 8] mlm_head",
            "vocab_transform.bias [8] mlm_head",
            "vocab_layer_norm.weight [8] mlm_head",
            "vocab_layer_norm.bias [8] mlm_head",
            "vocab_projector.weight [100, 8] mlm_head = embeddings.word_embeddings.weight",
            "vocab_projector.bias [100] mlm_head"),
        listing(plan));
  }

  @Test
  void gpt2StoresConv1dWeightsInputFirstAndTiesTheLmHead() {
    ModelPlan plan = Planner.plan(Specs.gpt("G", 100, 8, 1, 2, 12, true));
    assertEquals("transformer.", plan.checkpointPrefix());
    assertEquals(
        List.of(
            "wte.weight [100, 8] backbone",
            "wpe.weight [12, 8] backbone",
            "h.0.ln_1.weight [8] backbone",
            "h.0.ln_1.bias [8] backbone",
            "h.0.attn.c_attn.weight [8, 24] backbone",
            "h.0.attn.c_attn.bias [24] backbone",
            "h.0.attn.c_proj.weight [8, 8] backbone",
            "h.0.attn.c_proj.bias [8] backbone",
            "h.0.ln_2.weight [8] backbone",
            "h.0.ln_2.bias [8] backbone",
            "h.0.mlp.c_fc.weight [8, 32] backbone",
            "h.0.mlp.c_fc.bias [32] backbone",
            "h.0.mlp.c_proj.weight [32, 8] backbone",
            "h.0.mlp.c_proj.bias [8] backbone",
            "ln_f.weight [8] backbone",
            "ln_f.bias [8] backbone",
            "lm_head.weight [100, 8] lm_head = wte.weight"),
        listing(plan));
    assertEquals(0, plan.parameterCount("lm_head"));
    ModelPlan untied = Planner.plan(Specs.gpt("G", 100, 8, 1, 2, 12, false));
    assertEquals("lm_head.weight [100, 8] lm_head", listing(untied).get(listing(untied).size() - 1));
  }

  @Test
  void aTiedFactorizedDecoderMapsItsEmbeddingsToHiddenAndItsLastHiddenStateBack() {
    Architecture.Decoder decoder =
        new Architecture.Decoder(
            AT,
            Specs.embeddings(Specs.fixed(100), 4, Positions.LEARNED, 12, 0),
            Specs.stack(1, 8, 2, 16, Norm.Placement.PRE, Specs.causal(), Sharing.NONE),
            true);
    ModelPlan plan = Planner.plan(Specs.model("F", decoder, CheckpointNames.NLPM, List.of(Specs.clm()), List.of(), List.of()));
    List<String> listing = listing(plan);
    assertEquals(
        List.of(
            "wte.weight [100, 4] backbone",
            "wpe.weight [12, 4] backbone",
            "embedding_hidden_mapping_in.weight [8, 4] backbone",
            "embedding_hidden_mapping_in.bias [8] backbone"),
        listing.subList(0, 4));
    // after ln_f, as nn.Linear [out, in]: nlpm's own name, mirroring the mapping in
    assertEquals(
        List.of(
            "ln_f.weight [8] backbone",
            "ln_f.bias [8] backbone",
            "embedding_hidden_mapping_out.weight [4, 8] backbone",
            "embedding_hidden_mapping_out.bias [4] backbone",
            "lm_head.weight [100, 4] lm_head = wte.weight"),
        listing.subList(listing.size() - 5, listing.size()));
    Architecture.Decoder untied = new Architecture.Decoder(AT, decoder.embeddings(), decoder.stack(), false);
    List<String> names = names(Planner.plan(Specs.model("U", untied, CheckpointNames.NLPM, List.of(Specs.clm()), List.of(), List.of())));
    assertTrue(names.contains("embedding_hidden_mapping_in.weight"));
    assertFalse(names.contains("embedding_hidden_mapping_out.weight"));
  }

  @Test
  void transformerXlHasRelativePositionParametersPerLayerAndAPlainEmbedding() {
    Architecture.Decoder decoder =
        new Architecture.Decoder(
            AT,
            Specs.embeddings(Specs.fixed(100), 6, Positions.RELATIVE, 12, 0),
            Specs.stack(1, 8, 2, 16, Norm.Placement.POST, Specs.xl(4), Sharing.NONE),
            false);
    ModelPlan plan = Planner.plan(Specs.model("X", decoder, CheckpointNames.TRANSFO_XL, List.of(Specs.clm()), List.of(), List.of()));
    assertEquals("transformer.", plan.checkpointPrefix());
    assertEquals(
        List.of(
            "word_emb.emb_layers.0.weight [100, 6] backbone",
            "word_emb.emb_projs.0 [8, 6] backbone",
            "layers.0.dec_attn.qkv_net.weight [24, 8] backbone",
            "layers.0.dec_attn.r_w_bias [2, 4] backbone",
            "layers.0.dec_attn.r_r_bias [2, 4] backbone",
            "layers.0.dec_attn.r_net.weight [8, 8] backbone",
            "layers.0.dec_attn.o_net.weight [8, 8] backbone",
            "layers.0.dec_attn.layer_norm.weight [8] backbone",
            "layers.0.dec_attn.layer_norm.bias [8] backbone",
            "layers.0.pos_ff.CoreNet.0.weight [16, 8] backbone",
            "layers.0.pos_ff.CoreNet.0.bias [16] backbone",
            "layers.0.pos_ff.CoreNet.3.weight [8, 16] backbone",
            "layers.0.pos_ff.CoreNet.3.bias [8] backbone",
            "layers.0.pos_ff.layer_norm.weight [8] backbone",
            "layers.0.pos_ff.layer_norm.bias [8] backbone",
            "crit.out_layers.0.weight [100, 6] lm_head",
            "crit.out_layers.0.bias [100] lm_head",
            "crit.out_projs.0 [8, 6] lm_head"),
        listing(plan));
    assertEquals(4, plan.dimension("MEMORY").orElseThrow().value());
  }

  @Test
  void word2vecHasGensimsNamesOverARuntimeVocabulary() {
    ModelPlan negative = Planner.plan(Specs.word2vec("W", Specs.runtime(1000), 10, false));
    assertEquals(List.of("wv.vectors [vocab, 10] backbone", "syn1neg [vocab, 10] output_layer"), listing(negative));
    assertTrue(negative.runtimeVocabulary());
    assertEquals(1000, negative.dimension("VOCAB").orElseThrow().value());
    assertEquals(10_000, negative.parameterCount("output_layer"));
    ModelPlan hierarchical = Planner.plan(Specs.word2vec("W", Specs.fixed(50), 10, true));
    assertEquals(List.of("wv.vectors [50, 10] backbone", "syn1 [50, 10] output_layer"), listing(hierarchical));
    assertFalse(hierarchical.runtimeVocabulary());
  }

  @Test
  void lstmLanguageModelHasTorchLstmNamesWithFourGates() {
    ModelPlan plan = Planner.plan(Specs.lstm("L", Specs.fixed(50), 6, 8, 2, false));
    assertEquals(
        List.of(
            "embedding.weight [50, 6] backbone",
            "lstm.weight_ih_l0 [32, 6] backbone",
            "lstm.weight_hh_l0 [32, 8] backbone",
            "lstm.bias_ih_l0 [32] backbone",
            "lstm.bias_hh_l0 [32] backbone",
            "lstm.weight_ih_l1 [32, 8] backbone",
            "lstm.weight_hh_l1 [32, 8] backbone",
            "lstm.bias_ih_l1 [32] backbone",
            "lstm.bias_hh_l1 [32] backbone",
            "decoder.weight [50, 8] lm_head",
            "decoder.bias [50] lm_head"),
        listing(plan));
    ModelPlan tied = Planner.plan(Specs.lstm("L", Specs.fixed(50), 8, 8, 1, true));
    assertTrue(listing(tied).contains("decoder.weight [50, 8] lm_head = embedding.weight"));
  }

  @Test
  void bidirectionalGruEncoderHasReverseWeightsWithThreeGates() {
    ModelPlan plan =
        Planner.plan(Specs.rnnSeq2Seq("R", Specs.fixed(50), Specs.fixed(40), 6, 8, 1, RnnCell.GRU, true, RnnAttention.Score.ADDITIVE));
    List<String> listing = listing(plan);
    assertTrue(listing.contains("encoder.rnn.weight_ih_l0 [24, 6] backbone"), listing::toString);
    assertTrue(listing.contains("encoder.rnn.weight_hh_l0_reverse [24, 8] backbone"), listing::toString);
    assertTrue(listing.contains("decoder.rnn.weight_ih_l0 [24, 22] backbone"), listing::toString);
    assertTrue(listing.contains("decoder.output.weight [40, 8] lm_head"), listing::toString);
    ModelPlan joint = Planner.plan(Specs.rnnSeq2Seq("R", Specs.fixed(50), Specs.fixed(50), 6, 8, 1, RnnCell.LSTM, false, RnnAttention.Score.DOT));
    // Two vocabularies of one size are still two tables: only the same vocabulary is shared.
    assertFalse(listing(joint).stream().anyMatch(l -> l.contains(" = ")));
    dev.nlpm.compiler.ir.Vocabulary one = Specs.fixed(50);
    ModelPlan shared = Planner.plan(Specs.rnnSeq2Seq("R", one, one, 6, 8, 1, RnnCell.LSTM, false, RnnAttention.Score.DOT));
    assertTrue(listing(shared).contains("decoder.embedding.weight [50, 6] backbone = encoder.embedding.weight"));
  }

  @Test
  void seq2seqHasFairseqNamesAndNatHasALengthHead() {
    ModelPlan transformer = Planner.plan(Specs.seq2seq("T", 50, 50, 8, 2, 16, 1, 1, Positions.SINUSOIDAL, 20, true, 0));
    List<String> t = listing(transformer);
    assertTrue(t.contains("encoder.layers.0.self_attn.q_proj.weight [8, 8] backbone"), t::toString);
    assertTrue(t.contains("decoder.layers.0.encoder_attn.out_proj.bias [8] backbone"), t::toString);
    assertTrue(t.contains("decoder.layers.0.final_layer_norm.weight [8] backbone"), t::toString);
    assertTrue(t.contains("decoder.embed_tokens.weight [50, 8] backbone = encoder.embed_tokens.weight"), t::toString);
    assertTrue(t.contains("decoder.output_projection.weight [50, 8] lm_head = encoder.embed_tokens.weight"), t::toString);
    assertFalse(t.stream().anyMatch(l -> l.contains("embed_positions")), "sinusoidal positions have no parameters");
    ModelPlan nat = Planner.plan(Specs.seq2seq("N", 50, 40, 8, 2, 16, 1, 1, Positions.LEARNED, 20, false, 30));
    List<String> n = listing(nat);
    assertTrue(n.contains("decoder.embed_length.weight [31, 8] length_head"), n::toString);
    assertTrue(n.contains("encoder.embed_positions.weight [20, 8] backbone"), n::toString);
    assertTrue(n.contains("decoder.output_projection.weight [40, 8] lm_head"), n::toString);
    assertEquals(List.of("backbone", "lm_head", "length_head"), nat.groups());
  }

  @Test
  void linformerProjectionsFollowTheirSharing() {
    List<List<String>> projections = new ArrayList<>();
    for (Attention.ProjectionSharing sharing : Attention.ProjectionSharing.values()) {
      Architecture.Encoder encoder =
          new Architecture.Encoder(
              AT,
              Specs.embeddings(Specs.fixed(100), 8, Positions.LEARNED, 12, 2),
              Specs.stack(2, 8, 2, 16, Norm.Placement.POST, Specs.linformer(3, sharing), Sharing.NONE),
              false);
      ModelPlan plan = Planner.plan(Specs.model("L", encoder, CheckpointNames.NLPM, List.of(Specs.mlm()), List.of(), List.of()));
      projections.add(listing(plan).stream().filter(l -> l.contains("compress")).toList());
      assertEquals(3, plan.dimension("LINFORMER_K").orElseThrow().value());
    }
    assertEquals(
        List.of(
            List.of(
                "encoder.layer.0.attention.self.compress_k.weight [3, 12] backbone",
                "encoder.layer.0.attention.self.compress_v.weight [3, 12] backbone",
                "encoder.layer.1.attention.self.compress_k.weight [3, 12] backbone",
                "encoder.layer.1.attention.self.compress_v.weight [3, 12] backbone"),
            List.of(
                "encoder.layer.0.attention.self.compress_k.weight [3, 12] backbone",
                "encoder.layer.1.attention.self.compress_k.weight [3, 12] backbone"),
            List.of("encoder.compress_layer.weight [3, 12] backbone")),
        projections);
  }

  @Test
  void spanBoundaryHeadHasSpanBertsNames() {
    ModelPlan plan =
        Planner.plan(Specs.encoder("S", CheckpointNames.BERT, 100, 8, 1, 2, 16, 12, 2, 8, Sharing.NONE, true, List.of(Specs.span(), Specs.sbo(5, 4))));
    String head = "cls.pair_target_predictions.";
    assertEquals(
        List.of(
            head + "bias [100] sbo_head",
            head + "position_embeddings.weight [5, 4] sbo_head",
            head + "mlp_layer_norm.linear1.weight [8, 20] sbo_head",
            head + "mlp_layer_norm.linear1.bias [8] sbo_head",
            head + "mlp_layer_norm.layer_norm1.weight [8] sbo_head",
            head + "mlp_layer_norm.layer_norm1.bias [8] sbo_head",
            head + "mlp_layer_norm.linear2.weight [8, 8] sbo_head",
            head + "mlp_layer_norm.linear2.bias [8] sbo_head",
            head + "mlp_layer_norm.layer_norm2.weight [8] sbo_head",
            head + "mlp_layer_norm.layer_norm2.bias [8] sbo_head",
            head + "decoder.weight [100, 8] sbo_head = embeddings.word_embeddings.weight"),
        listing(plan).stream().filter(l -> l.startsWith(head)).toList());
    // Span masking trains the MLM head too.
    assertTrue(plan.groups().contains("mlm_head"));
  }

  @Test
  void blockwiseAndFineTuningHeadsAreGroupsOfTheirOwn() {
    Architecture.Decoder decoder =
        new Architecture.Decoder(
            AT,
            Specs.embeddings(Specs.fixed(100), 8, Positions.LEARNED, 12, 0),
            Specs.stack(1, 8, 2, 16, Norm.Placement.PRE, Specs.causal(), Sharing.NONE),
            true);
    ModelPlan blockwise = Planner.plan(Specs.model("G", decoder, CheckpointNames.GPT2, List.of(Specs.clm()), List.of(Specs.blockwise(3)), List.of()));
    assertEquals(
        List.of("blockwise_heads.0.dense.weight [8, 8] blockwise_heads", "blockwise_heads.0.dense.bias [8] blockwise_heads"),
        listing(blockwise).stream().filter(l -> l.startsWith("blockwise_heads.0.")).toList());
    assertEquals(3 * (8 * 8 + 8), blockwise.parameterCount("blockwise_heads"));

    ModelSpec bert = Specs.encoder("B", CheckpointNames.BERT, 100, 8, 1, 2, 16, 12, 2, 8, Sharing.NONE, true, List.of(Specs.mlm()));
    ModelPlan one = Planner.plan(withHeads(bert, List.of(Specs.sequenceClassification(3))));
    assertEquals(
        List.of("classifier.weight [3, 8] sequence_classification_head", "classifier.bias [3] sequence_classification_head"),
        listing(one).stream().filter(l -> l.contains("classifier")).toList());
    ModelPlan two = Planner.plan(withHeads(bert, List.of(Specs.sequenceClassification(3), Specs.tokenClassification(5))));
    assertEquals(
        List.of("sequence_classifier.weight", "sequence_classifier.bias", "token_classifier.weight", "token_classifier.bias"),
        names(two).stream().filter(n -> n.contains("classifier")).toList());
    ModelSpec roberta = Specs.encoder("R", CheckpointNames.ROBERTA, 100, 8, 1, 2, 16, 12, 1, 8, Sharing.NONE, true, List.of(Specs.mlm()));
    assertEquals(
        List.of("classifier.dense.weight", "classifier.dense.bias", "classifier.out_proj.weight", "classifier.out_proj.bias"),
        names(Planner.plan(withHeads(roberta, List.of(Specs.sequenceClassification(3))))).stream().filter(n -> n.contains("classifier")).toList());
    ModelSpec distil = Specs.encoder("D", CheckpointNames.DISTILBERT, 100, 8, 1, 2, 16, 12, 0, 8, Sharing.NONE, false, List.of(Specs.mlm()));
    assertEquals(
        List.of("pre_classifier.weight", "pre_classifier.bias", "classifier.weight", "classifier.bias"),
        names(Planner.plan(withHeads(distil, List.of(Specs.sequenceClassification(3))))).stream().filter(n -> n.contains("classifier")).toList());
  }

  @Test
  void offsetsPutTheBackboneFirstAndTiedTensorsOnTheirTarget() {
    ModelPlan plan = Planner.plan(Specs.bertBase());
    long next = 0;
    boolean headSeen = false;
    java.util.Map<String, Long> offsets = new java.util.HashMap<>();
    for (PlacedTensor placed : plan.placements()) {
      TensorPlan tensor = placed.tensor();
      offsets.put(tensor.name(), placed.offset());
      if (tensor.tiedTo().isPresent()) {
        assertEquals(offsets.get(tensor.tiedTo().get()), placed.offset(), tensor.name());
        continue;
      }
      assertEquals(next, placed.offset(), tensor.name());
      next += tensor.size();
      headSeen |= !tensor.group().equals("backbone");
      assertFalse(headSeen && tensor.group().equals("backbone"), "backbone tensor " + tensor.name() + " after a head");
    }
    assertEquals(plan.maxParameterCount(), next);
  }

  @Test
  void tiedBiasSitsOnItsTarget() {
    ModelPlan plan = Planner.plan(Specs.bertBase());
    long bias = plan.placements().stream().filter(p -> p.tensor().name().equals("cls.predictions.bias")).findFirst().orElseThrow().offset();
    long tied = plan.placements().stream().filter(p -> p.tensor().name().equals("cls.predictions.decoder.bias")).findFirst().orElseThrow().offset();
    assertEquals(bias, tied);
    assertEquals(109_482_240L, bias, "the MLM head starts right after the backbone");
  }

  @Test
  void describeListsEveryTensorWithItsRoleAndTheGroupTotals() {
    ModelPlan plan = Planner.plan(Specs.bertBase());
    String table = plan.describe();
    List<String> lines = table.lines().collect(Collectors.toList());
    assertTrue(lines.get(0).startsWith("name"), table);
    assertEquals(1 + plan.tensors().size() + 1 + plan.groups().size() + 1, lines.size(), table);
    assertTrue(lines.stream().anyMatch(l -> l.matches("encoder\\.layer\\.11\\.output\\.LayerNorm\\.bias\\s+\\[768]\\s+768\\s+norm bias\\s+backbone")), table);
    assertTrue(lines.stream().anyMatch(l -> l.matches("backbone\\s+109,482,240")), table);
    assertTrue(lines.stream().anyMatch(l -> l.matches("cls\\.predictions\\.decoder\\.weight\\s+\\[30522, 768]\\s+tied\\s+embedding\\s+mlm_head \\(= embeddings\\.word_embeddings\\.weight\\)")), table);
    assertTrue(lines.get(lines.size() - 1).matches("total\\s+" + String.format(java.util.Locale.ROOT, "%,d", plan.maxParameterCount())), table);
  }

  static ModelSpec withHeads(ModelSpec m, List<dev.nlpm.compiler.ir.FineTuningHead> heads) {
    return new ModelSpec(
        m.origin(), m.name(), m.javaPackage(), m.sourceName(), m.architecture(), m.names(), m.tokenizer(), m.objectives(), m.decodings(), heads, m.training(), m.optionOrigins());
  }
}
