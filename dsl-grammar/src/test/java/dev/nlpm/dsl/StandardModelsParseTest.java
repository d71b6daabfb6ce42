package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nlpm.compiler.bind.Binder;
import dev.nlpm.compiler.bind.BoundModels;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.validate.Validator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The standard models of stdlib-models parse, bind and validate, and are written in canonical
 * form. They are read where they are, next to this module, so there is no copy to keep in step.
 */
class StandardModelsParseTest {

  /** The standard models, seen from this module's folder (where Surefire runs). */
  static final Path STDLIB = Path.of("../stdlib-models/src/main/nlpm");

  static List<Path> standardFiles() throws IOException {
    return nlpmFilesUnder(STDLIB);
  }

  static ParsedProgram standardProgram() {
    try {
      return NlpmFrontEnd.load(standardFiles(), STDLIB);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Path> nlpmFilesUnder(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".nlpm")).sorted().toList();
    }
  }

  @Test
  void everyStandardFileParsesWithoutDiagnostics() throws Exception {
    ParsedProgram program = standardProgram();
    assertEquals(List.of(), program.diagnostics());
    List<String> names =
        program.declarations().targets().stream().map(m -> m.name().text()).toList();
    assertTrue(
        names.containsAll(List.of("BertBase", "BertTiny", "Gpt2Small", "SkipGram", "MaskPredictNat")),
        names.toString());
    ModelDecl tiny =
        program.declarations().targets().stream()
            .filter(m -> m.name().text().equals("BertTiny"))
            .findFirst()
            .orElseThrow();
    assertEquals("dev.nlpm.models", tiny.javaPackage());
    assertEquals("dev/nlpm/models/encoders.nlpm", tiny.sourceName());
    assertEquals("BertBase", tiny.parent().orElseThrow().text());
    assertFalse(tiny.family().isPresent());
  }

  @Test
  void everyStandardModelBindsAndValidates() throws Exception {
    ParsedProgram program = standardProgram();
    Diagnostics diagnostics = new Diagnostics();
    BoundModels bound = Binder.bind(program.declarations(), diagnostics);
    Validator.validate(bound.targets(), bound.all(), diagnostics);
    assertEquals(List.of(), diagnostics.all());
    assertEquals(program.declarations().targets().size(), bound.targets().size());
  }

  @Test
  void standardFilesAreInCanonicalForm() throws Exception {
    for (Path file : standardFiles()) {
      String text = Files.readString(file);
      ParsedProgram program =
          NlpmFrontEnd.parse(file.getFileName().toString(), text, IncludeResolver.none());
      assertEquals(List.of(), program.diagnostics(), file.toString());
      assertEquals(text, NlpmFormatter.format(program.files().get(0)), file + " is not formatted");
    }
  }
}
