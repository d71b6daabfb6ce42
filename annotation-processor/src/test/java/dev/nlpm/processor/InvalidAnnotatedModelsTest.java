package dev.nlpm.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid annotated interfaces: each gets exactly one error, with its code and message, in its
 * file, on the line of the element (or annotation) that caused it.
 */
class InvalidAnnotatedModelsTest {

  static final String IMPORTS = "package p;\nimport dev.nlpm.runtime.annotations.*;\n";

  static Arguments error(String name, String body, String marker, String message) {
    return Arguments.of(name, IMPORTS + body, marker, message);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        error("HiddenNotDivisible", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              int HIDDEN = 100;
              int HEADS = 3;
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "HEADS = 3",
            "hidden size 100 is not divisible by 3 heads; head counts that divide 100: 1, 2, 4, 5, 10, 20, 25, 50, 100 [NLPM303]"),
        error("UnknownOption", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              int HIDEN = 64;
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "HIDEN",
            "unknown option 'hiden' in model A; valid options: vocab, hidden, max_length, layers, heads, intermediate, activation, sharing, pooler, names [NLPM206]"),
        error("UnknownFamily", """
            @Model(family = "transformer")
            interface A {
              int VOCAB = 100;
            }""", "@Model",
            "unknown family 'transformer'; valid families: word2vec, encoder, decoder, lstm_lm, rnn_seq2seq, transformer_seq2seq, nat [NLPM200]"),
        error("MissingFamily", """
            @Model
            interface A {
              int VOCAB = 100;
            }""", "@Model",
            "model A declares neither a family nor a parent: write 'model A : encoder { ... }' or 'model A extends Parent { ... }' [NLPM201]"),
        error("UnknownParent", """
            @Model(parent = "Bsae")
            interface A {}""", "@Model",
            "unknown parent model 'Bsae'; known models: A [NLPM202]"),
        error("Cycle", """
            @Model(parent = "A")
            interface A {}""", "@Model",
            "inheritance cycle: A -> A [NLPM203]"),
        error("DuplicateName", """
            @Model(family = "encoder")
            interface A { int VOCAB = 100; @Section(kind = "objective", variant = "mlm") interface Mlm {} }
            @Model(name = "A", family = "encoder")
            interface B { int VOCAB = 100; @Section(kind = "objective", variant = "mlm") interface Mlm {} }""",
            "@Model(name = \"A\"",
            "model 'A' is already declared at p.A @Model; model names must be unique [NLPM204]"),
        error("WrongType", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              String HEADS = "two";
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "HEADS",
            "'heads' expects an integer, found a string (\"two\") [NLPM211]"),
        error("UnknownWord", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              String ACTIVATION = "swish";
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "ACTIVATION",
            "'activation' must be one of gelu, gelu_tanh, relu, tanh, silu, found 'swish' [NLPM212]"),
        error("MissingVocab", """
            @Model(family = "encoder")
            interface A {
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "@Model",
            "model A requires 'vocab' (the token vocabulary size, e.g. vocab = 30522;) [NLPM213]"),
        error("NotAConstant", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              Integer LAYERS = Integer.valueOf(2);
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "LAYERS",
            "option 'LAYERS' is not a compile-time constant of type int, long, double, boolean or String; write lists and ranges with @Option [NLPM221]"),
        error("NameClash", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }
            class ALayout {}""", "@Model",
            "the generated class p.ALayout would clash with an existing type; rename the model with @Model(name = ...) [NLPM222]"),
        error("NotAnInterface", """
            @Model(family = "encoder")
            class A {}""", "class A",
            "@Model belongs on an interface, not on a class [NLPM223]"),
        error("MlmParts", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "objective", variant = "mlm")
              interface Mlm {
                double MASK = 0.7;
              }
            }""", "MASK = 0.7",
            "the MLM parts mask + random + keep must sum to 1, found 0.7 + 0.1 + 0.1 = 0.9 [NLPM304]"),
        error("NspOnDecoder", """
            @Model(family = "decoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "objective", variant = "clm") interface Clm {}
              @Section(kind = "objective", variant = "nsp") interface Nsp {}
            }""", "interface Nsp",
            "objective 'nsp' does not fit the decoder family; objectives for decoder: clm, distillation [NLPM305]"),
        error("BeamOnWord2vec", """
            @Model(family = "word2vec")
            interface A {
              @Section(kind = "objective", variant = "skipgram") interface SkipGram {}
              @Section(kind = "decoding", variant = "beam") interface Beam {}
            }""", "interface Beam",
            "decoding 'beam' does not fit the word2vec family; its models do not generate text, so they take no decoding [NLPM306]"),
        error("CausalLinformer", """
            @Model(family = "decoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "attention", variant = "linformer") interface Attention { int K = 64; }
              @Section(kind = "objective", variant = "clm") interface Clm {}
            }""", "interface Attention",
            "attention 'linformer' cannot be used in a decoder: Linformer projects keys along the whole sequence, so it cannot be causal; use causal, local or xl [NLPM307]"),
        error("LinformerK", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              int MAX_LENGTH = 128;
              @Section(kind = "attention", variant = "linformer")
              interface Attention {
                int K = 256;
              }
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "K = 256",
            "Linformer k = 256 exceeds max_length = 128; k must lie in [1, 128] [NLPM308]"),
        error("SboWithoutSpan", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
              @Section(kind = "objective", variant = "sbo") interface Sbo {}
            }""", "interface Sbo",
            "objective 'sbo' requires objective 'span' (the span-boundary objective predicts the tokens of masked spans) [NLPM311]"),
        error("NoObjective", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
            }""", "@Model",
            "model A declares no objective; the encoder family trains with one of: mlm, nsp, sop, span, sbo, distillation (write 'objective mlm;') [NLPM312]"),
        error("EmptyRange", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "objective", variant = "span")
              @Option(key = "length", range = {10, 2})
              interface Span {}
            }""", "@Option",
            "'length' is the empty range 10..2; write from..to with from <= to [NLPM313]"),
        error("UnknownSection", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "optimizer") interface Optimizer { double LR = 0.1; }
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "interface Optimizer",
            "unknown section 'optimizer' in model A; valid sections: embeddings, norm, attention, dropout, tokenizer, objective, decoding, head, train [NLPM207]"),
        error("MissingVariant", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "objective") interface Mlm {}
            }""", "interface Mlm",
            "section 'objective' needs a variant, one of: skipgram, cbow, mlm, nsp, sop, span, sbo, clm, translation, cmlm, length, glancing, distillation [NLPM216]"),
        error("UnknownTeacher", """
            @Model(family = "encoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
              @Section(kind = "objective", variant = "distillation") interface Distill { String TEACHER = "Bert"; }
            }""", "TEACHER",
            "unknown teacher model 'Bert'; known models: A [NLPM218]"),
        error("JavaKeywordName", """
            @Model(name = "class", family = "encoder")
            interface A {
              int VOCAB = 100;
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }""", "@Model",
            "'class' is not a valid Java class name: model names name the generated classes; use letters, digits and '_', not a Java keyword [NLPM219]"),
        error("NothingToRemove", """
            @Model(family = "encoder")
            interface Base {
              int VOCAB = 100;
              @Section(kind = "objective", variant = "mlm") interface Mlm {}
            }
            @Model(parent = "Base")
            @Remove(kind = "objective", variant = "nsp")
            interface A {}""", "@Remove",
            "'remove objective nsp' removes nothing: model A inherits no such section [NLPM214]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsOneErrorOnTheLineThatCausedIt(String name, String source, String marker, String message) {
    JavaFileObject file = JavaFileObjects.forSourceString("p." + name, source);
    Compilation compilation = javac().withProcessors(new NlpmProcessor()).compile(file);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(message).inFile(file).onLine(lineOf(source, marker));
  }

  @org.junit.jupiter.api.Test
  void anInvalidModelIsReportedAloneBesideAValidOne() {
    String source =
        IMPORTS
            + """
            @Model(family = "encoder")
            interface Good { int VOCAB = 100; int HIDDEN = 64; int HEADS = 4; @Section(kind = "objective", variant = "mlm") interface Mlm {} }
            @Model(family = "encoder")
            interface Bad { int VOCAB = 100; int HIDDEN = 64; int HEADS = 3; @Section(kind = "objective", variant = "mlm") interface Mlm {} }
            class Two {}""";
    JavaFileObject file = JavaFileObjects.forSourceString("p.Two", source);
    Compilation compilation = javac().withProcessors(new NlpmProcessor()).compile(file);
    // Good is checked and reported clean, Bad gets its one error. (javac hides generated files of a
    // failed compilation from compile-testing; InvalidModelsTest.onlyTheValidModelsAreGenerated
    // shows that Good is generated and Bad is not.)
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[NLPM303]").inFile(file).onLine(lineOf(source, "interface Bad"));
  }

  static long lineOf(String source, String marker) {
    List<String> lines = source.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("no line contains " + marker);
  }
}
