package dev.nlpm.compiler.diag;

import dev.nlpm.compiler.source.SourcePosition;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Renders diagnostics the way compilers do: {@code file:line:col: error: message [NLPM303]}, then
 * the source line and a caret under the column, when the source text is known.
 */
public final class DiagnosticPrinter {

  /** Positions in files first, by file, line and column; other origins after, in report order. */
  public static final Comparator<Diagnostic> BY_POSITION =
      Comparator.comparing(
          (Diagnostic d) -> d.origin() instanceof SourcePosition p ? p : null,
          Comparator.nullsLast(
              Comparator.comparing(SourcePosition::file)
                  .thenComparingInt(SourcePosition::line)
                  .thenComparingInt(SourcePosition::column)));

  private DiagnosticPrinter() {}

  /**
   * @param sources the text of a source by its name, when known
   * @return one block a diagnostic, sorted by position, each ending with a newline
   */
  public static String render(List<Diagnostic> diagnostics, Function<String, Optional<String>> sources) {
    StringBuilder out = new StringBuilder();
    diagnostics.stream()
        .sorted(BY_POSITION)
        .forEach(diagnostic -> out.append(render(diagnostic, sources)));
    return out.toString();
  }

  /** One diagnostic, with its source line and caret when the text is known. */
  public static String render(Diagnostic diagnostic, Function<String, Optional<String>> sources) {
    StringBuilder out = new StringBuilder(diagnostic.toString()).append('\n');
    if (diagnostic.origin() instanceof SourcePosition position) {
      sources
          .apply(position.file())
          .flatMap(text -> line(text, position.line()))
          .ifPresent(
              line -> {
                out.append("  ").append(line).append('\n');
                out.append("  ").append(caretPad(line, position.column())).append("^\n");
              });
    }
    return out.toString();
  }

  private static Optional<String> line(String text, int number) {
    String[] lines = text.split("\r?\n", -1);
    return number >= 1 && number <= lines.length ? Optional.of(lines[number - 1]) : Optional.empty();
  }

  /** Spaces up to the column, keeping tabs so the caret lines up in a terminal. */
  private static String caretPad(String line, int column) {
    StringBuilder pad = new StringBuilder();
    for (int i = 0; i < column - 1; i++) {
      pad.append(i < line.length() && line.charAt(i) == '\t' ? '\t' : ' ');
    }
    return pad.toString();
  }
}
