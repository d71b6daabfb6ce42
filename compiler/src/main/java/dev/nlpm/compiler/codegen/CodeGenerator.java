package dev.nlpm.compiler.codegen;

import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates every source file of one planned model: its Layout always, and its kernels and facade
 * as far as {@link Runnability} says the runtime runs it; an encoder's facade runs on its generated
 * {@code <Model>Passes} where {@link PassesWriter#covers} its shape, an LSTM language model's where
 * {@link LstmPassesWriter#covers} it.
 */
public final class CodeGenerator {

  private CodeGenerator() {}

  public static List<GeneratedFile> generate(ModelPlan plan) {
    ModelSpec model = plan.model();
    Runnability runnability = Runnability.of(model);
    List<GeneratedFile> files = new ArrayList<>();
    files.add(new LayoutWriter(plan).write());
    switch (model.family()) {
      case WORD2VEC -> {
        files.add(new Word2VecKernelsWriter(model).write());
        if (runnability.facade()) {
          files.add(new Word2VecModelWriter(model).write());
        }
      }
      case ENCODER, DECODER, LSTM_LM -> {
        if (runnability.kernels()) {
          files.add(new EncoderKernelsWriter(model).write());
        }
        if (runnability.facade()) {
          if (model.family() == Family.ENCODER && PassesWriter.covers(plan.graph())) {
            files.add(PassesWriter.generate(plan.graph()));
          }
          if (model.family() == Family.LSTM_LM && LstmPassesWriter.covers(plan.graph())) {
            files.add(LstmPassesWriter.generate(plan.graph()));
          }
          files.add(facade(plan));
        }
      }
      case RNN_SEQ2SEQ, TRANSFORMER_SEQ2SEQ, NAT -> {
        // the layout only; Runnability reports why
      }
    }
    return List.copyOf(files);
  }

  private static GeneratedFile facade(ModelPlan plan) {
    return switch (plan.model().family()) {
      case ENCODER -> new EncoderModelWriter(plan.graph()).write();
      case DECODER -> new DecoderModelWriter(plan.model()).write();
      case LSTM_LM -> new LstmModelWriter(plan).write();
      default -> throw new IllegalArgumentException("no facade for the " + plan.model().family().keyword() + " family");
    };
  }
}
