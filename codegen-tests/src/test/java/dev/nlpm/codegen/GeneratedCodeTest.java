package dev.nlpm.codegen;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.ClassFileMethods;
import dev.nlpm.compiler.codegen.GeneratedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The standard models, from their {@code .nlpm} files through the whole compiler: the generated
 * code compiles without a warning under {@code -Xlint:all}, no method of it is too large for
 * HotSpot to JIT-compile (8,000 bytes of bytecode), and generation is deterministic; the same for
 * every encoder shape's passes ({@link EncoderPassesGeneratedTest#SHAPES}). Deep models
 * of every naming scheme are checked the same way in the compiler's {@code LayoutWriterTest}.
 */
class GeneratedCodeTest {

  static final int HUGE_METHOD_LIMIT = 8000;

  private static com.google.testing.compile.Compilation javac(List<GeneratedFile> files) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (GeneratedFile file : files) {
      sources.add(JavaFileObjects.forSourceString(file.qualifiedName(), file.source()));
    }
    return Compiler.javac().withOptions("-Xlint:all", "-Werror").compile(sources);
  }

  private static void assertCompilesSmallAndClean(Compilation compilation) throws IOException {
    com.google.testing.compile.Compilation javac = javac(compilation.files());
    assertThat(javac).succeededWithoutWarnings();
    int classes = 0;
    for (JavaFileObject file : javac.generatedFiles()) {
      if (file.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      if (!file.getName().contains("$")) {
        // one top-level class a generated file; nested ones (a passes' Workspace) are checked too
        classes++;
      }
      byte[] bytes;
      try (InputStream in = file.openInputStream()) {
        bytes = in.readAllBytes();
      }
      for (Map.Entry<String, Integer> method : ClassFileMethods.codeLengths(bytes).entrySet()) {
        assertTrue(
            method.getValue() < HUGE_METHOD_LIMIT,
            file.getName() + " " + method.getKey() + " has " + method.getValue() + " bytes of bytecode");
      }
    }
    assertEquals(compilation.files().size(), classes);
  }

  @Test
  void theStandardModelsCompileCleanlyWithSmallMethods() throws IOException {
    Compilation standard = Models.standard();
    // among them, GPT-2's generated passes (tied)
    assertTrue(standard.files().stream().anyMatch(f -> f.qualifiedName().equals("dev.nlpm.models.Gpt2SmallPasses")));
    assertCompilesSmallAndClean(standard);
  }

  @Test
  void anUntiedDecodersPassesCompileCleanlyWithSmallMethods() throws IOException {
    assertCompilesSmallAndClean(DecoderPassesGeneratedTest.compile(false));
  }

  @Test
  void everyEncoderShapesPassesCompileCleanlyWithSmallMethods() throws IOException {
    assertCompilesSmallAndClean(EncoderPassesGeneratedTest.compileShapes());
  }

  @Test
  void generationIsDeterministic() throws IOException {
    List<String> first = Models.standard().files().stream().map(GeneratedFile::source).toList();
    List<String> second = Models.standard().files().stream().map(GeneratedFile::source).toList();
    assertEquals(first, second);
    for (String source : first) {
      assertTrue(source.contains("@Generated("));
      assertTrue(!source.matches("(?s).*\\b20\\d\\d-\\d\\d-\\d\\d.*"), "no date in generated code");
    }
  }

  /** An LSTM's passes loop over the steps and the layers: a deep, wide one's methods stay as small as a tiny one's. */
  @Test
  void aDeepLstmsPassesCompileCleanlyWithSmallMethods() throws IOException {
    assertCompilesSmallAndClean(Models.compile("deep.nlpm", "package gen;\nmodel Deep : lstm_lm {\n  max_vocab = 50000;\n"
        + "  embedding = 1024;\n  hidden = 2048;\n  layers = 24;\n  dropout = 0.5;\n  objective clm;\n}\n"));
  }
}
