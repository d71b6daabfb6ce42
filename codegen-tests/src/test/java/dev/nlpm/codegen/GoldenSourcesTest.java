package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.codegen.GeneratedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated sources of three small models (two in {@code golden.nlpm}, an LSTM language model
 * in {@code lstm.nlpm}), compared with the copies checked in under
 * {@code src/test/resources/golden}. A change to the generated code shows up here as a diff to
 * review; when it is intended, regenerate them with
 * {@code mvn -B -pl codegen-tests -am verify -Dnlpm.updateGolden=true} and commit the result.
 */
class GoldenSourcesTest {

  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @Test
  void generatedSourcesMatchTheGoldenCopies() throws IOException {
    List<GeneratedFile> files =
        Models.compile("golden.nlpm", Files.readString(GOLDEN.resolve("golden.nlpm"))).files();
    assertEquals(List.of("golden.TinyBertLayout", "golden.TinyBertKernels", "golden.TinyBertPasses", "golden.TinyBertModel", "golden.TinyWordsLayout", "golden.TinyWordsKernels", "golden.TinyWordsModel", "golden.TinyGptLayout", "golden.TinyGptKernels", "golden.TinyGptPasses", "golden.TinyGptModel"), files.stream().map(GeneratedFile::qualifiedName).toList());
    boolean update = Boolean.getBoolean("nlpm.updateGolden");
    for (GeneratedFile file : files) {
      Path golden = GOLDEN.resolve(file.qualifiedName().substring("golden.".length()) + ".java.txt");
      if (update) {
        Files.writeString(golden, file.source());
      }
      assertEquals(Files.readString(golden), file.source(), golden + " differs from the generated source");
    }
  }

  /** An LSTM language model's sources, its generated passes among them. */
  @Test
  void lstmSourcesMatchTheGoldenCopies() throws IOException {
    List<GeneratedFile> files = Models.compile("lstm.nlpm", Files.readString(GOLDEN.resolve("lstm.nlpm"))).files();
    assertEquals(List.of("golden.TinyLstmLayout", "golden.TinyLstmKernels", "golden.TinyLstmPasses", "golden.TinyLstmModel"),
        files.stream().map(GeneratedFile::qualifiedName).toList());
    matchGoldenCopies(files);
  }

  private static void matchGoldenCopies(List<GeneratedFile> files) throws IOException {
    boolean update = Boolean.getBoolean("nlpm.updateGolden");
    for (GeneratedFile file : files) {
      Path golden = GOLDEN.resolve(file.qualifiedName().substring("golden.".length()) + ".java.txt");
      if (update) {
        Files.writeString(golden, file.source());
      }
      assertEquals(Files.readString(golden), file.source(), golden + " differs from the generated source");
    }
  }
}
