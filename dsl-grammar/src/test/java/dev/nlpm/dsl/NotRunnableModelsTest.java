package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every valid input of {@code not-runnable-models.txt} gets exactly the warnings written under it
 * (code, message, line:col) and generates exactly the classes listed: its Layout, its kernels
 * where they fit, and no facade while any warning stands.
 */
class NotRunnableModelsTest {

  static List<DiagnosticCases.Case> cases() throws IOException {
    return DiagnosticCases.read("not-runnable-models.txt");
  }

  @TestFactory
  Stream<DynamicTest> everyNotRunnableInputGetsItsWarningsAndItsLayout() throws IOException {
    return cases().stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
          DiagnosticCases.Outcome outcome = DiagnosticCases.compile(c.name(), c.text());
          assertEquals(c.expected(), outcome.diagnostics());
          assertEquals(c.generates().orElseThrow(() -> new AssertionError(c.name() + " lists no '--- generates'")), outcome.generated());
        }));
  }

  /** Each not-runnable code (the 4xx range) is a warning, never an error, in every case. */
  @Test
  void theNotRunnableCodesAreWarnings() throws IOException {
    for (DiagnosticCases.Case c : cases()) {
      for (String line : c.expected()) {
        assertTrue(DiagnosticCases.code(line).startsWith("NLPM4") && line.contains(" warning: "), c.name() + ": " + line);
      }
    }
  }
}
