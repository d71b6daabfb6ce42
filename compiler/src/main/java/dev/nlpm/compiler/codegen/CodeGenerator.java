package dev.nlpm.compiler.codegen;

import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.ArrayList;
import java.util.List;

/** Generates every source file of one planned model. */
public final class CodeGenerator {

  private CodeGenerator() {}

  public static List<GeneratedFile> generate(ModelPlan plan) {
    List<GeneratedFile> files = new ArrayList<>();
    files.add(new LayoutWriter(plan).write());
    if (plan.model().family() == Family.WORD2VEC) {
      files.add(new Word2VecKernelsWriter(plan.model()).write());
      files.add(new Word2VecModelWriter(plan.model()).write());
    }
    if (EncoderKernelsWriter.supports(plan.model())) {
      files.add(new EncoderKernelsWriter(plan.model()).write());
    }
    if (plan.model().family() == Family.ENCODER && EncoderSupport.supported(plan.model())) {
      files.add(new EncoderModelWriter(plan.model(), EncoderKernelsWriter.supports(plan.model())).write());
    }
    if (DecoderModelWriter.supports(plan.model())) {
      files.add(new DecoderModelWriter(plan.model()).write());
    }
    if (LstmModelWriter.supports(plan.model())) {
      files.add(new LstmModelWriter(plan).write());
    }
    return List.copyOf(files);
  }
}
