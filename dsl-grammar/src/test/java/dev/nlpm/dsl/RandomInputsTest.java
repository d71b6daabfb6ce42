package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.diag.DiagnosticCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated texts, seeded so that a failure can be replayed: the front end
 * answers every one with models or diagnostics, never with an exception; every text that parses
 * formats to a text that parses to the same declarations with the same comments, and formats to
 * itself; the binder and validator raise no internal error on what parses.
 */
class RandomInputsTest {

  private static final String[] TOKENS = {
    "model", "extends", "remove", "package", "include", "true", "false", "{", "}", "[", "]", ";",
    ":", ",", "=", "..", ".", "encoder", "decoder", "word2vec", "nat", "lstm_lm", "rnn_seq2seq",
    "transformer_seq2seq", "vocab", "hidden", "heads", "layers", "objective", "mlm", "nsp", "sbo",
    "span", "clm", "decoding", "beam", "attention", "linformer", "xl", "local", "train", "seq",
    "embeddings", "size", "teacher", "distillation", "A", "B", "0", "1", "-1", "128", "0.5",
    "1e-12", "2..10", "30_522", "99999999999999999999", "1e999", "\"s\"", "\"a\\\"b\"", "\"\\q\"",
    "\"", "/*", "*/", "// c\n", "/* c */", "\n", " ", "\t", "$", "é", "\\", "-", "_"
  };

  /** Includes resolve to empty files, so that texts that include something still parse. */
  private static final IncludeResolver EMPTY_INCLUDES =
      (from, path) -> Optional.of(new IncludeResolver.Source(path, ""));

  private static final int MUTANTS = 2000;

  /** How many of the mutants that parse also go through the binder and the validator. */
  private static final int CHECKED_MUTANTS = 100;

  @Test
  void randomTokenSoupNeverBreaksTheFrontEnd() {
    Random random = new Random(20261128);
    int parsed = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(60);
      for (int t = 0; t < length; t++) {
        text.append(TOKENS[random.nextInt(TOKENS.length)]).append(random.nextInt(4) == 0 ? "" : " ");
      }
      if (parseAndRoundTrip("soup-" + i, text.toString()).isPresent()) {
        parsed++;
      }
    }
    assertTrue(parsed > 0, "no soup parsed: the round trip was never exercised");
  }

  @Test
  void randomCharactersNeverBreakTheFrontEnd() {
    Random random = new Random(7);
    String alphabet = "model{}[];:,=.-_\"\\/*\n\t aZ09e+é\u0000\u00a0\ud83d\ude00\r";
    for (int i = 0; i < 2000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(80);
      for (int c = 0; c < length; c++) {
        if (random.nextInt(8) == 0) {
          text.appendCodePoint(random.nextInt(0x3000));
        } else {
          text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      parseAndRoundTrip("chars-" + i, text.toString());
    }
  }

  @Test
  void mutatedValidFilesNeverBreakTheFrontEnd() throws Exception {
    List<String> valid = new ArrayList<>();
    for (Path file : StandardModelsParseTest.standardFiles()) {
      valid.add(Files.readString(file));
    }
    valid.add(Files.readString(EveryConstructTest.resources().resolve("every-construct.nlpm")));
    valid.add(Files.readString(EveryConstructTest.resources().resolve("shared/base.nlpm")));
    Random random = new Random(42);
    int parsed = 0;
    int checked = 0;
    for (int i = 0; i < MUTANTS; i++) {
      String name = "mutant-" + i;
      String text = mutate(valid.get(random.nextInt(valid.size())), random);
      Optional<ParsedProgram> program = parseAndRoundTrip(name, text);
      if (program.isEmpty()) {
        continue;
      }
      parsed++;
      if (checked < CHECKED_MUTANTS) {
        checked++;
        Compilation compilation = NlpmCompiler.check(program.get().declarations());
        assertFalse(
            compilation.diagnostics().stream().anyMatch(d -> d.code() == DiagnosticCode.INTERNAL_ERROR),
            () -> "internal error on " + name + ":\n" + text + "\n" + compilation.diagnostics());
      }
    }
    // Some mutations (in comments, swaps of equal characters) leave a valid file: both paths run.
    assertTrue(parsed > 0, "no mutant parsed");
    assertTrue(parsed < MUTANTS, "every mutant parsed");
  }

  private static String mutate(String text, Random random) {
    StringBuilder out = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && out.length() > 0; e++) {
      int at = random.nextInt(out.length());
      switch (random.nextInt(6)) {
        case 0 -> out.deleteCharAt(at);
        case 1 -> out.insert(at, (char) (32 + random.nextInt(95)));
        case 2 -> out.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 3 -> {
          int end = Math.min(out.length(), at + random.nextInt(40));
          out.insert(random.nextInt(out.length()), out.substring(at, end));
        }
        case 4 -> {
          // Delete a whole token-sized run: up to the next space.
          int end = out.indexOf(" ", at);
          out.delete(at, end < 0 ? out.length() : end);
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

  /**
   * Parses; when the text parses, checks that formatting keeps what it declares and its comments
   * and is idempotent.
   *
   * @return the program when the text parsed without errors
   */
  private static Optional<ParsedProgram> parseAndRoundTrip(String name, String text) {
    String sourceName = name + ".nlpm";
    try {
      ParsedProgram program = NlpmFrontEnd.parse(sourceName, text, EMPTY_INCLUDES);
      if (program.hasErrors()) {
        assertTrue(program.declarations().targets().isEmpty(), "models despite errors: " + name);
        return Optional.empty();
      }
      NlpmFile file = program.files().get(0);
      String formatted = NlpmFormatter.format(file);
      ParsedProgram again = NlpmFrontEnd.parse(sourceName, formatted, EMPTY_INCLUDES);
      assertEquals(List.of(), again.diagnostics(), () -> "the formatted " + name + " does not parse:\n" + formatted);
      NlpmFile reparsed = again.files().get(0);
      assertEquals(Shapes.of(file), Shapes.of(reparsed), () -> "formatting changed what " + name + " declares:\n" + text);
      assertEquals(Shapes.comments(text), Shapes.comments(formatted), () -> "formatting lost comments of " + name + ":\n" + text);
      assertEquals(formatted, NlpmFormatter.format(reparsed), () -> "formatting " + name + " twice changes it:\n" + text);
      return Optional.of(program);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("the front end threw on input " + name + ":\n" + text, e);
    }
  }
}
