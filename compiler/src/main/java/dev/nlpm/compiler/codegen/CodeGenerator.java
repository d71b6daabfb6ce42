package dev.nlpm.compiler.codegen;

import dev.nlpm.compiler.plan.ModelPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates every source file of one planned model: its Layout always, then what its family's
 * {@link FamilyWriters} entry writes (kernels, generated passes, facade) as far as {@link
 * Runnability} says the runtime runs it.
 */
public final class CodeGenerator {

  private CodeGenerator() {}

  public static List<GeneratedFile> generate(ModelPlan plan) {
    List<GeneratedFile> files = new ArrayList<>();
    files.add(new LayoutWriter(plan).write());
    files.addAll(FamilyWriters.of(plan.model().family()).write(plan, Runnability.of(plan.model())));
    return List.copyOf(files);
  }
}
