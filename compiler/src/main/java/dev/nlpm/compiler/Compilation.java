package dev.nlpm.compiler;

import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.List;

/**
 * What a compiler run produced: the models without errors and their plans, their generated
 * sources (when asked for), and every diagnostic of every model.
 */
public record Compilation(
    List<ModelSpec> models,
    List<ModelPlan> plans,
    List<GeneratedFile> files,
    List<Diagnostic> diagnostics) {

  public Compilation {
    models = List.copyOf(models);
    plans = List.copyOf(plans);
    files = List.copyOf(files);
    diagnostics = List.copyOf(diagnostics);
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }
}
