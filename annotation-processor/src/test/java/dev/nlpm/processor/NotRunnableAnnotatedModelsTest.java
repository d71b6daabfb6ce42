package dev.nlpm.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.nlpm.processor.InvalidAnnotatedModelsTest.IMPORTS;
import static dev.nlpm.processor.InvalidAnnotatedModelsTest.lineOf;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Valid annotated interfaces the runtime does not run yet: the processor reports each gap as a
 * WARNING through the Messager, on the element, annotation or annotation value that asks for it,
 * and still writes the Layout (and the kernels where they fit), but no facade.
 */
class NotRunnableAnnotatedModelsTest {

  @Test
  void eachGapIsAWarningOnTheElementAnnotationOrValueThatAsksForIt() {
    String source =
        IMPORTS
            + """
            @Model(family = "encoder")
            interface Lin {
              int VOCAB = 100;
              int HIDDEN = 64;
              int HEADS = 4;
              @Section(kind = "attention", variant = "linformer") interface Attention { int K = 16; }
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }
            @Model(family = "decoder")
            interface Dec {
              int VOCAB = 100;
              int HIDDEN = 64;
              int HEADS = 4;
              String NAMES = "transfo_xl";
              @Section(kind = "attention", variant = "xl") interface Attention { int MEMORY = 16; }
              @Section(kind = "objective", variant = "clm") interface Clm {}
            }
            @Model(
                family = "rnn_seq2seq")
            interface Rnn {
              int SOURCE_VOCAB = 100;
              int TARGET_VOCAB = 100;
              @Section(kind = "objective", variant = "translation") interface Translation {}
            }""";
    JavaFileObject file = JavaFileObjects.forSourceString("p.Lin", source);
    Compilation compilation = javac().withOptions("-Xlint:all,-processing").withProcessors(new NlpmProcessor()).compile(file);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(4);
    assertThat(compilation)
        .hadWarningContaining("names = transfo_xl is not runnable yet in the decoder family: Dec gets its layout, no facade;"
            + " names = gpt2 or nlpm runs [NLPM415]")
        .inFile(file)
        .onLine(lineOf(source, "String NAMES"));
    assertThat(compilation)
        .hadWarningContaining("attention xl (segment memory with relative positions) is not runnable yet: Dec gets its layout, no facade;"
            + " causal attention with learned positions runs [NLPM402]")
        .inFile(file)
        .onLine(lineOf(source, "variant = \"xl\""));
    assertThat(compilation)
        .hadWarningContaining("attention linformer is not runnable yet: Lin gets its layout, no facade; full attention runs [NLPM401]")
        .inFile(file)
        .onLine(lineOf(source, "variant = \"linformer\""));
    // on the annotation's value: the line of family = ..., not of @Model(
    assertThat(compilation)
        .hadWarningContaining("the rnn_seq2seq family is not runnable yet: Rnn gets its layout, no facade; "
            + "the word2vec, encoder, decoder and lstm_lm families run [NLPM407]")
        .inFile(file)
        .onLine(lineOf(source, "family = \"rnn_seq2seq\""));
    assertThat(compilation).generatedSourceFile("p.LinLayout");
    assertThat(compilation).generatedSourceFile("p.RnnLayout");
    assertThat(compilation).generatedSourceFile("p.DecLayout");
    assertFalse(compilation.generatedFile(StandardLocation.SOURCE_OUTPUT, "p/DecKernels.java").isPresent());
    assertFalse(compilation.generatedFile(StandardLocation.SOURCE_OUTPUT, "p/DecModel.java").isPresent());
    assertFalse(compilation.generatedFile(StandardLocation.SOURCE_OUTPUT, "p/LinModel.java").isPresent());
    assertFalse(compilation.generatedFile(StandardLocation.SOURCE_OUTPUT, "p/LinKernels.java").isPresent());
  }

  @Test
  void aRunnableModelCompilesWithoutWarningsUnderWerror() {
    JavaFileObject file = JavaFileObjects.forSourceString("p.Bert", IMPORTS + """
        @Model(family = "encoder")
        interface Bert {
          int VOCAB = 100;
          int HIDDEN = 64;
          int HEADS = 4;
          @Section(kind = "objective", variant = "mlm") interface Mlm {}
        }""");
    Compilation compilation = javac().withOptions("-Xlint:all,-processing", "-Werror").withProcessors(new NlpmProcessor()).compile(file);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("p.BertModel");
  }
}
