package dev.nlpm.compiler;

import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.ModelPlan;
import java.util.List;

/**
 * What a compiler run produced: the checked models and their plans (empty if any error was
 * found), the generated sources (only when asked for and error-free), and every diagnostic.
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
