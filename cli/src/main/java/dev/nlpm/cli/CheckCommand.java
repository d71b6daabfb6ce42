package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.ir.ModelSpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code nlpm check FILE...}: diagnostics only; exit status 1 when there are errors. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Parses and validates .nlpm files (directories are searched) and reports every error.")
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
    spec.commandLine()
        .getOut()
        .println(
            "ok: "
                + models.size()
                + (models.size() == 1 ? " model: " : " models: ")
                + String.join(", ", models.stream().map(ModelSpec::name).toList()));
    return 0;
  }
}
