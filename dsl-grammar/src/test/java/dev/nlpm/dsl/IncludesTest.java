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

  private static final byte[] INVALID_UTF8 = {
    '/', '/', ' ', 'o', 'k', '\n', '/', '/', ' ', (byte) 0xC3, (byte) 0xA9, (byte) 0xC3, (byte) 0x28, '\n'
  };

  @Test
  void invalidUtf8IsReportedAtItsFirstBadByte() throws IOException {
    Path a = dir.resolve("bad.nlpm");
    Files.write(a, INVALID_UTF8);
    ParsedProgram program = NlpmFrontEnd.load(List.of(a), dir);
    assertEquals(
        List.of("bad.nlpm:2:5: error: cannot read bad.nlpm: invalid UTF-8 on line 2 (byte offset 11) [NLPM106]"),
        diagnostics(program));
    assertEquals(List.of(), program.declarations().targets());
  }

  @Test
  void anIncludedFileWithInvalidUtf8IsReportedAtTheInclude() throws IOException {
    Files.createDirectories(dir.resolve("lib"));
    Files.write(dir.resolve("lib/bad.nlpm"), INVALID_UTF8);
    Path a = write("a.nlpm", "include \"lib/bad.nlpm\";\nmodel A : encoder { vocab = 1; objective mlm; }\n");
    ParsedProgram program = NlpmFrontEnd.load(List.of(a), dir);
    assertEquals(
        List.of(
            "a.nlpm:1:9: error: cannot read lib/bad.nlpm: invalid UTF-8 on line 2 (byte offset 11) [NLPM106]"),
        diagnostics(program));
  }

  @Test
  void aFileThatIncludesItselfIsACycle() throws IOException {
    Path a = write("a.nlpm", "\ninclude \"./a.nlpm\";\n");
    ParsedProgram program = NlpmFrontEnd.load(List.of(a), dir);
    assertEquals(List.of("a.nlpm:2:9: error: include cycle: a.nlpm -> a.nlpm [NLPM103]"), diagnostics(program));
  }

  @Test
  void aFileAskedForIsATargetEvenWhenAnotherIncludesIt() throws IOException {
    Path base = write("base.nlpm", "model Base : encoder { vocab = 100; objective mlm; }\n");
    Path child = write("child.nlpm", "include \"base.nlpm\";\nmodel Child extends Base { }\n");
    ParsedProgram program = NlpmFrontEnd.load(List.of(child, base), dir);
    assertEquals(List.of(), diagnostics(program));
    assertEquals(List.of("Child", "Base"), names(program.declarations().targets()));
    assertEquals(List.of(), names(program.declarations().visible()));
    assertEquals(List.of("child.nlpm", "base.nlpm"), program.files().stream().map(NlpmFile::sourceName).toList());
  }

  @Test
  void inMemoryIncludesGoThroughTheResolverWithTheIncludingName() {
    java.util.Map<String, String> texts =
        java.util.Map.of("lib/base.nlpm", "package lib;\nmodel Base : encoder { vocab = 100; objective mlm; }\n");
    List<String> asked = new java.util.ArrayList<>();
    IncludeResolver resolver =
        (from, path) -> {
          asked.add(from + " -> " + path);
          String name = path.startsWith("../") ? path.substring(3) : path;
          return java.util.Optional.ofNullable(texts.get(name)).map(text -> new IncludeResolver.Source(name, text));
        };
    ParsedProgram program =
        NlpmFrontEnd.parse("app/main.nlpm", "include \"../lib/base.nlpm\";\nmodel Main extends Base { }\n", resolver);
    assertEquals(List.of(), diagnostics(program));
    assertEquals(List.of("app/main.nlpm -> ../lib/base.nlpm"), asked);
    assertEquals(List.of("Main"), names(program.declarations().targets()));
    ModelDecl base = program.declarations().visible().get(0);
    assertEquals("lib", base.javaPackage());
    assertEquals("lib/base.nlpm", base.sourceName());
    assertEquals(java.util.Set.of("app/main.nlpm", "lib/base.nlpm"), program.sources().keySet());
  }
}
