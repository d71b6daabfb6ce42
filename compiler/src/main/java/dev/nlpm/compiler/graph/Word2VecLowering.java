package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.plan.Extent;
import dev.nlpm.compiler.plan.ModelPlan;

/** word2vec in gensim's names: the input vectors, and the output table its objectives score against. */
final class Word2VecLowering {

  private Word2VecLowering() {}

  static void lower(Architecture.Word2Vec w, GraphBuilder graph) {
    graph.dimension("VOCAB", w.vocab().size(), w.vocab().runtime() ? "the largest vocabulary (the actual one is built at run time)" : "words in the vocabulary");
    graph.dimension("DIM", w.dim(), "vector dimensions");
    Extent v = new Extent(w.vocab().size(), w.vocab().runtime());
    boolean hierarchical = graph.model().objectives().stream().anyMatch(Word2VecLowering::hierarchical);
    Slots slots = new Slots(ModelPlan.BACKBONE);
    Op.Embedding vectors = slots.embedding("words", "wv.vectors", v, w.dim());
    // gensim (like word2vec.c) allocates the output weights with one row per word in both cases.
    Parameter outputs = slots.group("output_layer").slot(hierarchical ? "syn1" : "syn1neg", ParameterRole.OUTPUT_TABLE, v, Extent.of(w.dim()));
    graph.store(slots);
    graph.op(vectors);
    graph.ops(ObjectiveHeads.lower(HeadContext.of(graph, w.dim(), 0).withWord2Vec(vectors.table(), outputs)));
  }

  private static boolean hierarchical(Objective objective) {
    Objective.Word2VecOutput output =
        objective instanceof Objective.SkipGram sg ? sg.output() : objective instanceof Objective.Cbow cb ? cb.output() : null;
    return output instanceof Objective.HierarchicalSoftmax;
  }
}
