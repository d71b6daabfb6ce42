package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nlpm train} of encoders honours the declared tokenizer; fill-mask and embed reload it from the model directory. */
class EncoderTokenizersTest {

  @TempDir static Path dir;

  static Path declarations;
  static Path text;

  private static String model(String name, int vocab, String tokenizer) {
    return "model " + name + " : encoder { vocab = " + vocab + "; hidden = 8; layers = 1; heads = 2; intermediate = 16; max_length = 32;"
        + " " + tokenizer + " objective mlm; train { lr = 1e-3; warmup = 1; steps = 2; batch = 4; seq = 32; seed = 3; threads = 1; } }";
  }

  @BeforeAll
  static void write() throws IOException {
    Files.createDirectories(dir.resolve("src/vocab"));
    declarations = dir.resolve("src/tiny.nlpm");
    Files.writeString(declarations, String.join("\n",
        "package demo;",
        model("Bpe", 300, "tokenizer bpe;"),
        model("Chars", 40, "tokenizer char;"),
        model("Cased", 120, "tokenizer wordpiece { lowercase = false; mask = \"<hidden>\"; }"),
        model("Listed", 120, "tokenizer wordpiece { vocab_file = \"vocab/words.txt\"; }"),
        model("Missing", 120, "tokenizer wordpiece { vocab_file = \"vocab/none.txt\"; }"),
        model("Broken", 120, "tokenizer wordpiece { vocab_file = \"vocab/broken.txt\"; }"),
        model("Words", 120, "tokenizer whitespace;"),
        ""));
    Files.writeString(dir.resolve("src/vocab/words.txt"),
        String.join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "dog", "sees", "eats", "fish", "bird", ".", ""));
    Files.writeString(dir.resolve("src/vocab/broken.txt"), String.join("\n", "[PAD]", "[UNK]", "[CLS]", "the", "the", ""));
    StringBuilder body = new StringBuilder();
    String[] subjects = {"The cat", "The dog", "A bird"};
    String[] verbs = {"sees", "eats", "likes"};
    String[] objects = {"the fish", "a mouse", "the bread"};
    for (int p = 0; p < 8; p++) {
      for (int s = 0; s < 6; s++) {
        body.append(subjects[(p + s) % 3]).append(' ').append(verbs[(p * s + 1) % 3]).append(' ').append(objects[(s + 2 * p) % 3]).append(". ");
      }
      body.append("\n\n");
    }
    text = dir.resolve("story.txt");
    Files.writeString(text, body);
  }

  private static CliRun train(String model, Path out) {
    return CliRun.of("train", declarations.toString(), "-m", model, "--data", text.toString(), "-o", out.toString());
  }

  private static JsonObject record(Path folder) throws IOException {
    return JsonParser.parseString(Files.readString(folder.resolve("tokenizer.nlpm.json"))).getAsJsonObject();
  }

  @Test
  void bpeTrainsByteLevelBpeWithRobertasSpecialTokensAndFillMaskReloadsIt() throws IOException {
    Path out = dir.resolve("bpe");
    CliRun run = train("Bpe", out);
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("byte-level BPE tokens"), run.err());
    for (Path folder : List.of(out, out.resolve("model"))) {
      assertEquals("bpe", record(folder).get("kind").getAsString());
      assertEquals("<mask>", record(folder).get("mask").getAsString());
      JsonObject vocab = JsonParser.parseString(Files.readString(folder.resolve("vocab.json"))).getAsJsonObject();
      assertEquals(0, vocab.get("<s>").getAsInt());
      assertEquals(1, vocab.get("<pad>").getAsInt());
      assertEquals(2, vocab.get("</s>").getAsInt());
      assertEquals(3, vocab.get("<unk>").getAsInt());
      assertEquals(4, vocab.get("<mask>").getAsInt());
      assertTrue(vocab.has("Ġcat"), "merged on the data: " + vocab.keySet());
      assertTrue(Files.isRegularFile(folder.resolve("merges.txt")));
      assertFalse(Files.exists(folder.resolve("vocab.txt")), "no WordPiece vocabulary");
    }
    CliRun fill = CliRun.of("fill-mask", declarations.toString(), "-m", "Bpe", "--model-dir", out.toString(), "-k", "2", "The cat <mask> the fish.");
    assertEquals(0, fill.status(), fill.err());
    assertEquals(3, fill.out().lines().count(), fill.out());
    CliRun embed = CliRun.of("embed", declarations.toString(), "-m", "Bpe", "--model-dir", out.toString(), "The dog eats.");
    assertEquals(0, embed.status(), embed.err());
    assertEquals(8, embed.out().strip().split(" ").length, embed.out());
  }

  @Test
  void charTrainsCharactersAfterBertsSpecialTokens() throws IOException {
    Path out = dir.resolve("chars");
    CliRun run = train("Chars", out);
    assertEquals(0, run.status(), run.err());
    assertEquals("char", record(out.resolve("model")).get("kind").getAsString());
    List<?> chars = new com.google.gson.Gson().fromJson(Files.readString(out.resolve("model/chars.json")), List.class);
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), chars.subList(0, 5));
    assertTrue(chars.contains("T") && chars.contains("c") && chars.contains(" "), "" + chars);
    assertTrue(chars.stream().skip(5).allMatch(c -> ((String) c).codePointCount(0, ((String) c).length()) == 1), "" + chars);
    CliRun fill = CliRun.of("fill-mask", declarations.toString(), "-m", "Chars", "--model-dir", out.toString(), "-k", "3", "The c[MASK]t");
    assertEquals(0, fill.status(), fill.err());
    assertEquals(4, fill.out().lines().count(), fill.out());
  }

  @Test
  void wordPieceKeepsTheDeclaredCasingAndSpecialTokens() throws IOException {
    Path out = dir.resolve("cased");
    CliRun run = train("Cased", out);
    assertEquals(0, run.status(), run.err());
    List<String> vocab = Files.readAllLines(out.resolve("model/vocab.txt"));
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "<hidden>"), vocab.subList(0, 5));
    assertTrue(vocab.contains("The"), "cased: " + vocab);
    JsonObject record = record(out.resolve("model"));
    assertFalse(record.get("lowercase").getAsBoolean());
    CliRun fill = CliRun.of("fill-mask", declarations.toString(), "-m", "Cased", "--model-dir", out.toString(), "-k", "2", "The <hidden> sees the fish.");
    assertEquals(0, fill.status(), fill.err());
    assertEquals(3, fill.out().lines().count(), fill.out());
  }

  @Test
  void aDeclaredVocabFileIsLoadedRelativeToTheDeclaration() throws IOException {
    Path out = dir.resolve("listed");
    CliRun run = train("Listed", out);
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("13 WordPiece tokens from " + dir.resolve("src/vocab/words.txt")), run.err());
    assertArrayEquals(Files.readAllBytes(dir.resolve("src/vocab/words.txt")), Files.readAllBytes(out.resolve("model/vocab.txt")));
  }

  @Test
  void aMissingOrMalformedVocabFileIsNamed() {
    CliRun missing = train("Missing", dir.resolve("missing"));
    assertEquals(2, missing.status(), missing.err());
    assertTrue(missing.err().contains("tokenizer vocab_file \"vocab/none.txt\": no such file: " + dir.resolve("src/vocab/none.txt")),
        missing.err());
    // the error line (after the warnings of the file's other models) is at the declaration's position
    assertTrue(missing.err().lines().filter(l -> l.startsWith("nlpm: ")).allMatch(l -> l.startsWith("nlpm: tiny.nlpm:")),
        "at the declaration's position: " + missing.err());
    CliRun broken = train("Broken", dir.resolve("broken"));
    assertEquals(2, broken.status(), broken.err());
    assertTrue(broken.err().contains(dir.resolve("src/vocab/broken.txt") + ":5: token 'the' already appears on line 4"), broken.err());
  }

  @Test
  void whitespaceIsRefusedForAnEncoderWithItsWarning() {
    CliRun run = train("Words", dir.resolve("words"));
    assertEquals(2, run.status(), run.err());
    // Runnability warns at the tokenizer (NLPM419) and generates no facade, so train says there is none to run
    assertTrue(run.err().contains("tokenizer whitespace in an encoder is not runnable yet: Words gets its layout and kernels, no facade"
        + "; tokenizer wordpiece, bpe and char run [NLPM419]"), run.err());
    assertTrue(run.err().contains("nlpm: Words: the compiler generates no WordsModel for this declaration"), run.err());
  }
}
