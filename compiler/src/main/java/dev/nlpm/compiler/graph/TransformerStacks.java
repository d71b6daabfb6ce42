package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of the transformer families: a layer's two sublayers (self-attention, feed-forward)
 * named in each checkpoint scheme, composed at the declared LayerNorm placement, stored with the
 * declared cross-layer sharing.
 */
final class TransformerStacks {

  private TransformerStacks() {}

  /** The dimensions an encoder's or a decoder's Layout declares. */
  static void dimensions(GraphBuilder graph, Embeddings emb, TransformerStack stack) {
    graph.dimension("VOCAB", emb.vocab().size(), "tokens in the vocabulary");
    graph.dimension("HIDDEN", stack.hidden(), "model width");
    graph.dimension("LAYERS", stack.layers(), "transformer layers");
    graph.dimension("HEADS", stack.heads(), "attention heads");
    graph.dimension("HEAD_SIZE", stack.hidden() / Math.max(1, stack.heads()), "width of one attention head");
    graph.dimension("INTERMEDIATE", stack.intermediate(), "feed-forward width");
    graph.dimension("MAX_LENGTH", emb.maxLength(), "longest sequence");
    if (emb.segments() > 0) {
      graph.dimension("SEGMENTS", emb.segments(), "segment (token type) vocabulary");
    }
    if (emb.size() != stack.hidden()) {
      graph.dimension("EMBEDDING_SIZE", emb.size(), "factorized embedding width (ALBERT's E)");
    }
    variantDimensions(stack.attention(), graph);
  }

  private static <A extends Attention> void variantDimensions(A attention, GraphBuilder graph) {
    AttentionVariants.of(attention).dimensions(attention, graph);
  }

  static <A extends Attention> List<Parameter> beforeLayers(A attention, GraphBuilder graph, String prefix, Embeddings emb) {
    return AttentionVariants.of(attention).beforeLayers(attention, graph, prefix, emb);
  }

  static <A extends Attention> Mask mask(A attention, boolean causal) {
    return AttentionVariants.of(attention).mask(attention, causal);
  }

  static <A extends Attention> List<Parameter> variantSlots(A attention, Slots slots, String prefix, TransformerStack stack, Embeddings emb, CheckpointNames names) {
    return AttentionVariants.of(attention).inLayer(attention, slots, prefix, stack.heads(), stack.hidden(), emb, names);
  }

  /**
   * A sublayer at the declared placement: pre-LayerNorm normalizes its input, post-LayerNorm the
   * residual sum; dropout on its output either way.
   */
  static List<Op> sublayer(Norm norm, String label, Op.LayerNorm layerNorm, Op core, double dropout) {
    Op.Dropout drop = new Op.Dropout(label + " output", dropout);
    Op.Residual residual = new Op.Residual(label);
    return norm.placement() == Norm.Placement.PRE
        ? List.of(layerNorm, core, drop, residual)
        : List.of(core, drop, residual, layerNorm);
  }

  static NormPosition position(Norm norm) {
    return norm.placement() == Norm.Placement.PRE ? NormPosition.PRE : NormPosition.POST;
  }

  /**
   * The layers of an encoder or decoder in the given naming scheme, stored (the shared part once,
   * under layer 0's name, with sharing) and returned as one repeated op.
   */
  static Op.Repeat layers(
      GraphBuilder graph, TransformerStack stack, Embeddings emb, String layer, String projectionPrefix, CheckpointNames names, boolean causal) {
    int h = stack.hidden();
    int i = stack.intermediate();
    Slots attention = new Slots(ModelPlan.BACKBONE);
    Slots ffn = new Slots(ModelPlan.BACKBONE);
    List<Parameter> shared = beforeLayers(stack.attention(), graph, projectionPrefix, emb);
    NormPosition at = position(stack.norm());
    double eps = stack.norm().eps();
    List<Op.Linear> inputs = new ArrayList<>();
    List<Parameter> variant = new ArrayList<>(shared);
    Op.Linear output;
    Op.LayerNorm attentionNorm;
    Op.Linear up;
    Op.Linear down;
    Op.LayerNorm ffnNorm;
    switch (names) {
      case ALBERT -> {
        for (String p : new String[] {"query", "key", "value"}) {
          inputs.add(attention.linear(p, layer + "attention." + p, h, h));
        }
        variant.addAll(variantSlots(stack.attention(), attention, layer + "attention.", stack, emb, names));
        output = attention.linear("output", layer + "attention.dense", h, h);
        attentionNorm = attention.norm("attention", layer + "attention.LayerNorm", h, at, eps);
        up = ffn.linear("up", layer + "ffn", h, i);
        down = ffn.linear("down", layer + "ffn_output", i, h);
        ffnNorm = ffn.norm("feed-forward", layer + "full_layer_layer_norm", h, at, eps);
      }
      case DISTILBERT -> {
        for (String p : new String[] {"q_lin", "k_lin", "v_lin"}) {
          inputs.add(attention.linear(p.substring(0, 1), layer + "attention." + p, h, h));
        }
        output = attention.linear("output", layer + "attention.out_lin", h, h);
        variant.addAll(variantSlots(stack.attention(), attention, layer + "attention.", stack, emb, names));
        attentionNorm = attention.norm("attention", layer + "sa_layer_norm", h, at, eps);
        up = ffn.linear("up", layer + "ffn.lin1", h, i);
        down = ffn.linear("down", layer + "ffn.lin2", i, h);
        ffnNorm = ffn.norm("feed-forward", layer + "output_layer_norm", h, at, eps);
      }
      case GPT2 -> {
        attentionNorm = attention.norm("attention", layer + "ln_1", h, at, eps);
        inputs.add(attention.conv1d("query, key, value", layer + "attn.c_attn", h, 3 * h));
        variant.addAll(variantSlots(stack.attention(), attention, layer + "attn.", stack, emb, names));
        output = attention.conv1d("output", layer + "attn.c_proj", h, h);
        ffnNorm = ffn.norm("feed-forward", layer + "ln_2", h, at, eps);
        up = ffn.conv1d("up", layer + "mlp.c_fc", h, i);
        down = ffn.conv1d("down", layer + "mlp.c_proj", i, h);
      }
      case TRANSFO_XL -> {
        inputs.add(attention.linearWithoutBias("query, key, value", layer + "dec_attn.qkv_net", h, 3 * h));
        variant.addAll(variantSlots(stack.attention(), attention, layer + "dec_attn.", stack, emb, names));
        output = attention.linearWithoutBias("output", layer + "dec_attn.o_net", h, h);
        attentionNorm = attention.norm("attention", layer + "dec_attn.layer_norm", h, at, eps);
        up = ffn.linear("up", layer + "pos_ff.CoreNet.0", h, i);
        down = ffn.linear("down", layer + "pos_ff.CoreNet.3", i, h);
        ffnNorm = ffn.norm("feed-forward", layer + "pos_ff.layer_norm", h, at, eps);
      }
      default -> {
        for (String p : new String[] {"query", "key", "value"}) {
          inputs.add(attention.linear(p, layer + "attention.self." + p, h, h));
        }
        variant.addAll(variantSlots(stack.attention(), attention, layer + "attention.self.", stack, emb, names));
        output = attention.linear("output", layer + "attention.output.dense", h, h);
        attentionNorm = attention.norm("attention", layer + "attention.output.LayerNorm", h, at, eps);
        up = ffn.linear("up", layer + "intermediate.dense", h, i);
        down = ffn.linear("down", layer + "output.dense", i, h);
        ffnNorm = ffn.norm("feed-forward", layer + "output.LayerNorm", h, at, eps);
      }
    }
    int layers = stack.layers();
    switch (stack.sharing()) {
      case ALL -> graph.storeRepeated("LAYER", 0, 1, Slots.concat(attention, ffn));
      case ATTENTION -> {
        graph.storeRepeated("SHARED_ATTENTION", 0, 1, attention.list());
        graph.storeRepeated("LAYER", 0, layers, ffn.list());
      }
      case FFN -> {
        graph.storeRepeated("SHARED_FFN", 0, 1, ffn.list());
        graph.storeRepeated("LAYER", 0, layers, attention.list());
      }
      default -> graph.storeRepeated("LAYER", 0, layers, Slots.concat(attention, ffn));
    }
    Op.MultiHeadAttention selfAttention =
        new Op.MultiHeadAttention(
            "self", stack.attention(), mask(stack.attention(), causal), stack.heads(), h, inputs, output, variant, stack.dropout().attention());
    List<Op> body = new ArrayList<>(sublayer(stack.norm(), "attention", attentionNorm, selfAttention, stack.dropout().hidden()));
    body.addAll(sublayer(stack.norm(), "feed-forward", ffnNorm, new Op.FeedForward(up, stack.activation(), down), stack.dropout().hidden()));
    return new Op.Repeat("layer", 0, layers, stack.sharing(), body);
  }
}
