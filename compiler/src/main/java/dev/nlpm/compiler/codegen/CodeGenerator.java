package dev.nlpm.compiler.codegen;

import dev.nlpm.compiler.plan.ModelPlan;
import java.util.List;

/** Generates every source file of one planned model. */
public final class CodeGenerator {

  private CodeGenerator() {}

  public static List<GeneratedFile> generate(ModelPlan plan) {
    return List.of(new LayoutWriter(plan).write());
  }
}
