package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.decl.ModelDecl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Includes on the file system: resolved relative to the including file, each parsed once. */
class IncludesTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private static List<String> diagnostics(ParsedProgram program) {
    return program.diagnostics().stream().map(Object::toString).toList();
  }

  private static List<String> names(List<ModelDecl> models) {
    return models.stream().map(m -> m.name().text()).toList();
  }

  @Test
  void includedModelsAreVisibleButNotTargets() throws IOException {
    write("common/base.nlpm", "package x.base;\nmodel Base : encoder { vocab = 100; objective mlm; }\n");
    Path main = write("models/main.nlpm", "package x.main;\ninclude \"../common/base.nlpm\";\nmodel Child extends Base { hidden = 64; heads = 4; }\n");
    ParsedProgram program = NlpmFrontEnd.load(List.of(main), dir);
    assertEquals(List.of(), diagnostics(program));
    assertEquals(List.of("Child"), names(program.declarations().targets()));
    assertEquals(List.of("Base"), names(program.declarations().visible()));
    ModelDecl base = program.declarations().visible().get(0);
    assertEquals("common/base.nlpm", base.sourceName());
    assertEquals("x.base", base.javaPackage());
    assertEquals("x.main", program.declarations().targets().get(0).javaPackage());
  }

  @Test
  void aDiamondIsParsedOnce() throws IOException {
    write("d.nlpm", "model D : encoder { vocab = 100; objective mlm; }\n");
    write("b.nlpm", "include \"d.nlpm\";\nmodel B extends D { }\n");
    write("c.nlpm", "include \"d.nlpm\";\nmodel C extends D { }\n");
    Path a = write("a.nlpm", "include \"b.nlpm\";\ninclude \"c.nlpm\";\nmodel A extends B { }\n");
    ParsedProgram program = NlpmFrontEnd.load(List.of(a), dir);
    assertEquals(List.of(), diagnostics(program));
    assertEquals(List.of("A"), names(program.declarations().targets()));
    assertEquals(List.of("B", "D", "C"), names(program.declarations().visible()));
  }

  @Test
  void aMissingIncludeIsReportedAtItsPath() throws IOException {
    Path a = write("a.nlpm", "\ninclude  \"nope/b.nlpm\";\n");
    ParsedProgram program = NlpmFrontEnd.load(List.of(a), dir);
    assertEquals(
        List.of("a.nlpm:2:10: error: included file \"nope/b.nlpm\" not found (looked for nope/b.nlpm) [NLPM102]"),
        diagnostics(program));
  }

  @Test
  void anIncludeCycleShowsTheChainAtTheIncludeThatClosesIt() throws IOException {
    write("b.nlpm", "include \"c.nlpm\";\n");
    write("c.nlpm", "model C : encoder { vocab = 1; objective mlm; }\ninclude \"a.nlpm\";\n");
    Path a = write("a.nlpm", "include \"b.nlpm\";\n");
    ParsedProgram program = NlpmFrontEnd.load(List.of(a), dir);
    assertEquals(
        List.of(
            "c.nlpm:2:1: error: expected a model declaration ('model Name : family { ... }') after '}', found 'include' [NLPM100]"),
        diagnostics(program));
    write("c.nlpm", "include \"a.nlpm\";\nmodel C : encoder { vocab = 1; objective mlm; }\n");
    program = NlpmFrontEnd.load(List.of(a), dir);
    assertEquals(
        List.of("c.nlpm:1:9: error: include cycle: a.nlpm -> b.nlpm -> c.nlpm -> a.nlpm [NLPM103]"),
        diagnostics(program));
  }

  @Test
  void invalidUtf8IsReportedWithItsLine() throws IOException {
    Path a = dir.resolve("bad.nlpm");
    Files.write(a, new byte[] {'m', 'o', 'd', 'e', 'l', '\n', '/', '/', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
    ParsedProgram program = NlpmFrontEnd.load(List.of(a), dir);
    assertEquals(
        List.of("bad.nlpm:1:1: error: cannot read bad.nlpm: invalid UTF-8 on line 2 [NLPM106]"),
        diagnostics(program));
  }
}
