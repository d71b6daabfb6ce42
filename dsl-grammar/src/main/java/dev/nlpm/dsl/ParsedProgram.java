package dev.nlpm.dsl;

import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.diag.Diagnostic;
import java.util.List;
import java.util.Map;

/**
 * What the front end read: the declarations for the compiler, every diagnostic found while
 * reading, the ASTs of the files that parsed, and every source text by its name (for printing
 * diagnostics with their source line).
 *
 * @param declarations the models of the files asked for ({@code targets}) and of the files they
 *     include ({@code visible})
 */
public record ParsedProgram(
    DeclarationSet declarations,
    List<Diagnostic> diagnostics,
    List<NlpmFile> files,
    Map<String, String> sources) {

  public ParsedProgram {
    diagnostics = List.copyOf(diagnostics);
    files = List.copyOf(files);
    sources = Map.copyOf(sources);
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }
}
