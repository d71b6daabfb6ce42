package dev.nlpm.compiler.graph;

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
 * Transformer encoder-decoders and NAT in fairseq-style names: the encoder's embeddings and
 * layers, the decoder's (self-attention, causal for a translator and both ways for NAT, then
 * cross-attention to the encoder), the output projection, NAT's length head.
 */
final class Seq2SeqLowering {

  private Seq2SeqLowering() {}

  static void lower(
      Embeddings source,
      Embeddings target,
      TransformerStack encoder,
      TransformerStack decoder,
      boolean shared,
      boolean tieOutput,
      int maxTargetLength,
      GraphBuilder graph) {
    int h = encoder.hidden();
    graph.dimension("SOURCE_VOCAB", source.vocab().size(), "source tokens");
    graph.dimension("TARGET_VOCAB", target.vocab().size(), "target tokens");
    graph.dimension("HIDDEN", h, "model width");
    graph.dimension("HEADS", encoder.heads(), "attention heads");
    graph.dimension("HEAD_SIZE", h / Math.max(1, encoder.heads()), "width of one head");
    graph.dimension("INTERMEDIATE", encoder.intermediate(), "feed-forward width");
    graph.dimension("ENCODER_LAYERS", encoder.layers(), "encoder layers");
    graph.dimension("DECODER_LAYERS", decoder.layers(), "decoder layers");
    graph.dimension("MAX_LENGTH", source.maxLength(), "longest sequence");
    if (maxTargetLength > 0) {
      graph.dimension("MAX_TARGET_LENGTH", maxTargetLength, "longest target the length head predicts");
    }
    Extent tv = ObjectiveHeads.vocab(target);
    Slots encoderEmbeddings = new Slots(ModelPlan.BACKBONE);
    Op.Embedding sourceTokens = encoderEmbeddings.embedding("source tokens", "encoder.embed_tokens.weight", ObjectiveHeads.vocab(source), h);
    graph.op(sourceTokens);
    graph.op(positions(encoderEmbeddings, source, "encoder.embed_positions.weight", h));
    graph.op(new Op.Dropout("source embeddings", encoder.dropout().hidden()));
    graph.store(encoderEmbeddings);
    graph.op(layers(graph, encoder, source, "encoder", "ENCODER_LAYER", false, false));
    finalNorm(graph, encoder, "encoder.layer_norm");
    Slots decoderEmbeddings = new Slots(ModelPlan.BACKBONE);
    Op.Embedding targetTokens = shared
        ? new Op.Embedding("target tokens", decoderEmbeddings.tied(
            "decoder.embed_tokens.weight", sourceTokens.table().name(), ParameterRole.EMBEDDING_TABLE, tv, Extent.of(h)))
        : decoderEmbeddings.embedding("target tokens", "decoder.embed_tokens.weight", tv, h);
    graph.op(targetTokens);
    graph.op(positions(decoderEmbeddings, target, "decoder.embed_positions.weight", h));
    graph.op(new Op.Dropout("target embeddings", decoder.dropout().hidden()));
    graph.store(decoderEmbeddings);
    graph.op(layers(graph, decoder, target, "decoder", "DECODER_LAYER", true, maxTargetLength == 0));
    finalNorm(graph, decoder, "decoder.layer_norm");
    Slots head = new Slots("lm_head");
    Parameter weight = tieOutput
        ? head.tied("decoder.output_projection.weight", targetTokens.table().tiedTo().orElse(targetTokens.table().name()),
            ParameterRole.EMBEDDING_TABLE, tv, Extent.of(h))
        : head.slot("decoder.output_projection.weight", ParameterRole.WEIGHT, tv, Extent.of(h));
    graph.store(head);
    HeadContext context = HeadContext.of(graph, h, decoder.norm().eps())
        .withLanguageModelOutput(List.of(new Op.Linear("output projection", weight, Optional.empty(), h, tv.size())));
    if (maxTargetLength > 0) {
      Slots length = new Slots("length_head");
      Op.Linear classifier = length.linearWithoutBias("target length", "decoder.embed_length", h, maxTargetLength + 1);
      graph.store(length);
      context = context.withLengthOutput(classifier);
    }
    List<Op> blockwise = TaskHeads.blockwise(graph, h);
    graph.ops(ObjectiveHeads.lower(context));
    graph.ops(blockwise);
  }

  private static Op.PositionEncoding positions(Slots slots, Embeddings emb, String name, int h) {
    Optional<Parameter> table = emb.positions() == Positions.LEARNED
        ? Optional.of(slots.slot(name, ParameterRole.EMBEDDING_TABLE, emb.maxLength(), h))
        : Optional.empty();
    return new Op.PositionEncoding(emb.positions(), emb.maxLength(), h, table);
  }

  private static void finalNorm(GraphBuilder graph, TransformerStack stack, String name) {
    if (stack.norm().placement() == Norm.Placement.PRE) {
      Slots norm = new Slots(ModelPlan.BACKBONE);
      graph.op(norm.norm("final", name, stack.hidden(), NormPosition.FINAL, stack.norm().eps()));
      graph.store(norm);
    }
  }

  private static Op.Repeat layers(
      GraphBuilder graph, TransformerStack stack, Embeddings emb, String part, String constant, boolean crossAttention, boolean causal) {
    int h = stack.hidden();
    int i = stack.intermediate();
    String layer = part + ".layers.{}.";
    List<Parameter> variant = new ArrayList<>(TransformerStacks.beforeLayers(stack.attention(), graph, part + ".", emb));
    NormPosition at = TransformerStacks.position(stack.norm());
    double eps = stack.norm().eps();
    Slots slots = new Slots(ModelPlan.BACKBONE);
    List<Op> body = new ArrayList<>();
    Op.MultiHeadAttention self = attention(slots, layer + "self_attn.", "self", stack, emb, variant, TransformerStacks.mask(stack.attention(), causal));
    body.addAll(TransformerStacks.sublayer(stack.norm(), "self-attention", slots.norm("self-attention", layer + "self_attn_layer_norm", h, at, eps), self,
        stack.dropout().hidden()));
    if (crossAttention) {
      Op.MultiHeadAttention cross = attention(slots, layer + "encoder_attn.", "cross", stack, emb, null, Mask.SOURCE_PADDING);
      body.addAll(TransformerStacks.sublayer(stack.norm(), "cross-attention", slots.norm("cross-attention", layer + "encoder_attn_layer_norm", h, at, eps),
          cross, stack.dropout().hidden()));
    }
    Op.Linear up = slots.linear("up", layer + "fc1", h, i);
    Op.Linear down = slots.linear("down", layer + "fc2", i, h);
    body.addAll(TransformerStacks.sublayer(stack.norm(), "feed-forward", slots.norm("feed-forward", layer + "final_layer_norm", h, at, eps),
        new Op.FeedForward(up, stack.activation(), down), stack.dropout().hidden()));
    graph.storeRepeated(constant, 0, stack.layers(), slots.list());
    return new Op.Repeat(part + " layer", 0, stack.layers(), stack.sharing(), body);
  }

  /** fairseq's MultiheadAttention; the self-attention's variant slots follow its projections. */
  private static Op.MultiHeadAttention attention(
      Slots slots, String prefix, String label, TransformerStack stack, Embeddings emb, List<Parameter> variant, Mask mask) {
    int h = stack.hidden();
    List<Op.Linear> inputs = new ArrayList<>();
    for (String p : new String[] {"q_proj", "k_proj", "v_proj"}) {
      inputs.add(slots.linear(p.substring(0, 1), prefix + p, h, h));
    }
    Op.Linear output = slots.linear("output", prefix + "out_proj", h, h);
    List<Parameter> own = new ArrayList<>();
    if (variant != null) {
      own.addAll(variant);
      own.addAll(TransformerStacks.variantSlots(stack.attention(), slots, prefix, stack, emb, dev.nlpm.compiler.ir.CheckpointNames.NLPM));
    }
    dev.nlpm.compiler.ir.Attention kind = variant != null ? stack.attention() : new dev.nlpm.compiler.ir.Attention.Full(stack.attention().origin());
    return new Op.MultiHeadAttention(label, kind, mask, stack.heads(), h, inputs, output, own, stack.dropout().attention());
  }
}
