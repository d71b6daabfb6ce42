package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nlpm.compiler.diag.Diagnostics;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.junit.jupiter.api.Test;

/** The AST builder refuses parse-tree nodes it has no method for, rather than skipping them. */
class NlpmAstBuilderTest {

  @Test
  void aNodeWithoutAVisitorMethodIsAnInternalError() {
    NlpmParser parser = new NlpmParser(new CommonTokenStream(new NlpmLexer(CharStreams.fromString("a.b.c"))));
    NlpmParser.QualifiedNameContext name = parser.qualifiedName();
    NlpmAstBuilder builder = new NlpmAstBuilder("x.nlpm", new Diagnostics());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder.visit(name));
    assertEquals("the AST builder has no method for QualifiedNameContext at x.nlpm:1", e.getMessage());
    assertThrows(IllegalStateException.class, () -> builder.visit(name.IDENT(0)));
  }
}
