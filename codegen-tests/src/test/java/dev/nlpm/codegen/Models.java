package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.dsl.IncludeResolver;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.dsl.ParsedProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Compiles {@code .nlpm} text or files for the tests, failing on any error. The warnings of models
 * the runtime does not run yet are allowed (their layouts are generated regardless); they are pinned
 * in dsl-grammar's not-runnable-models.txt and StandardModelsRunnabilityTest.
 */
final class Models {

  static final Path STDLIB = Path.of("../stdlib-models/src/main/nlpm");

  private Models() {}

  static Compilation compile(String name, String text) {
    ParsedProgram program = NlpmFrontEnd.parse(name, text, IncludeResolver.none());
    assertEquals(List.of(), program.diagnostics(), text);
    Compilation compilation = NlpmCompiler.compile(program.declarations());
    assertEquals(List.of(), errors(compilation), text);
    return compilation;
  }

  static Compilation standard() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(STDLIB)) {
      files = walk.filter(p -> p.toString().endsWith(".nlpm")).sorted().toList();
    }
    ParsedProgram program = NlpmFrontEnd.load(files, STDLIB);
    assertEquals(List.of(), program.diagnostics());
    Compilation compilation = NlpmCompiler.compile(program.declarations());
    assertEquals(List.of(), errors(compilation));
    return compilation;
  }

  private static List<dev.nlpm.compiler.diag.Diagnostic> errors(Compilation compilation) {
    return compilation.diagnostics().stream().filter(dev.nlpm.compiler.diag.Diagnostic::isError).toList();
  }
}
