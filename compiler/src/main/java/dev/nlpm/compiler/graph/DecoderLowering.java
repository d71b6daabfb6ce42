package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.plan.Extent;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decoders in GPT-2's names ({@code GPT2LMHeadModel}: Conv1D weights stored [in, out], the
 * backbone under {@code transformer.}; nlpm's names are these), or in HuggingFace's
 * Transformer-XL names ({@code TransfoXLLMHeadModel}). nlpm's Transformer-XL has a plain,
 * non-adaptive embedding: the names are those of HuggingFace's {@code AdaptiveEmbedding} and
 * {@code ProjectedAdaptiveLogSoftmax} with no cutoffs ({@code div_val = 1}), so a single cluster
 * {@code 0} holds the whole vocabulary; the published WikiText-103 checkpoint, which has four
 * clusters, does not map.
 *
 * <p>Factorized embeddings (width E below the hidden width H) are mapped to H before the layers by
 * {@code embedding_hidden_mapping_in} (ALBERT's name). A tied output multiplies by the E-wide token
 * table, so the final hidden state (after {@code ln_f}, or the last block's output after
 * post-LayerNorm blocks) is first mapped back to E by a plain linear layer, {@code
 * embedding_hidden_mapping_out} (weight [E, H] and bias [E], as {@code nn.Linear}, in the
 * backbone beside its twin; no LayerNorm, unlike ALBERT's MLM head {@code predictions.dense}). No
 * reference checkpoint has this shape: the name is nlpm's own. An untied output ({@code
 * lm_head.weight} [vocab, H]) needs no such map.
 */
final class DecoderLowering {

  private DecoderLowering() {}

  static void lower(Architecture.Decoder decoder, GraphBuilder graph) {
    Embeddings emb = decoder.embeddings();
    TransformerStack stack = decoder.stack();
    TransformerStacks.dimensions(graph, emb, stack);
    int h = stack.hidden();
    int e = emb.size();
    Extent v = ObjectiveHeads.vocab(emb);
    boolean xl = graph.model().names() == CheckpointNames.TRANSFO_XL;
    Slots slots = new Slots(ModelPlan.BACKBONE);
    Op.Embedding word = slots.embedding("tokens", xl ? "word_emb.emb_layers.0.weight" : "wte.weight", v, e);
    Optional<Parameter> positionTable =
        emb.positions() == Positions.LEARNED
            ? Optional.of(slots.slot(xl ? "pos_emb.weight" : "wpe.weight", ParameterRole.EMBEDDING_TABLE, emb.maxLength(), e))
            : Optional.empty();
    graph.op(word);
    graph.op(new Op.PositionEncoding(emb.positions(), emb.maxLength(), e, positionTable));
    if (emb.segments() > 0) {
      graph.op(slots.embedding("token types", xl ? "seg_emb.weight" : "wse.weight", Extent.of(emb.segments()), e));
    }
    graph.op(new Op.Dropout("embeddings", stack.dropout().hidden()));
    if (e != h) {
      // Transformer-XL's AdaptiveEmbedding projection is a bare parameter [d_proj, d_embed], no bias.
      graph.op(xl
          ? new Op.Linear("embedding projection", slots.slot("word_emb.emb_projs.0", ParameterRole.WEIGHT, h, e), Optional.empty(), e, h)
          : slots.linear("embedding projection", "embedding_hidden_mapping_in", e, h));
    }
    graph.store(slots);
    graph.prefix("transformer.");
    // A decoder is named GPT-2's way unless it is named Transformer-XL's (nlpm's names are GPT-2's).
    CheckpointNames names = xl ? CheckpointNames.TRANSFO_XL : CheckpointNames.GPT2;
    graph.op(TransformerStacks.layers(graph, stack, emb, xl ? "layers.{}." : "h.{}.", "", names, true));
    if (stack.norm().placement() == Norm.Placement.PRE && !xl) {
      Slots finalNorm = new Slots(ModelPlan.BACKBONE);
      graph.op(finalNorm.norm("final", "ln_f", h, NormPosition.FINAL, stack.norm().eps()));
      graph.store(finalNorm);
    }
    // nlpm's own name: no reference decoder ties factorized embeddings (see the class comment)
    Optional<Op.Linear> mappingOut = Optional.empty();
    if (e != h && !xl && decoder.tieEmbeddings()) {
      Slots back = new Slots(ModelPlan.BACKBONE);
      mappingOut = Optional.of(back.linear("output projection", "embedding_hidden_mapping_out", h, e));
      graph.store(back);
    }
    Slots head = new Slots("lm_head");
    List<Op> output = new ArrayList<>();
    if (xl) {
      // ProjectedAdaptiveLogSoftmax without cutoffs: out_layers.0 = Linear(E, vocab), and, when
      // E differs from hidden, its own projection out_projs.0 [hidden, E] (tie_projs[0] is false).
      Parameter weight = decoder.tieEmbeddings()
          ? head.tied("crit.out_layers.0.weight", word.table().name(), ParameterRole.EMBEDDING_TABLE, v, Extent.of(e))
          : head.slot("crit.out_layers.0.weight", ParameterRole.WEIGHT, v, Extent.of(e));
      Parameter bias = head.slot("crit.out_layers.0.bias", ParameterRole.BIAS, v);
      if (e != h) {
        output.add(new Op.Linear("output projection", head.slot("crit.out_projs.0", ParameterRole.WEIGHT, h, e), Optional.empty(), h, e));
      }
      output.add(new Op.Linear("output", weight, Optional.of(bias), e, v.size()));
    } else if (decoder.tieEmbeddings()) {
      mappingOut.ifPresent(output::add);
      output.add(new Op.Linear(
          "output (tied to the token embeddings)",
          head.tied("lm_head.weight", word.table().name(), ParameterRole.EMBEDDING_TABLE, v, Extent.of(e)), Optional.empty(), e, v.size()));
    } else {
      output.add(new Op.Linear("output", head.slot("lm_head.weight", ParameterRole.WEIGHT, v, Extent.of(h)), Optional.empty(), h, v.size()));
    }
    graph.store(head);
    List<Op> blockwise = TaskHeads.blockwise(graph, h);
    graph.ops(ObjectiveHeads.lower(HeadContext.of(graph, h, stack.norm().eps(), stack.activation()).withEmbeddings(emb, word.table()).withLanguageModelOutput(output)));
    graph.ops(blockwise);
  }
}
