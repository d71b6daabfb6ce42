package dev.nlpm.codegen;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Generated code compiles without a warning under {@code -Xlint:all}, no method of it is too
 * large for HotSpot to JIT-compile (8,000 bytes of bytecode), and generation is deterministic.
 */
class GeneratedCodeTest {

  static final int HUGE_METHOD_LIMIT = 8000;

  /** Deep models of every naming scheme: the slot tables must stay small methods. */
  static final String DEEP_MODELS =
      """
      model DeepBert : encoder { vocab = 30522; layers = 48; objective mlm; objective nsp; head sequence_classification { labels = 3; } }
      model DeepAlbert : encoder { vocab = 30000; layers = 48; names = albert; embeddings { size = 128; } objective mlm; objective sop; }
      model DeepDistil : encoder { vocab = 30522; layers = 48; names = distilbert; pooler = false; embeddings { segments = 0; } objective mlm; }
      model DeepLinformer : encoder { vocab = 1000; layers = 48; attention linformer { k = 64; } objective span; objective sbo; }
      model DeepGpt : decoder { vocab = 50257; layers = 48; objective clm; decoding blockwise { k = 8; } }
      model DeepXl : decoder { vocab = 1000; layers = 48; attention xl { memory = 64; } objective clm; }
      model DeepLstm : lstm_lm { max_vocab = 1000; layers = 48; objective clm; }
      model DeepLstmFixed : lstm_lm { vocab = 1000; layers = 48; objective clm; }
      model DeepRnn : rnn_seq2seq { vocab = 1000; layers = 16; objective translation; }
      model DeepSeq : transformer_seq2seq { vocab = 1000; encoder { layers = 48; } decoder { layers = 48; } objective translation; }
      model DeepNat : nat { source_vocab = 1000; target_vocab = 900; encoder { layers = 48; } decoder { layers = 48; } objective cmlm; objective length; }
      model Words : word2vec { objective skipgram; }
      """;

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
      classes++;
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
    assertCompilesSmallAndClean(Models.standard());
  }

  @Test
  void deepModelsOfEveryNamingSchemeCompileCleanlyWithSmallMethods() throws IOException {
    assertCompilesSmallAndClean(Models.compile("deep.nlpm", DEEP_MODELS));
  }

  @Test
  void theClassFileReaderSeesALargeMethod() throws IOException {
    // The check above must be able to fail: a method of 10,000 statements is over the limit.
    StringBuilder body = new StringBuilder("public class Big { static int f(int x) {");
    for (int i = 0; i < 2000; i++) {
      body.append("x = x * 31 + ").append(i).append(";");
    }
    body.append("return x; } }");
    com.google.testing.compile.Compilation javac =
        Compiler.javac().compile(JavaFileObjects.forSourceString("Big", body.toString()));
    byte[] bytes;
    try (InputStream in = javac.generatedFiles().stream().filter(f -> f.getKind() == JavaFileObject.Kind.CLASS).findFirst().orElseThrow().openInputStream()) {
      bytes = in.readAllBytes();
    }
    assertTrue(ClassFileMethods.codeLengths(bytes).get("f(I)I") > HUGE_METHOD_LIMIT);
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
}
