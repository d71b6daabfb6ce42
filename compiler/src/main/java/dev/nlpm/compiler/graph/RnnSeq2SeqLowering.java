package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.plan.Extent;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * The RNN encoder-decoder with attention, in torch-style names of nlpm's own: the source
 * embedding and the (bidirectional) encoder layers, the target embedding (the source's with a
 * joint vocabulary), the bridge from the encoder's final states, the attention score's slots,
 * the decoder layers fed the previous context (input feeding), the combination of state and
 * context, and the output layer.
 */
final class RnnSeq2SeqLowering {

  private RnnSeq2SeqLowering() {}

  static void lower(Architecture.RnnSeq2Seq r, GraphBuilder graph) {
    int e = r.embedding();
    int h = r.hidden();
    int directions = r.bidirectional() ? 2 : 1;
    int gates = r.cell() == RnnCell.LSTM ? 4 : 3;
    int context = directions * h;
    graph.dimension("SOURCE_VOCAB", r.sourceVocab().size(), "source tokens");
    graph.dimension("TARGET_VOCAB", r.targetVocab().size(), "target tokens");
    graph.dimension("EMBEDDING", e, "embedding width");
    graph.dimension("HIDDEN", h, "recurrent state width");
    graph.dimension("LAYERS", r.layers(), "recurrent layers of the encoder and of the decoder");
    graph.dimension("DIRECTIONS", directions, "directions of the encoder");
    graph.dimension("GATES", gates, "gates of the " + r.cell().keyword() + " cell");
    boolean joint = r.sourceVocab() == r.targetVocab();
    Slots encoder = new Slots(ModelPlan.BACKBONE);
    Op.Embedding source = encoder.embedding("source tokens", "encoder.embedding.weight", vocab(r.sourceVocab()), e);
    graph.op(source);
    graph.op(new Op.Dropout("source embeddings", r.dropout()));
    for (int layer = 0; layer < r.layers(); layer++) {
      int in = layer == 0 ? e : context;
      graph.op(Recurrent.layer(encoder, "encoder.rnn", r.cell(), Integer.toString(layer), false, in, h));
      if (r.bidirectional()) {
        graph.op(Recurrent.layer(encoder, "encoder.rnn", r.cell(), Integer.toString(layer), true, in, h));
      }
    }
    graph.store(encoder);
    Slots decoder = new Slots(ModelPlan.BACKBONE);
    Extent tv = vocab(r.targetVocab());
    graph.op(joint
        ? new Op.Embedding("target tokens", decoder.tied("decoder.embedding.weight", source.table().name(), ParameterRole.EMBEDDING_TABLE, tv, Extent.of(e)))
        : decoder.embedding("target tokens", "decoder.embedding.weight", tv, e));
    graph.op(decoder.linear("bridge", "decoder.bridge", context, h));
    List<Parameter> scoring = new ArrayList<>();
    RnnAttention.Score score = r.attention().score();
    if (score == RnnAttention.Score.ADDITIVE) {
      scoring.addAll(decoder.linearWithoutBias("query", "decoder.attention.query", h, h).parameters());
      scoring.addAll(decoder.linearWithoutBias("key", "decoder.attention.key", context, h).parameters());
      scoring.add(decoder.slot("decoder.attention.v.weight", ParameterRole.WEIGHT, 1, h));
    } else if (score == RnnAttention.Score.GENERAL || context != h) {
      // Luong's dot score needs keys of the query's width: a bidirectional encoder's states are projected.
      scoring.addAll(decoder.linearWithoutBias("key", "decoder.attention.key", context, h).parameters());
    }
    for (int layer = 0; layer < r.layers(); layer++) {
      graph.op(Recurrent.layer(decoder, "decoder.rnn", r.cell(), Integer.toString(layer), false, layer == 0 ? e + context : h, h));
    }
    graph.op(new Op.RecurrentAttention(score, h, context, scoring));
    graph.op(decoder.linear("combine state and context", "decoder.combine", h + context, h));
    graph.store(decoder);
    Slots head = new Slots("lm_head");
    Op.Linear output = head.linear("output", "decoder.output", h, r.targetVocab().size());
    graph.store(head);
    graph.ops(ObjectiveHeads.lower(HeadContext.of(graph, h, 0).withLanguageModelOutput(List.of(output))));
  }

  private static Extent vocab(dev.nlpm.compiler.ir.Vocabulary vocabulary) {
    return new Extent(vocabulary.size(), vocabulary.runtime());
  }
}
