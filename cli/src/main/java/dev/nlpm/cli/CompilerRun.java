package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticPrinter;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.dsl.ParsedProgram;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses the named files, runs the compiler on them, and prints every diagnostic. */
final class CompilerRun {

  private CompilerRun() {}

  /**
   * Loads and compiles; diagnostics go to {@code err}, sorted by position.
   *
   * @param generate whether to generate sources (otherwise only check)
   * @return the compilation, or empty when the files did not parse
   */
  static Optional<Compilation> run(List<Path> arguments, boolean generate, PrintWriter err) {
    SourceFiles sources = SourceFiles.collect(arguments);
    ParsedProgram program = NlpmFrontEnd.load(sources.files(), sources.baseDir());
    List<Diagnostic> diagnostics = new ArrayList<>(program.diagnostics());
    Compilation compilation = null;
    if (diagnostics.stream().noneMatch(Diagnostic::isError)) {
      compilation =
          generate
              ? NlpmCompiler.compile(program.declarations())
              : NlpmCompiler.check(program.declarations());
      diagnostics.addAll(compilation.diagnostics());
    }
    if (!diagnostics.isEmpty()) {
      err.print(
          DiagnosticPrinter.render(
              diagnostics, name -> Optional.ofNullable(program.sources().get(name))));
      err.println(count(diagnostics));
      err.flush();
    }
    return Optional.ofNullable(compilation).filter(c -> !c.hasErrors());
  }

  /** "2 errors", "1 warning", "1 error, 3 warnings": what was found, as a compiler ends its report. */
  static String count(List<Diagnostic> diagnostics) {
    long errors = diagnostics.stream().filter(Diagnostic::isError).count();
    long warnings = diagnostics.size() - errors;
    List<String> parts = new ArrayList<>();
    if (errors > 0 || warnings == 0) {
      parts.add(errors + (errors == 1 ? " error" : " errors"));
    }
    if (warnings > 0) {
      parts.add(warnings + (warnings == 1 ? " warning" : " warnings"));
    }
    return String.join(", ", parts);
  }
}
