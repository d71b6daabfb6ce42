package dev.nlpm.compiler.plan;

import dev.nlpm.compiler.graph.LayerGraph;
import dev.nlpm.compiler.ir.ModelSpec;

/**
 * Plans a validated model: lowers it into its {@link LayerGraph}, whose parameter slots are named
 * as the reference implementation names them in checkpoints (HuggingFace for the BERT family,
 * GPT-2 and Transformer-XL; gensim for word2vec; PyTorch- and fairseq-style names of nlpm's own
 * for the families without a reference checkpoint), shaped as the reference stores it, and lays
 * them out in one flat buffer: the backbone, then each head.
 */
public final class Planner {

  private Planner() {}

  public static ModelPlan plan(ModelSpec model) {
    return ModelPlan.of(LayerGraph.of(model));
  }
}
