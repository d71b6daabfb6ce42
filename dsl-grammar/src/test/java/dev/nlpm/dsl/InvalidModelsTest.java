package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.DiagnosticPrinter;
import dev.nlpm.compiler.source.SourcePosition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every invalid input of {@code invalid-models.txt} gets exactly the diagnostics written under
 * it: code, message and line:col, nothing more and nothing less, and nothing is generated.
 */
class InvalidModelsTest {

  record Case(String name, String text, List<String> expected) {}

  static List<Case> cases() throws IOException {
    String all;
    try (InputStream in = InvalidModelsTest.class.getResourceAsStream("invalid-models.txt")) {
      all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Case> cases = new ArrayList<>();
    String name = null;
    StringBuilder text = new StringBuilder();
    List<String> expected = new ArrayList<>();
    boolean expecting = false;
    for (String line : all.split("\n", -1)) {
      if (line.startsWith("=== ")) {
        if (name != null) {
          cases.add(new Case(name, text.toString(), List.copyOf(expected)));
        }
        name = line.substring(4).trim();
        text.setLength(0);
        expected.clear();
        expecting = false;
      } else if (name == null) {
        continue;
      } else if (line.equals("--- expect")) {
        expecting = true;
      } else if (expecting) {
        if (!line.isBlank()) {
          expected.add(line);
        }
      } else {
        text.append(line).append('\n');
      }
    }
    cases.add(new Case(name, text.toString(), List.copyOf(expected)));
    return cases;
  }

  /** Parses and checks like the command line does; diagnostics as "line:col CODE message". */
  static List<String> diagnose(String name, String text) {
    ParsedProgram program = NlpmFrontEnd.parse(name, text, IncludeResolver.none());
    List<Diagnostic> diagnostics = new ArrayList<>(program.diagnostics());
    if (!program.hasErrors()) {
      Compilation compilation = NlpmCompiler.compile(program.declarations());
      diagnostics.addAll(compilation.diagnostics());
    }
    return diagnostics.stream()
        .sorted(DiagnosticPrinter.BY_POSITION)
        .map(
            d -> {
              SourcePosition p = (SourcePosition) d.origin();
              assertEquals(name, p.file());
              return p.line() + ":" + p.column() + " " + d.code().code() + " " + d.message();
            })
        .toList();
  }

  @TestFactory
  Stream<DynamicTest> everyInvalidInputGetsItsExactDiagnostics() throws IOException {
    return cases().stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> assertEquals(c.expected(), diagnose(c.name(), c.text()))));
  }

  @Test
  void onlyTheValidModelsAreGenerated() {
    String text =
        "model Good : encoder { vocab = 100; hidden = 64; heads = 4; objective mlm; }\n"
            + "model Bad : encoder { vocab = 100; hidden = 64; heads = 3; objective mlm; }\n"
            + "model BadChild extends Bad { layers = 2; }\n"
            + "model Stray : encoder { vocab = 100; hidden = 64; heads = 4; colour = 1; objective mlm; }\n";
    Compilation compilation =
        NlpmCompiler.compile(NlpmFrontEnd.parse("m.nlpm", text, IncludeResolver.none()).declarations());
    assertEquals(
        List.of("GoodLayout", "GoodKernels", "GoodModel"),
        compilation.files().stream().map(f -> f.qualifiedName()).toList());
    assertEquals(List.of("Good"), compilation.models().stream().map(m -> m.name()).toList());
    assertEquals(2, compilation.diagnostics().size(), compilation.diagnostics().toString());
  }

  @Test
  void thereAreAtLeast25Cases() throws IOException {
    assertTrue(cases().size() >= 25, "cases: " + cases().size());
  }

  /**
   * Codes pinned by other tests: includes on the file system ({@code IncludesTest}), the annotation
   * processor's own ({@code InvalidAnnotatedModelsTest}), internal errors ({@code RandomInputsTest}).
   */
  private static final Set<DiagnosticCode> PINNED_ELSEWHERE =
      EnumSet.of(
          DiagnosticCode.INCLUDE_CYCLE,
          DiagnosticCode.UNREADABLE_FILE,
          DiagnosticCode.INTERNAL_ERROR,
          DiagnosticCode.NOT_A_CONSTANT,
          DiagnosticCode.GENERATED_NAME_CLASH,
          DiagnosticCode.MODEL_NOT_ON_INTERFACE);

  @Test
  void everyDiagnosticCodeIsPinnedByACase() throws IOException {
    Set<DiagnosticCode> missing = EnumSet.allOf(DiagnosticCode.class);
    missing.removeAll(PINNED_ELSEWHERE);
    for (Case c : cases()) {
      for (String line : c.expected()) {
        String code = line.split(" ")[1];
        missing.removeIf(d -> d.code().equals(code));
      }
    }
    assertEquals(EnumSet.noneOf(DiagnosticCode.class), missing);
  }
}
