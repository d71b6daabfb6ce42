package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.dsl.GeneratedSources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm generate FILE... -o DIR}: writes the generated Java sources under DIR, one folder a
 * package. A file whose content is unchanged is not rewritten, so a second run changes nothing.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Checks .nlpm files and writes the generated Java sources.")
final class GenerateCommand implements Callable<Integer> {

  @Mixin ModelFiles input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "DIR",
      description = "Where to write the sources (a source root).")
  Path output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Optional<Compilation> result =
        CompilerRun.run(input.files, true, spec.commandLine().getErr());
    if (result.isEmpty()) {
      return Main.EXIT_INPUT_ERRORS;
    }
    int written;
    try {
      written = GeneratedSources.write(output, result.get().files());
    } catch (IOException e) {
      throw new UserError("cannot write to " + output + ": " + e.getMessage());
    }
    int total = result.get().files().size();
    spec.commandLine()
        .getOut()
        .printf(
            "generated %s for %s in %s (%d rewritten, %d unchanged)%n",
            plural(total, "file"), plural(result.get().models().size(), "model"), output, written, total - written);
    return 0;
  }

  private static String plural(int count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
