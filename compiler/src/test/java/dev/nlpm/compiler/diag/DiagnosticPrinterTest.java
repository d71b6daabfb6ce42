package dev.nlpm.compiler.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.source.ElementOrigin;
import dev.nlpm.compiler.source.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiagnosticPrinterTest {

  private static final Map<String, String> SOURCES = Map.of("m.nlpm", "model A {\n\theads = 3;\n}\n");

  @Test
  void printsTheLineAndACaretUnderTheColumnKeepingTabs() {
    Diagnostic d = Diagnostic.error(DiagnosticCode.NOT_POSITIVE, new SourcePosition("m.nlpm", 2, 10), "heads", 3);
    assertEquals(
        "m.nlpm:2:10: error: 'heads' must be positive, found 3 [NLPM300]\n  \theads = 3;\n  \t        ^\n",
        DiagnosticPrinter.render(d, name -> Optional.ofNullable(SOURCES.get(name))));
  }

  @Test
  void withoutTheTextOrForAJavaElementThereIsNoCaret() {
    Diagnostic inFile = Diagnostic.error(DiagnosticCode.NOT_POSITIVE, new SourcePosition("other.nlpm", 1, 1), "x", 0);
    Diagnostic onElement =
        Diagnostic.warning(DiagnosticCode.NOT_POSITIVE, new ElementOrigin("p.MyBert", "Encoder", "hidden"), "hidden", 0);
    assertEquals(
        "other.nlpm:1:1: error: 'x' must be positive, found 0 [NLPM300]\n"
            + "p.MyBert @Encoder(hidden): warning: 'hidden' must be positive, found 0 [NLPM300]\n",
        DiagnosticPrinter.render(List.of(onElement, inFile), name -> Optional.ofNullable(SOURCES.get(name))));
  }

  @Test
  void windowsLineEndingsStayOutOfTheLineAndALineBeyondTheTextHasNoCaret() {
    Map<String, String> sources = Map.of("w.nlpm", "model A {\r\n  vocab = -1;\r\n}\r\n");
    Diagnostic onLine = Diagnostic.error(DiagnosticCode.NOT_POSITIVE, new SourcePosition("w.nlpm", 2, 11), "vocab", -1);
    Diagnostic beyond = Diagnostic.error(DiagnosticCode.NOT_POSITIVE, new SourcePosition("w.nlpm", 9, 1), "vocab", -1);
    assertEquals(
        "w.nlpm:2:11: error: 'vocab' must be positive, found -1 [NLPM300]\n    vocab = -1;\n            ^\n",
        DiagnosticPrinter.render(onLine, name -> Optional.ofNullable(sources.get(name))));
    assertEquals(
        "w.nlpm:9:1: error: 'vocab' must be positive, found -1 [NLPM300]\n",
        DiagnosticPrinter.render(beyond, name -> Optional.ofNullable(sources.get(name))));
  }

  @Test
  void diagnosticsAreSortedByFileLineAndColumnWithJavaElementsLast() {
    Diagnostic b11 = Diagnostic.error(DiagnosticCode.NOT_POSITIVE, new SourcePosition("b.nlpm", 1, 1), "x", 0);
    Diagnostic a23 = Diagnostic.error(DiagnosticCode.NOT_POSITIVE, new SourcePosition("a.nlpm", 2, 3), "x", 0);
    Diagnostic a21 = Diagnostic.error(DiagnosticCode.NOT_POSITIVE, new SourcePosition("a.nlpm", 2, 1), "x", 0);
    Diagnostic element = Diagnostic.error(DiagnosticCode.NOT_POSITIVE, new ElementOrigin("p.M", "Encoder", "hidden"), "x", 0);
    assertEquals(
        "a.nlpm:2:1: error: 'x' must be positive, found 0 [NLPM300]\n"
            + "a.nlpm:2:3: error: 'x' must be positive, found 0 [NLPM300]\n"
            + "b.nlpm:1:1: error: 'x' must be positive, found 0 [NLPM300]\n"
            + "p.M @Encoder(hidden): error: 'x' must be positive, found 0 [NLPM300]\n",
        DiagnosticPrinter.render(List.of(element, b11, a23, a21), name -> Optional.empty()));
  }
}
