package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticPrinter;
import dev.nlpm.compiler.source.SourcePosition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cases of a pinned-diagnostics file ({@code invalid-models.txt}, {@code
 * not-runnable-models.txt}): "=== name", the input, "--- expect" and one line per diagnostic
 * ({@code line:col CODE message}, a warning's message starting with {@code warning: }), and
 * optionally "--- generates" with the simple names of the generated classes, in order.
 */
final class DiagnosticCases {

  record Case(String name, String text, List<String> expected, Optional<List<String>> generates) {}

  /** What compiling a case gave: its diagnostics as written in the files, and the classes generated. */
  record Outcome(List<String> diagnostics, List<String> generated) {}

  private DiagnosticCases() {}

  static List<Case> read(String resource) throws IOException {
    String all;
    try (InputStream in = DiagnosticCases.class.getResourceAsStream(resource)) {
      all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Case> cases = new ArrayList<>();
    String name = null;
    StringBuilder text = new StringBuilder();
    List<String> expected = new ArrayList<>();
    List<String> generates = null;
    List<String> section = null;
    for (String line : all.split("\n", -1)) {
      if (line.startsWith("=== ")) {
        if (name != null) {
          cases.add(new Case(name, text.toString(), List.copyOf(expected), Optional.ofNullable(generates).map(List::copyOf)));
        }
        name = line.substring(4).trim();
        text.setLength(0);
        expected.clear();
        generates = null;
        section = null;
      } else if (name == null) {
        continue;
      } else if (line.equals("--- expect")) {
        section = expected;
      } else if (line.equals("--- generates")) {
        generates = new ArrayList<>();
        section = generates;
      } else if (section != null) {
        if (!line.isBlank()) {
          section.add(line);
        }
      } else {
        text.append(line).append('\n');
      }
    }
    cases.add(new Case(name, text.toString(), List.copyOf(expected), Optional.ofNullable(generates).map(List::copyOf)));
    return cases;
  }

  /** Parses and compiles like the command line does. */
  static Outcome compile(String name, String text) {
    ParsedProgram program = NlpmFrontEnd.parse(name, text, IncludeResolver.none());
    List<Diagnostic> diagnostics = new ArrayList<>(program.diagnostics());
    List<String> generated = List.of();
    if (!program.hasErrors()) {
      Compilation compilation = NlpmCompiler.compile(program.declarations());
      diagnostics.addAll(compilation.diagnostics());
      generated = compilation.files().stream().map(f -> f.qualifiedName().substring(f.qualifiedName().lastIndexOf('.') + 1)).toList();
    }
    List<String> lines = diagnostics.stream()
        .sorted(DiagnosticPrinter.BY_POSITION)
        .map(d -> {
          SourcePosition p = (SourcePosition) d.origin();
          assertEquals(name, p.file());
          return p.line() + ":" + p.column() + " " + d.code().code() + " " + (d.isError() ? "" : "warning: ") + d.message();
        })
        .toList();
    return new Outcome(lines, generated);
  }

  /** The code of a line of an expect section. */
  static String code(String expectedLine) {
    return expectedLine.split(" ")[1];
  }
}
