package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
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
    int written = 0;
    for (GeneratedFile file : result.get().files()) {
      if (write(output.resolve(pathOf(file)), file.source())) {
        written++;
      }
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

  private static Path pathOf(GeneratedFile file) {
    String[] parts = file.qualifiedName().split("\\.");
    Path path = Path.of("");
    for (String part : Arrays.copyOf(parts, parts.length - 1)) {
      path = path.resolve(part);
    }
    return path.resolve(parts[parts.length - 1] + ".java");
  }

  /** Writes atomically (temporary file, then rename) unless the content is already there. */
  private static boolean write(Path target, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    try {
      if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
        return false;
      }
      Files.createDirectories(target.getParent());
      Path temporary = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      Files.write(temporary, bytes);
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
