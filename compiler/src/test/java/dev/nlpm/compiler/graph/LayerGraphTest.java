package dev.nlpm.compiler.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.plan.Specs;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The lowering of each family into its layer graph, on small specs. */
class LayerGraphTest {

  private static ModelSpec tinyBert(CheckpointNames names, int embedding, Sharing sharing) {
    return Specs.encoder("Tiny", names, 30, 8, 3, 2, 16, 12, 2, embedding, sharing, true, List.of(Specs.mlm(), Specs.nsp()));
  }

  private static List<Class<?>> kinds(List<Op> ops) {
    return ops.stream().<Class<?>>map(Object::getClass).toList();
  }

  private static Op.Repeat onlyStack(LayerGraph graph) {
    List<Op.Repeat> stacks = graph.ops(Op.Repeat.class);
    assertEquals(1, stacks.size(), graph::toString);
    return stacks.get(0);
  }

  @Test
  void bertIsEmbeddingsThenPostNormLayersThenPoolerThenItsObjectiveHeads() {
    LayerGraph graph = LayerGraph.of(tinyBert(CheckpointNames.BERT, 8, Sharing.NONE));
    assertEquals(
        List.of(Op.Embedding.class, Op.PositionEncoding.class, Op.Embedding.class, Op.LayerNorm.class, Op.Dropout.class,
            Op.Repeat.class, Op.Pooler.class, Op.ObjectiveHead.class, Op.ObjectiveHead.class),
        kinds(graph.ops()));
    Op.Repeat layers = onlyStack(graph);
    assertEquals(3, layers.count());
    assertEquals(
        List.of(Op.MultiHeadAttention.class, Op.Dropout.class, Op.Residual.class, Op.LayerNorm.class,
            Op.FeedForward.class, Op.Dropout.class, Op.Residual.class, Op.LayerNorm.class),
        kinds(layers.body()));
    Op.MultiHeadAttention attention = (Op.MultiHeadAttention) layers.body().get(0);
    assertEquals(Mask.PADDING, attention.mask());
    assertEquals(
        List.of("encoder.layer.{}.attention.self.query.weight", "encoder.layer.{}.attention.self.query.bias"),
        attention.inputs().get(0).parameters().stream().map(Parameter::name).toList());
    Op.ObjectiveHead mlm = (Op.ObjectiveHead) graph.ops().get(7);
    assertEquals(Loss.Kind.MASKED_TOKENS, mlm.loss().kind());
    Op.Linear decoder = (Op.Linear) mlm.body().get(3);
    assertEquals(Optional.of("embeddings.word_embeddings.weight"), decoder.weight().tiedTo());
    assertEquals(Optional.of("cls.predictions.bias"), decoder.bias().orElseThrow().tiedTo());
    assertEquals(ParameterRole.NORM_GAIN, ((Op.LayerNorm) graph.ops().get(3)).gain().role());
    assertEquals(ParameterRole.EMBEDDING_TABLE, ((Op.Embedding) graph.ops().get(0)).table().role());
  }

  @Test
  void preNormPutsEachNormBeforeItsSublayer() {
    LayerGraph graph = LayerGraph.of(Specs.gpt("G", 20, 8, 2, 2, 16, true));
    Op.Repeat layers = onlyStack(graph);
    assertEquals(
        List.of(Op.LayerNorm.class, Op.MultiHeadAttention.class, Op.Dropout.class, Op.Residual.class,
            Op.LayerNorm.class, Op.FeedForward.class, Op.Dropout.class, Op.Residual.class),
        kinds(layers.body()));
    Op.MultiHeadAttention attention = (Op.MultiHeadAttention) layers.body().get(1);
    assertEquals(Mask.CAUSAL, attention.mask());
    // GPT-2's fused Conv1D: [in, out].
    assertEquals("[8, 24]", attention.inputs().get(0).weight().shape().toString());
    Op.LayerNorm last = graph.ops(Op.LayerNorm.class).get(graph.ops(Op.LayerNorm.class).size() - 1);
    assertEquals(NormPosition.FINAL, last.position());
    Op.ObjectiveHead clm = graph.ops(Op.ObjectiveHead.class).get(0);
    assertEquals(Optional.of("wte.weight"), ((Op.Linear) clm.body().get(0)).weight().tiedTo());
  }

  @Test
  void albertSharesOneStoredLayerAcrossEveryLayerAndProjectsTheFactorizedEmbedding() {
    LayerGraph graph = LayerGraph.of(tinyBert(CheckpointNames.ALBERT, 4, Sharing.ALL));
    Op.Repeat layers = onlyStack(graph);
    assertEquals(3, layers.count());
    assertEquals(Sharing.ALL, layers.sharing());
    Storage.Repeated stored = graph.storage().stream()
        .filter(Storage.Repeated.class::isInstance).map(Storage.Repeated.class::cast).findFirst().orElseThrow();
    assertEquals(1, stored.count());
    assertEquals(new HashSet<>(stored.template()), new HashSet<>(layers.parameters()));
    Op.Linear projection = graph.ops(Op.Linear.class).stream().filter(l -> l.label().equals("embedding projection")).findFirst().orElseThrow();
    assertEquals(4, projection.in());
    assertEquals(8, projection.out());
    assertTrue(graph.toString().contains("repeat layer × 3 (layers 0..2, all shared across layers)"), graph::toString);
  }

  @Test
  void transformerXlAttentionCarriesItsPositionBiasesAndRelativeProjection() {
    ModelSpec xl = Specs.model(
        "Xl",
        new Architecture.Decoder(
            Specs.AT, Specs.embeddings(Specs.fixed(20), 8, Positions.RELATIVE, 16, 0),
            Specs.stack(2, 8, 2, 16, Norm.Placement.POST, Specs.xl(4), Sharing.NONE), true),
        CheckpointNames.TRANSFO_XL, List.of(Specs.clm()), List.of(), List.of());
    LayerGraph graph = LayerGraph.of(xl);
    Op.MultiHeadAttention attention = graph.ops(Op.MultiHeadAttention.class).get(0);
    assertEquals(
        List.of("layers.{}.dec_attn.r_w_bias", "layers.{}.dec_attn.r_r_bias", "layers.{}.dec_attn.r_net.weight"),
        attention.variantParameters().stream().map(Parameter::name).toList());
    assertEquals(ParameterRole.POSITION_BIAS, attention.variantParameters().get(0).role());
    assertEquals(Positions.RELATIVE, graph.ops(Op.PositionEncoding.class).get(0).kind());
    assertTrue(graph.ops(Op.PositionEncoding.class).get(0).table().isEmpty());
  }

  @Test
  void linformerAddsItsSequenceProjectionsToTheAttention() {
    ModelSpec model = Specs.model(
        "Lin",
        new Architecture.Encoder(
            Specs.AT, Specs.embeddings(Specs.fixed(20), 8, Positions.LEARNED, 16, 0),
            Specs.stack(2, 8, 2, 16, Norm.Placement.POST, Specs.linformer(4, dev.nlpm.compiler.ir.Attention.ProjectionSharing.LAYERWISE), Sharing.NONE),
            false),
        CheckpointNames.BERT, List.of(Specs.mlm()), List.of(), List.of());
    Op.MultiHeadAttention attention = LayerGraph.of(model).ops(Op.MultiHeadAttention.class).get(0);
    assertEquals(List.of("encoder.compress_layer.weight"), attention.variantParameters().stream().map(Parameter::name).toList());
  }

  @Test
  void word2vecPredictsAgainstItsOutputTable() {
    LayerGraph graph = LayerGraph.of(Specs.word2vec("W", Specs.runtime(100), 10, true));
    Op.Word2VecPrediction prediction = graph.ops(Op.Word2VecPrediction.class).get(0);
    assertTrue(prediction.hierarchical());
    assertEquals("syn1", prediction.outputs().name());
    assertEquals(ParameterRole.OUTPUT_TABLE, prediction.outputs().role());
    assertEquals(Loss.Kind.HIERARCHICAL_SOFTMAX, graph.ops(Op.ObjectiveHead.class).get(0).loss().kind());
  }

  @Test
  void lstmRepeatsTheLayersAfterTheFirst() {
    LayerGraph graph = LayerGraph.of(Specs.lstm("L", Specs.fixed(50), 6, 8, 3, false));
    Op.Repeat rest = onlyRepeat(graph);
    assertEquals(1, rest.first());
    assertEquals(2, rest.count());
    Op.Recurrent first = graph.ops(Op.Recurrent.class).get(0);
    assertEquals("lstm.weight_ih_l0", first.inputWeights().name());
    assertEquals("[32, 6]", first.inputWeights().shape().toString());
    assertEquals(ParameterRole.BIAS, first.stateBias().role());
  }

  private static Op.Repeat onlyRepeat(LayerGraph graph) {
    List<Op.Repeat> repeats = graph.ops(Op.Repeat.class);
    assertEquals(1, repeats.size(), graph::toString);
    return repeats.get(0);
  }

  @Test
  void bidirectionalGruHasReverseLayersAndItsScoresSlots() {
    LayerGraph graph = LayerGraph.of(
        Specs.rnnSeq2Seq("R", Specs.fixed(40), Specs.fixed(50), 6, 8, 2, RnnCell.GRU, true, RnnAttention.Score.ADDITIVE));
    assertEquals(2, graph.ops(Op.Recurrent.class).stream().filter(Op.Recurrent::reverse).count());
    Op.RecurrentAttention attention = graph.ops(Op.RecurrentAttention.class).get(0);
    assertEquals(16, attention.context());
    assertEquals(
        List.of("decoder.attention.query.weight", "decoder.attention.key.weight", "decoder.attention.v.weight"),
        attention.parameters().stream().map(Parameter::name).toList());
  }

  @Test
  void encoderDecoderCrossAttendsAndNatAttendsBothWaysWithALengthHead() {
    LayerGraph translator = LayerGraph.of(Specs.seq2seq("T", 30, 30, 8, 2, 16, 2, 2, Positions.SINUSOIDAL, 16, true, 0));
    List<Op.MultiHeadAttention> attentions = translator.ops(Op.MultiHeadAttention.class);
    assertEquals(List.of(Mask.PADDING, Mask.CAUSAL, Mask.SOURCE_PADDING), attentions.stream().map(Op.MultiHeadAttention::mask).toList());
    Op.ObjectiveHead translation = translator.ops(Op.ObjectiveHead.class).get(0);
    assertEquals(Optional.of("encoder.embed_tokens.weight"), ((Op.Linear) translation.body().get(0)).weight().tiedTo());
    LayerGraph nat = LayerGraph.of(Specs.seq2seq("N", 30, 40, 8, 2, 16, 2, 2, Positions.LEARNED, 16, false, 10));
    assertEquals(Mask.PADDING, nat.ops(Op.MultiHeadAttention.class).get(1).mask());
    Op.ObjectiveHead length = nat.ops(Op.ObjectiveHead.class).get(1);
    assertEquals(Loss.Kind.TARGET_LENGTH, length.loss().kind());
    assertEquals(11, ((Op.Linear) length.body().get(0)).out());
  }

  /** Every stored slot is read by some op (or through a slot tied to it), and every slot read is stored. */
  @Test
  void everySlotIsStoredAndRead() {
    List<ModelSpec> models = List.of(
        Specs.bertBase(), Specs.robertaBase(), Specs.albertBase(), Specs.distilBertBase(), Specs.gpt2Small(),
        Specs.word2vec("W", Specs.runtime(100), 10, false), Specs.lstm("L", Specs.fixed(50), 6, 8, 3, true),
        Specs.rnnSeq2Seq("R", Specs.fixed(40), Specs.fixed(40), 6, 8, 2, RnnCell.LSTM, false, RnnAttention.Score.GENERAL),
        Specs.seq2seq("T", 30, 30, 8, 2, 16, 2, 2, Positions.LEARNED, 16, true, 0),
        Specs.seq2seq("N", 30, 40, 8, 2, 16, 2, 2, Positions.LEARNED, 16, false, 10));
    for (ModelSpec model : models) {
      LayerGraph graph = LayerGraph.of(model);
      Set<String> stored = graph.storage().stream().flatMap(s -> s.parameters().stream()).map(Parameter::name).collect(Collectors.toSet());
      Set<String> read = new HashSet<>();
      graph.allOps().stream().flatMap(op -> op.parameters().stream()).forEach(p -> {
        read.add(p.name());
        p.tiedTo().ifPresent(read::add);
      });
      assertEquals(stored, read, model.name() + "\n" + graph);
    }
  }

  @Test
  void theDumpIsOneLinePerOpWithItsSlotsUnderIt() {
    String dump = LayerGraph.of(tinyBert(CheckpointNames.BERT, 8, Sharing.NONE)).toString();
    assertTrue(dump.startsWith("Tiny (encoder, bert names, prefix bert.)\n  embedding tokens 30 × 8\n"
        + "      embeddings.word_embeddings.weight [30, 8] embedding\n"), dump);
    assertTrue(dump.contains("    attention self full, padding mask, 2 heads × 4, probabilities dropout 0.1\n"
        + "      linear query 8 → 8\n"
        + "          encoder.layer.{}.attention.self.query.weight [8, 8] weight\n"), dump);
    assertTrue(dump.contains("cls.predictions.decoder.weight [30, 8] embedding = embeddings.word_embeddings.weight"), dump);
  }
}
