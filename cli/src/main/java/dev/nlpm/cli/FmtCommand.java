package dev.nlpm.cli;

import dev.nlpm.compiler.diag.DiagnosticPrinter;
import dev.nlpm.dsl.IncludeResolver;
import dev.nlpm.dsl.NlpmFormatter;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.dsl.ParsedProgram;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm fmt FILE...}: rewrites files in the canonical form, comments kept; {@code --check}
 * only lists the files that are not in it and exits with 1. A file with syntax errors is left
 * alone and its errors are printed.
 */
@Command(
    name = "fmt",
    mixinStandardHelpOptions = true,
    description = "Formats .nlpm files in the canonical form, in place (comments are kept).")
final class FmtCommand implements Callable<Integer> {

  @Mixin ModelFiles input;

  @Option(names = "--check", description = "Change nothing; list the files that are not formatted and exit with 1 if any.")
  boolean check;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SourceFiles sources = SourceFiles.collect(input.files);
    List<Path> unformatted = new ArrayList<>();
    boolean syntaxErrors = false;
    for (Path file : sources.files()) {
      String name = sources.baseDir().relativize(file).toString();
      String text = Files.readString(file, StandardCharsets.UTF_8);
      // Each file alone: includes are not followed, so they resolve to nothing.
      ParsedProgram program =
          NlpmFrontEnd.parse(name, text, (from, path) -> Optional.of(new IncludeResolver.Source(path, "")));
      if (program.hasErrors()) {
        err.print(DiagnosticPrinter.render(program.diagnostics(), n -> Optional.of(text)));
        syntaxErrors = true;
        continue;
      }
      String formatted = NlpmFormatter.format(program.files().get(0));
      if (formatted.equals(text)) {
        continue;
      }
      unformatted.add(file);
      if (check) {
        out.println(name);
      } else {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(temporary, formatted, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out.println("formatted " + name);
      }
    }
    if (syntaxErrors || (check && !unformatted.isEmpty())) {
      return Main.EXIT_INPUT_ERRORS;
    }
    return 0;
  }
}
