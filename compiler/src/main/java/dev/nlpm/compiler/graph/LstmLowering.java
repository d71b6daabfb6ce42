package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.plan.Extent;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.List;
import java.util.Optional;

/**
 * The LSTM language model in torch's names: the embedding, torch.nn.LSTM's layers (the first,
 * whose input is the embedding, then the rest, stored as a repeated block), dropout between
 * them, and the output layer, its weight tied to the embedding when declared so.
 */
final class LstmLowering {

  private LstmLowering() {}

  static void lower(Architecture.LstmLm l, GraphBuilder graph) {
    int e = l.embedding();
    int h = l.hidden();
    graph.dimension("VOCAB", l.vocab().size(), l.vocab().runtime() ? "the largest vocabulary (the actual one is built at run time)" : "tokens in the vocabulary");
    graph.dimension("EMBEDDING", e, "embedding width");
    graph.dimension("HIDDEN", h, "LSTM state width");
    graph.dimension("LAYERS", l.layers(), "stacked LSTM layers");
    Extent v = new Extent(l.vocab().size(), l.vocab().runtime());
    Slots backbone = new Slots(ModelPlan.BACKBONE);
    Op.Embedding embedding = backbone.embedding("tokens", "embedding.weight", v, e);
    graph.op(embedding);
    graph.op(new Op.Dropout("embeddings", l.dropout()));
    graph.op(Recurrent.layer(backbone, "lstm", RnnCell.LSTM, "0", false, e, h));
    graph.store(backbone);
    if (l.layers() > 1) {
      Slots template = new Slots(ModelPlan.BACKBONE);
      Op.Recurrent layer = Recurrent.layer(template, "lstm", RnnCell.LSTM, "{}", false, h, h);
      graph.storeRepeated("LSTM_LAYER", 1, l.layers() - 1, template.list());
      graph.op(new Op.Repeat("lstm layer", 1, l.layers() - 1, Sharing.NONE, List.of(new Op.Dropout("between layers", l.dropout()), layer)));
    }
    graph.op(new Op.Dropout("last layer", l.dropout()));
    Slots head = new Slots("lm_head");
    Parameter weight = l.tieEmbeddings()
        ? head.tied("decoder.weight", embedding.table().name(), ParameterRole.EMBEDDING_TABLE, v, Extent.of(h))
        : head.slot("decoder.weight", ParameterRole.WEIGHT, v, Extent.of(h));
    Parameter bias = head.slot("decoder.bias", ParameterRole.BIAS, v);
    graph.store(head);
    Op.Linear output = new Op.Linear(l.tieEmbeddings() ? "output (tied to the embedding)" : "output", weight, Optional.of(bias), h, v.size());
    graph.ops(ObjectiveHeads.lower(HeadContext.of(graph, h, 0).withLanguageModelOutput(List.of(output))));
  }
}
