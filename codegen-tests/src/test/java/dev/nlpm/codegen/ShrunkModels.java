package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.codegen.Runnability;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.dsl.IncludeResolver;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.dsl.ParsedProgram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The standard encoders, decoders and LSTM language models the runtime trains, each shrunk to
 * test sizes by a child declaration, {@code model SmallX extends X { … }}, in a file that includes
 * the standard ones: the child changes only sizes and the training run, so every shape option of
 * its parent (checkpoint names, norm placement, positions, token types, pooler, sharing,
 * factorized embeddings, activation, tying, objectives, masking, tokenizer) is the parent's.
 */
final class ShrunkModels {

  /** The Java package of the shrunk models' generated code. */
  static final String PACKAGE = "small";

  /** The families whose runnable models {@code EncoderTrainer} or {@code LstmTrainer} train. */
  static final Set<Family> TRAINED = Set.of(Family.ENCODER, Family.DECODER, Family.LSTM_LM);

  // The test sizes: two heads of 16, two layers, a factorized embedding half the width.
  static final int HIDDEN = 32;
  static final int HEADS = 2;
  static final int LAYERS = 2;
  static final int INTERMEDIATE = 64;
  static final int FACTORIZED = 16;
  static final int MAX_LENGTH = 32;
  static final int LSTM_EMBEDDING = 16;

  /** The training run every shrunk model declares (the parent's optimizer, schedule, clipping and decay stay). */
  record Run(int batch, int sequence, int steps, double learningRate) {}

  private ShrunkModels() {}

  /**
   * The standard models of the trained families that the runtime runs: those {@link Runnability}
   * gives a facade, and those whose only gap is a distillation objective (a teacher to learn from
   * comes in a later issue), which their child removes so that they train with the rest of their
   * objectives. The standard files are checked, not generated: their sources are not needed here.
   */
  static List<ModelSpec> trainable() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String file : standardFiles()) {
      files.add(Models.STDLIB.resolve(file));
    }
    ParsedProgram program = NlpmFrontEnd.load(files, Models.STDLIB);
    assertEquals(List.of(), program.diagnostics());
    Compilation standard = NlpmCompiler.check(program.declarations());
    assertEquals(List.of(), standard.diagnostics().stream().filter(Diagnostic::isError).toList());
    return standard.models().stream()
        .filter(m -> TRAINED.contains(m.family()))
        .filter(m -> Runnability.of(m).warnings().stream().allMatch(ShrunkModels::isDistillation))
        .toList();
  }

  /** The name of {@code parent}'s shrunk child. */
  static String childName(ModelSpec parent) {
    return "Small" + parent.name();
  }

  /**
   * The child declaration of {@code parent} at the test sizes with {@code vocab} tokens (for a
   * parent that builds its vocabulary at run time, at most that many) and {@code run}.
   */
  static String child(ModelSpec parent, int vocab, Run run) {
    StringBuilder text = new StringBuilder();
    text.append("model ").append(childName(parent)).append(" extends ").append(parent.name()).append(" {\n");
    Architecture architecture = parent.architecture();
    if (architecture instanceof Architecture.Encoder e) {
      transformerSizes(text, vocab);
      factorized(text, e.embeddings().size() != e.stack().hidden());
    } else if (architecture instanceof Architecture.Decoder d) {
      transformerSizes(text, vocab);
      factorized(text, d.embeddings().size() != d.stack().hidden());
    } else if (architecture instanceof Architecture.LstmLm lstm) {
      text.append("  ").append(lstm.vocab().runtime() ? "max_vocab" : "vocab").append(" = ").append(vocab).append(";\n");
      // a tied output needs the embedding as wide as the hidden state
      text.append("  embedding = ").append(lstm.tieEmbeddings() ? HIDDEN : LSTM_EMBEDDING).append(";\n");
      text.append("  hidden = ").append(HIDDEN).append(";\n");
      text.append("  layers = ").append(LAYERS).append(";\n");
    } else {
      throw new IllegalArgumentException(parent.name() + ": no test sizes for the " + parent.family().keyword() + " family");
    }
    if (parent.objective(Objective.Distillation.class).isPresent()) {
      text.append("  remove objective distillation;\n");
    }
    text.append("  train {\n    batch = ").append(run.batch()).append(";\n    seq = ").append(run.sequence())
        .append(";\n    steps = ").append(run.steps()).append(";\n    lr = ").append(run.learningRate())
        .append(";\n    warmup = 0;\n  }\n}\n");
    return text.toString();
  }

  /**
   * Compiles the children in one file of package {@value #PACKAGE} that includes every standard
   * file (so the parents are visible, and only the children are generated), failing on any error.
   */
  static Compilation compile(List<String> children) throws IOException {
    StringBuilder text = new StringBuilder("package " + PACKAGE + ";\n");
    for (String file : standardFiles()) {
      text.append("include \"").append(file).append("\";\n");
    }
    children.forEach(c -> text.append('\n').append(c));
    ParsedProgram program = NlpmFrontEnd.parse("small.nlpm", text.toString(), ShrunkModels::standardFile);
    assertEquals(List.of(), program.diagnostics(), text::toString);
    Compilation compilation = NlpmCompiler.compile(program.declarations());
    assertEquals(List.of(), compilation.diagnostics().stream().filter(Diagnostic::isError).toList(), text::toString);
    return compilation;
  }

  private static void transformerSizes(StringBuilder text, int vocab) {
    text.append("  vocab = ").append(vocab).append(";\n  hidden = ").append(HIDDEN).append(";\n  layers = ").append(LAYERS)
        .append(";\n  heads = ").append(HEADS).append(";\n  intermediate = ").append(INTERMEDIATE)
        .append(";\n  max_length = ").append(MAX_LENGTH).append(";\n");
  }

  private static void factorized(StringBuilder text, boolean factorized) {
    if (factorized) {
      text.append("  embeddings {\n    size = ").append(FACTORIZED).append(";\n  }\n");
    }
  }

  private static boolean isDistillation(Diagnostic warning) {
    return warning.code() == DiagnosticCode.DISTILLATION_NOT_RUNNABLE;
  }

  /** The standard files, relative to {@link Models#STDLIB}, with '/' separators. */
  private static List<String> standardFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(Models.STDLIB)) {
      return walk.filter(p -> p.toString().endsWith(".nlpm")).map(p -> Models.STDLIB.relativize(p).toString().replace('\\', '/'))
          .sorted().toList();
    }
  }

  /** An include of the in-memory file, which lies beside the standard files' root. */
  private static Optional<IncludeResolver.Source> standardFile(String including, String path) {
    Path file = Models.STDLIB.resolve(path);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new IncludeResolver.Source(path, Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
