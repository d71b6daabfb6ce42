package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every family's lowering, registered once. Nothing else in the compiler asks which family a
 * model is to decide its structure: a new family is one lowering and one entry here.
 */
final class Families {

  /** Lowers one family's architecture into the graph being built. */
  interface Lowering<A extends Architecture> {
    void lower(A architecture, GraphBuilder graph);
  }

  private static final Map<Class<? extends Architecture>, Lowering<?>> LOWERINGS = new LinkedHashMap<>();

  private static <A extends Architecture> void register(Class<A> type, Lowering<A> lowering) {
    LOWERINGS.put(type, lowering);
  }

  static {
    register(Architecture.Word2Vec.class, Word2VecLowering::lower);
    register(Architecture.Encoder.class, EncoderLowering::lower);
    register(Architecture.Decoder.class, DecoderLowering::lower);
    register(Architecture.LstmLm.class, LstmLowering::lower);
    register(Architecture.RnnSeq2Seq.class, RnnSeq2SeqLowering::lower);
    register(
        Architecture.TransformerSeq2Seq.class,
        (s, graph) -> Seq2SeqLowering.lower(s.source(), s.target(), s.encoder(), s.decoder(), s.sharedEmbeddings(), s.tieOutput(), 0, graph));
    register(
        Architecture.Nat.class,
        (n, graph) -> Seq2SeqLowering.lower(n.source(), n.target(), n.encoder(), n.decoder(), n.sharedEmbeddings(), n.tieOutput(), n.maxTargetLength(), graph));
  }

  private Families() {}

  static LayerGraph lower(ModelSpec model) {
    GraphBuilder graph = new GraphBuilder(model);
    lower(model.architecture(), graph);
    return graph.build();
  }

  @SuppressWarnings("unchecked")
  private static <A extends Architecture> void lower(A architecture, GraphBuilder graph) {
    Lowering<A> lowering = (Lowering<A>) LOWERINGS.get(architecture.getClass());
    if (lowering == null) {
      throw new IllegalStateException("no lowering registered for the " + architecture.family().keyword() + " family");
    }
    lowering.lower(architecture, graph);
  }
}
