package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Embeddings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every attention variant, registered once: its mask, the dimensions it names, and the slots it
 * adds to a stack (before the layers) and to each layer's attention (after the input
 * projections). A new variant is one entry here.
 */
final class AttentionVariants {

  /** What one variant contributes; a variant with no slots of its own overrides only the mask. */
  interface Variant<A extends Attention> {

    /** The keys a query may see, in a stack that is causal (a decoder's) or not. */
    Mask mask(A attention, boolean causalStack);

    /** The dimensions an encoder's or decoder's Layout names for it. */
    default void dimensions(A attention, GraphBuilder graph) {}

    /** Slots stored once before a stack's layers, each as its own run. */
    default List<Parameter> beforeLayers(A attention, GraphBuilder graph, String prefix, Embeddings embeddings) {
      return List.of();
    }

    /** Slots of each layer's attention, declared after its input projections. */
    default List<Parameter> inLayer(A attention, Slots slots, String prefix, int heads, int hidden, Embeddings embeddings, CheckpointNames names) {
      return List.of();
    }
  }

  private static final Map<Class<? extends Attention>, Variant<?>> VARIANTS = new LinkedHashMap<>();

  private static <A extends Attention> void register(Class<A> type, Variant<A> variant) {
    VARIANTS.put(type, variant);
  }

  static {
    register(Attention.Full.class, (attention, causal) -> causal ? Mask.CAUSAL : Mask.PADDING);
    register(Attention.Causal.class, (attention, causal) -> Mask.CAUSAL);
    register(Attention.Local.class, new Variant<>() {
      @Override
      public Mask mask(Attention.Local local, boolean causal) {
        return causal || local.causal() ? Mask.CAUSAL_WINDOW : Mask.WINDOW;
      }

      @Override
      public void dimensions(Attention.Local local, GraphBuilder graph) {
        graph.dimension("WINDOW", local.window(), "local attention window");
      }
    });
    register(Attention.Linformer.class, new Linformer());
    register(Attention.TransformerXl.class, new TransformerXl());
  }

  private AttentionVariants() {}

  @SuppressWarnings("unchecked")
  static <A extends Attention> Variant<A> of(A attention) {
    Variant<?> variant = VARIANTS.get(attention.getClass());
    if (variant == null) {
      throw new IllegalStateException("no lowering registered for attention " + attention.keyword());
    }
    return (Variant<A>) variant;
  }

  /**
   * Linformer: keys and values projected along the sequence to k rows, in fairseq's Linformer
   * names ({@code MultiheadLinearAttention}: {@code compress_k}, and {@code compress_v} unless
   * keys and values share one), each an {@code nn.Linear(max_length, k)} without bias: [k,
   * max_length]; shared by all layers, one {@code compress_layer} stored before them.
   */
  private static final class Linformer implements Variant<Attention.Linformer> {
    @Override
    public Mask mask(Attention.Linformer attention, boolean causal) {
      return causal ? Mask.CAUSAL : Mask.PADDING;
    }

    @Override
    public void dimensions(Attention.Linformer linformer, GraphBuilder graph) {
      graph.dimension("LINFORMER_K", linformer.k(), "rows keys and values are projected to");
    }

    @Override
    public List<Parameter> beforeLayers(Attention.Linformer linformer, GraphBuilder graph, String prefix, Embeddings embeddings) {
      if (linformer.sharing() != Attention.ProjectionSharing.LAYERWISE) {
        return List.of();
      }
      Slots slots = new Slots(dev.nlpm.compiler.plan.ModelPlan.BACKBONE);
      slots.slot(prefix + "compress_layer.weight", ParameterRole.WEIGHT, linformer.k(), embeddings.maxLength());
      graph.store(slots);
      return slots.list();
    }

    @Override
    public List<Parameter> inLayer(
        Attention.Linformer linformer, Slots slots, String prefix, int heads, int hidden, Embeddings embeddings, CheckpointNames names) {
      List<Parameter> added = new ArrayList<>();
      switch (linformer.sharing()) {
        case SEPARATE -> {
          added.add(slots.slot(prefix + "compress_k.weight", ParameterRole.WEIGHT, linformer.k(), embeddings.maxLength()));
          added.add(slots.slot(prefix + "compress_v.weight", ParameterRole.WEIGHT, linformer.k(), embeddings.maxLength()));
        }
        case KEY_VALUE -> added.add(slots.slot(prefix + "compress_k.weight", ParameterRole.WEIGHT, linformer.k(), embeddings.maxLength()));
        default -> { }
      }
      return added;
    }
  }

  /**
   * Transformer-XL: relative positions and a memory of the previous segment. In its own names the
   * published checkpoints have {@code untie_r = true}: position biases u and v in every layer,
   * and a relative-position projection {@code r_net}.
   */
  private static final class TransformerXl implements Variant<Attention.TransformerXl> {
    @Override
    public Mask mask(Attention.TransformerXl attention, boolean causal) {
      return Mask.CAUSAL;
    }

    @Override
    public void dimensions(Attention.TransformerXl xl, GraphBuilder graph) {
      graph.dimension("MEMORY", xl.memory(), "cached states of the previous segment");
    }

    @Override
    public List<Parameter> inLayer(
        Attention.TransformerXl xl, Slots slots, String prefix, int heads, int hidden, Embeddings embeddings, CheckpointNames names) {
      if (names != CheckpointNames.TRANSFO_XL) {
        return List.of();
      }
      int h = Math.max(1, heads);
      List<Parameter> added = new ArrayList<>();
      added.add(slots.slot(prefix + "r_w_bias", ParameterRole.POSITION_BIAS, h, hidden / h));
      added.add(slots.slot(prefix + "r_r_bias", ParameterRole.POSITION_BIAS, h, hidden / h));
      added.addAll(slots.linearWithoutBias("relative positions", prefix + "r_net", hidden, hidden).parameters());
      return added;
    }
  }
}
