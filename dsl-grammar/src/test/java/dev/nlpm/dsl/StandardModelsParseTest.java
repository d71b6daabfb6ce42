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
 * The standard models parse, bind and validate, and are written in canonical form. The test reads
 * copies in its own resources (so that the module's tests do not depend on another module's
 * layout) and checks that the copies are those of stdlib-models when that folder is there.
 */
class StandardModelsParseTest {

  /** The originals, seen from this module's folder (where Surefire runs). */
  private static final Path ORIGINALS = Path.of("../stdlib-models/src/main/nlpm");

  static Path copies() throws URISyntaxException {
    return EveryConstructTest.resources().resolve("stdlib");
  }

  static List<Path> standardFiles() throws IOException, URISyntaxException {
    return nlpmFilesUnder(copies());
  }

  private static List<Path> nlpmFilesUnder(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".nlpm")).sorted().toList();
    }
  }

  @Test
  void everyStandardFileParsesWithoutDiagnostics() throws Exception {
    ParsedProgram program = NlpmFrontEnd.load(standardFiles(), copies());
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
    ParsedProgram program = NlpmFrontEnd.load(standardFiles(), copies());
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

  @Test
  void theCopiesAreThoseOfStdlibModels() throws Exception {
    assumeTrue(Files.isDirectory(ORIGINALS), "stdlib-models is not next to this module");
    List<Path> originals = nlpmFilesUnder(ORIGINALS);
    Path copyRoot = copies();
    List<Path> copies = standardFiles();
    assertEquals(
        originals.stream().map(p -> ORIGINALS.relativize(p).toString()).toList(),
        copies.stream().map(p -> copyRoot.relativize(p).toString()).toList(),
        "copy stdlib-models/src/main/nlpm into dsl-grammar/src/test/resources/dev/nlpm/dsl/stdlib");
    for (int i = 0; i < originals.size(); i++) {
      assertEquals(
          Files.readString(originals.get(i)),
          Files.readString(copies.get(i)),
          copies.get(i) + " differs from " + originals.get(i) + ": copy it again");
    }
  }
}
