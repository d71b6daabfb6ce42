package dev.nlpm.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.dsl.ParsedProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Every standard model, written as an annotated interface (under {@code
 * src/test/resources/annotated}), generates through the processor the same source as its
 * {@code .nlpm} form through the compiler, byte for byte apart from the line of {@code
 * @Generated} that names where it came from.
 */
class EquivalenceTest {

  static final Path STDLIB = Path.of("../stdlib-models/src/main/nlpm");
  static final Path ANNOTATED = Path.of("src/test/resources/annotated");

  static ParsedProgram standard() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(STDLIB)) {
      files = walk.filter(p -> p.toString().endsWith(".nlpm")).sorted().toList();
    }
    return NlpmFrontEnd.load(files, STDLIB);
  }

  static Path annotatedFile(ModelDecl model) {
    return ANNOTATED.resolve(model.javaPackage().replace('.', '/')).resolve(model.name().text() + ".java");
  }

  /** The annotated forms are what the translation gives; regenerate with -Dnlpm.updateAnnotated=true. */
  @Test
  void theAnnotatedFormsAreTheTranslationsOfTheStandardModels() throws IOException {
    for (ModelDecl model : standard().declarations().targets()) {
      Path file = annotatedFile(model);
      String translation = AnnotatedForm.of(model);
      if (Boolean.getBoolean("nlpm.updateAnnotated")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, translation);
      }
      assertEquals(translation, Files.readString(file), file.toString());
    }
  }

  @Test
  void annotatedFormsGenerateTheSameSourcesAsTheNlpmForms() throws IOException {
    ParsedProgram program = standard();
    Compilation fromNlpm = NlpmCompiler.compile(program.declarations());
    // the standard models that the runtime does not run yet warn (StandardModelsRunnabilityTest lists them)
    assertEquals(List.of(), fromNlpm.diagnostics().stream().filter(d -> d.isError()).toList());
    List<JavaFileObject> interfaces = new ArrayList<>();
    for (ModelDecl model : program.declarations().targets()) {
      Path file = annotatedFile(model);
      interfaces.add(JavaFileObjects.forSourceString(model.javaPackage() + "." + model.name().text(), Files.readString(file)));
    }
    com.google.testing.compile.Compilation javac =
        javac().withOptions("-Xlint:all,-processing").withProcessors(new NlpmProcessor()).compile(interfaces);
    assertThat(javac).succeeded();
    // The same warnings as the .nlpm forms, each now on its element, annotation or value.
    assertEquals(
        fromNlpm.diagnostics().stream().map(d -> d.message() + " [" + d.code().code() + "]").sorted().toList(),
        javac.warnings().stream().map(w -> w.getMessage(java.util.Locale.ROOT)).sorted().toList());
    // A Layout for each of the 18 models, Kernels and a Model facade for each of the 3 word2vec ones,
    // Kernels for each of the 7 encoders with full attention (BERT base, tiny and mini, RoBERTa, ALBERT,
    // SpanBERT, DistilBERT) and a Model facade for the 5 the runtime encoder runs (BERT base, tiny and
    // mini, RoBERTa, ALBERT), Kernels and a Model facade for each of the 2 GPT-style decoders (GPT-2
    // small, GptMini), and for the LSTM LM (CharLstm); and the generated Passes of each of the 5 encoders
    // the runtime runs, of the 2 GPT-style decoders and of the LSTM LM, which the compiler composes.
    assertEquals(18 + 2 * 3 + 7 + 5 + 2 * 2 + 2 + 5 + 2 + 1, fromNlpm.files().size());
    for (GeneratedFile expected : fromNlpm.files()) {
      JavaFileObject generated =
          javac.generatedFile(StandardLocation.SOURCE_OUTPUT, expected.qualifiedName().replace('.', '/') + ".java").orElseThrow();
      String actual = generated.getCharContent(true).toString();
      assertTrue(actual.contains("comments = \"from " + expected.qualifiedName().replaceFirst("(Layout|Kernels|Passes|Model)$", "") + "\""), actual);
      assertEquals(withoutOrigin(expected.source()), withoutOrigin(actual), expected.qualifiedName());
    }
  }

  private static String withoutOrigin(String source) {
    return source.replaceFirst("\n    comments = \"from [^\"]*\"\n", "\n    comments = \"\"\n");
  }
}
