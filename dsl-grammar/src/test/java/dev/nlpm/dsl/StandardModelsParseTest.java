package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.decl.ModelDecl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The standard models of stdlib-models parse, and their canonical form is what is checked in. */
class StandardModelsParseTest {

  static final Path STDLIB = Path.of("../stdlib-models/src/main/nlpm");

  static List<Path> standardFiles() throws IOException {
    try (Stream<Path> files = Files.walk(STDLIB)) {
      return files.filter(p -> p.toString().endsWith(".nlpm")).sorted().toList();
    }
  }

  @Test
  void everyStandardFileParsesWithoutDiagnostics() throws IOException {
    ParsedProgram program = NlpmFrontEnd.load(standardFiles(), STDLIB);
    assertEquals(List.of(), program.diagnostics());
    List<String> names =
        program.declarations().targets().stream().map(m -> m.name().text()).toList();
    assertTrue(names.containsAll(List.of("BertBase", "BertTiny", "Gpt2Small", "SkipGram", "MaskPredictNat")), names.toString());
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
  void everyStandardModelBindsAndValidates() throws IOException {
    ParsedProgram program = NlpmFrontEnd.load(standardFiles(), STDLIB);
    dev.nlpm.compiler.diag.Diagnostics diagnostics = new dev.nlpm.compiler.diag.Diagnostics();
    dev.nlpm.compiler.bind.BoundModels bound =
        dev.nlpm.compiler.bind.Binder.bind(program.declarations(), diagnostics);
    dev.nlpm.compiler.validate.Validator.validate(bound.targets(), bound.all(), diagnostics);
    assertEquals(List.of(), diagnostics.all());
    assertEquals(program.declarations().targets().size(), bound.targets().size());
  }

  @Test
  void standardFilesAreInCanonicalForm() throws IOException {
    for (Path file : standardFiles()) {
      String text = Files.readString(file);
      ParsedProgram program = NlpmFrontEnd.parse(file.getFileName().toString(), text, IncludeResolver.none());
      assertEquals(List.of(), program.diagnostics(), file.toString());
      assertEquals(text, NlpmFormatter.format(program.files().get(0)), file + " is not formatted");
    }
  }
}
