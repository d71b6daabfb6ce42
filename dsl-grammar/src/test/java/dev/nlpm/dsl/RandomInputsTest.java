package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.diag.DiagnosticCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated texts, seeded so that a failure can be replayed: the front end
 * and the compiler answer every one with models or diagnostics, never with an exception, and
 * never with an internal error.
 */
class RandomInputsTest {

  private static final String[] TOKENS = {
    "model", "extends", "remove", "package", "include", "true", "false", "{", "}", "[", "]", ";",
    ":", ",", "=", "..", ".", "encoder", "decoder", "word2vec", "nat", "lstm_lm", "rnn_seq2seq",
    "transformer_seq2seq", "vocab", "hidden", "heads", "layers", "objective", "mlm", "nsp", "sbo",
    "span", "clm", "decoding", "beam", "attention", "linformer", "xl", "local", "train", "seq",
    "embeddings", "size", "teacher", "distillation", "A", "B", "0", "1", "-1", "128", "0.5",
    "1e-12", "2..10", "\"s\"", "\"", "/*", "*/", "//", "\n", " ", "$", "é", "\\"
  };

  @Test
  void randomTokenSoupNeverBreaksTheCompiler() {
    Random random = new Random(20261128);
    for (int i = 0; i < 3000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(60);
      for (int t = 0; t < length; t++) {
        text.append(TOKENS[random.nextInt(TOKENS.length)]).append(random.nextInt(4) == 0 ? "" : " ");
      }
      compile("soup-" + i, text.toString());
    }
  }

  @Test
  void mutatedValidFilesNeverBreakTheCompiler() throws Exception {
    List<String> valid = new ArrayList<>();
    for (Path file : StandardModelsParseTest.standardFiles()) {
      valid.add(Files.readString(file));
    }
    valid.add(Files.readString(EveryConstructTest.resources().resolve("every-construct.nlpm")));
    Random random = new Random(42);
    int accepted = 0;
    for (int i = 0; i < 3000; i++) {
      String text = mutate(valid.get(random.nextInt(valid.size())), random);
      if (compile("mutant-" + i, text)) {
        accepted++;
      }
    }
    // Some mutations (in comments, swaps of equal tokens) leave a valid file: both paths are exercised.
    assertTrue(accepted > 0, "no mutant compiled");
    assertTrue(accepted < 3000, "every mutant compiled");
  }

  private static String mutate(String text, Random random) {
    StringBuilder out = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && out.length() > 0; e++) {
      int at = random.nextInt(out.length());
      switch (random.nextInt(5)) {
        case 0 -> out.deleteCharAt(at);
        case 1 -> out.insert(at, (char) (32 + random.nextInt(95)));
        case 2 -> out.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 3 -> {
          int end = Math.min(out.length(), at + random.nextInt(40));
          out.insert(random.nextInt(out.length()), out.substring(at, end));
        }
        default -> {
          int other = random.nextInt(out.length());
          char c = out.charAt(at);
          out.setCharAt(at, out.charAt(other));
          out.setCharAt(other, c);
        }
      }
    }
    return out.toString();
  }

  /** Resolves the fixture's include, so that its mutants get past it. */
  private static final IncludeResolver SHARED_BASE = RandomInputsTest::sharedBase;

  private static java.util.Optional<IncludeResolver.Source> sharedBase(String from, String path) {
    if (!path.equals("shared/base.nlpm")) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(
          new IncludeResolver.Source(path, Files.readString(EveryConstructTest.resources().resolve(path))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** @return whether the text compiled without errors */
  private static boolean compile(String name, String text) {
    try {
      ParsedProgram program = NlpmFrontEnd.parse(name + ".nlpm", text, SHARED_BASE);
      if (program.hasErrors()) {
        assertFalse(program.diagnostics().isEmpty());
        return false;
      }
      Compilation compilation = NlpmCompiler.check(program.declarations());
      assertFalse(
          compilation.diagnostics().stream().anyMatch(d -> d.code() == DiagnosticCode.INTERNAL_ERROR),
          () -> "internal error on:\n" + text + "\n" + compilation.diagnostics());
      return !compilation.hasErrors();
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("the compiler threw on input " + name + ":\n" + text, e);
    }
  }

}
