package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.Runnability;
import dev.nlpm.compiler.ir.ModelSpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm check FILE...}: diagnostics only; exit status 1 when there are errors. Warnings (what
 * the runtime does not run yet) leave the status 0, but the summary names the models they concern.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Parses and validates .nlpm files (directories are searched) and reports every error and warning.")
final class CheckCommand implements Callable<Integer> {

  @Mixin ModelFiles input;


  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Optional<Compilation> result =
        CompilerRun.run(input.files, false, spec.commandLine().getErr());
    if (result.isEmpty()) {
      return Main.EXIT_INPUT_ERRORS;
    }
    List<ModelSpec> models = result.get().models();
    List<String> runnable = models.stream().filter(m -> Runnability.of(m).facade()).map(ModelSpec::name).toList();
    List<String> notYet = models.stream().filter(m -> !Runnability.of(m).facade()).map(ModelSpec::name).toList();
    String counted = models.size() + (models.size() == 1 ? " model: " : " models: ");
    if (notYet.isEmpty()) {
      spec.commandLine().getOut().println("ok: " + counted + String.join(", ", runnable));
    } else {
      // Valid, but not "ok": a model the runtime does not run gets its layout and no facade.
      spec.commandLine().getOut().println("checked " + counted
          + (runnable.isEmpty() ? "" : "runnable: " + String.join(", ", runnable) + "; ")
          + "not runnable yet (see the warnings): " + String.join(", ", notYet));
    }
    return 0;
  }
}
