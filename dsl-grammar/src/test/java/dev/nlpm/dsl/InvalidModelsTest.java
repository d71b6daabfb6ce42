package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.diag.DiagnosticCode;
import java.io.IOException;
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

  static List<DiagnosticCases.Case> cases() throws IOException {
    return DiagnosticCases.read("invalid-models.txt");
  }

  /** Parses and checks like the command line does; diagnostics as "line:col CODE message". */
  static List<String> diagnose(String name, String text) {
    return DiagnosticCases.compile(name, text).diagnostics();
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
        List.of("GoodLayout", "GoodKernels", "GoodPasses", "GoodModel"),
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
   * The warnings of valid models the runtime cannot run yet are pinned in {@code
   * not-runnable-models.txt} ({@code NotRunnableModelsTest}), counted here too.
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
    List<DiagnosticCases.Case> all = new ArrayList<>(cases());
    all.addAll(NotRunnableModelsTest.cases());
    for (DiagnosticCases.Case c : all) {
      for (String line : c.expected()) {
        String code = DiagnosticCases.code(line);
        missing.removeIf(d -> d.code().equals(code));
      }
    }
    assertEquals(EnumSet.noneOf(DiagnosticCode.class), missing);
  }
}
