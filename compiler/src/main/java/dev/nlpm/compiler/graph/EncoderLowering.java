package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.plan.Extent;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.Optional;

/**
 * Encoders in BERT's, RoBERTa's, ALBERT's and DistilBERT's names (nlpm's are BERT's): summed
 * embeddings, their LayerNorm and dropout, ALBERT's E → hidden mapping, the layers, the pooler,
 * then each objective's head and the fine-tuning heads.
 */
final class EncoderLowering {

  private EncoderLowering() {}

  static void lower(Architecture.Encoder encoder, GraphBuilder graph) {
    Embeddings emb = encoder.embeddings();
    TransformerStack stack = encoder.stack();
    TransformerStacks.dimensions(graph, emb, stack);
    CheckpointNames names = graph.model().names();
    graph.prefix(
        switch (names) {
          case ROBERTA -> "roberta.";
          case ALBERT -> "albert.";
          case DISTILBERT -> "distilbert.";
          default -> "bert.";
        });
    int h = stack.hidden();
    int e = emb.size();
    Slots slots = new Slots(ModelPlan.BACKBONE);
    Op.Embedding word = slots.embedding("tokens", "embeddings.word_embeddings.weight", ObjectiveHeads.vocab(emb), e);
    Optional<Parameter> positionTable =
        emb.positions() == Positions.LEARNED
            ? Optional.of(slots.slot("embeddings.position_embeddings.weight", ParameterRole.EMBEDDING_TABLE, emb.maxLength(), e))
            : Optional.empty();
    graph.op(word);
    // RoBERTa's learned rows start past its padding row (padding_idx 1), as create_position_ids_from_input_ids counts them
    int offset = names == CheckpointNames.ROBERTA && positionTable.isPresent() ? 2 : 0;
    graph.op(new Op.PositionEncoding(emb.positions(), emb.maxLength(), e, positionTable, offset));
    if (emb.segments() > 0) {
      graph.op(slots.embedding("token types", "embeddings.token_type_embeddings.weight", Extent.of(emb.segments()), e));
    }
    graph.op(slots.norm("embeddings", "embeddings.LayerNorm", e, NormPosition.EMBEDDINGS, stack.norm().eps()));
    graph.op(new Op.Dropout("embeddings", stack.dropout().hidden()));
    // HuggingFace's AlbertTransformer always has the E -> hidden mapping, even when E = hidden.
    if (e != h || names == CheckpointNames.ALBERT) {
      graph.op(slots.linear("embedding projection", "encoder.embedding_hidden_mapping_in", e, h));
    }
    graph.store(slots);
    String layer =
        switch (names) {
          // One layer group per stored layer: with sharing = all, a single group 0.
          case ALBERT -> "encoder.albert_layer_groups.{}.albert_layers.0.";
          case DISTILBERT -> "transformer.layer.{}.";
          default -> "encoder.layer.{}.";
        };
    graph.op(TransformerStacks.layers(graph, stack, emb, layer, "encoder.", names, false));
    if (encoder.pooler()) {
      Slots pooler = new Slots(ModelPlan.BACKBONE);
      graph.op(new Op.Pooler(pooler.linear("dense", names == CheckpointNames.ALBERT ? "pooler" : "pooler.dense", h, h)));
      graph.store(pooler);
    }
    HeadContext heads = HeadContext.of(graph, h, stack.norm().eps(), stack.activation()).withEmbeddings(emb, word.table());
    graph.ops(ObjectiveHeads.lower(heads));
    graph.ops(TaskHeads.fineTuning(graph, h, stack.dropout().hidden()));
  }
}
