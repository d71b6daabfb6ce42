package dev.nlpm.compiler.codegen;

import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every family's writers, registered once: what the compiler writes for a planned model beside
 * its Layout (which every model gets), as far as {@link Runnability} says the runtime runs it.
 * {@link CodeGenerator} asks nothing else about the family: a new family is its lowering in the
 * graph's {@code Families} and one entry here (the graph knows nothing of code generation, so
 * the entries live on this side).
 */
final class FamilyWriters {

  /** Writes one family's files, beside the Layout, for a planned model the runtime runs this far. */
  interface Writers {
    List<GeneratedFile> write(ModelPlan plan, Runnability runnability);
  }

  /** A family the runtime does not run yet: the Layout alone (Runnability reports why). */
  private static final Writers LAYOUT_ONLY = (plan, runnability) -> List.of();

  private static final Map<Family, Writers> WRITERS = new EnumMap<>(Family.class);

  private static void register(Family family, Writers writers) {
    if (WRITERS.putIfAbsent(family, writers) != null) {
      throw new IllegalStateException("the " + family.keyword() + " family's writers are registered twice");
    }
  }

  static {
    register(Family.WORD2VEC, FamilyWriters::word2vec);
    register(
        Family.ENCODER,
        onProductKernels(
            plan -> PassesWriter.covers(plan.graph()) ? Optional.of(PassesWriter.generate(plan.graph())) : Optional.empty(),
            plan -> new EncoderModelWriter(plan.graph()).write()));
    register(
        Family.DECODER,
        onProductKernels(
            plan -> DecoderPassesWriter.covers(plan.graph()) ? Optional.of(DecoderPassesWriter.generate(plan.graph())) : Optional.empty(),
            plan -> new DecoderModelWriter(plan.graph()).write()));
    register(
        Family.LSTM_LM,
        onProductKernels(
            plan -> LstmPassesWriter.covers(plan.graph()) ? Optional.of(LstmPassesWriter.generate(plan.graph())) : Optional.empty(),
            plan -> new LstmModelWriter(plan).write()));
    register(Family.RNN_SEQ2SEQ, LAYOUT_ONLY);
    register(Family.TRANSFORMER_SEQ2SEQ, LAYOUT_ONLY);
    register(Family.NAT, LAYOUT_ONLY);
  }

  private FamilyWriters() {}

  /** The writers registered for {@code family}. */
  static Writers of(Family family) {
    Writers writers = WRITERS.get(family);
    if (writers == null) {
      throw new IllegalStateException("no writers registered for the " + family.keyword() + " family");
    }
    return writers;
  }

  /** word2vec: its kernels always, its facade when it runs. */
  private static List<GeneratedFile> word2vec(ModelPlan plan, Runnability runnability) {
    List<GeneratedFile> files = new ArrayList<>();
    files.add(new Word2VecKernelsWriter(plan.model()).write());
    if (runnability.facade()) {
      files.add(new Word2VecModelWriter(plan.model()).write());
    }
    return files;
  }

  /**
   * A family whose products run on {@code ProductKernelsWriter}'s kernels: the kernels when they
   * fit, and, when the runtime runs the model, its generated passes (where the family has them for
   * this shape) and its facade.
   */
  private static Writers onProductKernels(
      Function<ModelPlan, Optional<GeneratedFile>> passes, Function<ModelPlan, GeneratedFile> facade) {
    return (plan, runnability) -> {
      List<GeneratedFile> files = new ArrayList<>();
      if (runnability.kernels()) {
        files.add(new ProductKernelsWriter(plan.model()).write());
      }
      if (runnability.facade()) {
        passes.apply(plan).ifPresent(files::add);
        files.add(facade.apply(plan));
      }
      return files;
    };
  }
}
