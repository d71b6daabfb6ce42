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
}
