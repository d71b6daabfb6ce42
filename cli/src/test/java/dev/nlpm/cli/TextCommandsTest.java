package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nlpm vocab} and {@code nlpm tokenize}: training, files written, output, errors. */
class TextCommandsTest {

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path corpus() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      text.append("The cat sat on the mat. The dog sat on the log, and the cats were sitting.\n");
    }
    text.append("Unbelievably, antidisestablishmentarianism appeared once.\n");
    Path file = dir.resolve("corpus.txt");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void vocabTrainsAWordPieceVocabularyThatTokenizeUses() throws IOException {
    Path corpus = corpus();
    Path out = dir.resolve("wp");
    CliRun trained = run("vocab", "--kind", "wordpiece", "--size", "60", "-o", out.toString(), corpus.toString());
    assertEquals(0, trained.status(), trained.err());
    assertTrue(trained.out().contains("wrote " + out.resolve("vocab.txt") + " (60 tokens)"), trained.out());
    List<String> vocab = Files.readAllLines(out.resolve("vocab.txt"));
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), vocab.subList(0, 5));
    assertTrue(vocab.contains("the"), "a frequent word is whole: " + vocab);

    CliRun tokens = run("tokenize", "--vocab", out.resolve("vocab.txt").toString(), "The cat!");
    assertEquals(0, tokens.status(), tokens.err());
    int the = vocab.indexOf("the");
    int cat = vocab.indexOf("cat");
    int bang = vocab.indexOf("!");
    assertEquals(
        "the/" + the + "@0:3 cat/" + cat + "@4:7 " + (bang < 0 ? "[UNK]/1" : "!/" + bang) + "@7:8\n",
        tokens.out());
  }

  @Test
  void vocabTrainsAByteLevelBpeThatRoundTrips() throws IOException {
    Path corpus = corpus();
    Path out = dir.resolve("bpe");
    CliRun trained = run("vocab", "--kind", "bpe", "--size", "300", "-o", out.toString(), corpus.toString());
    assertEquals(0, trained.status(), trained.err());
    assertTrue(Files.readString(out.resolve("merges.txt")).startsWith("#version: 0.2\n"));
    CliRun tokens = run("tokenize", "--bpe", out.toString(), "The cat sat");
    assertEquals(0, tokens.status(), tokens.err());
    assertTrue(tokens.out().startsWith("The/"), tokens.out());
    assertTrue(tokens.out().contains("Ġcat/"), "a frequent word is one token: " + tokens.out());
  }

  @Test
  void aMalformedVocabularyIsReportedAtItsLine() throws IOException {
    Path vocab = dir.resolve("vocab.txt");
    Files.writeString(vocab, "[PAD]\n[UNK]\n\n[CLS]\n");
    CliRun run = run("tokenize", "--vocab", vocab.toString(), "hello");
    assertEquals(2, run.status());
    assertEquals("nlpm: " + vocab + ":3: empty token\n", run.err());
  }

  @Test
  void evalOnAnEncodersModelDirectorySaysWhatTheFamilyAnswersInstead() throws Exception {
    java.nio.file.Path model = java.nio.file.Files.createDirectories(dir.resolve("model"));
    java.nio.file.Files.write(model.resolve("model.safetensors"), new byte[8]);
    java.nio.file.Files.writeString(dir.resolve("q.txt"), ": capital\nathens greece baghdad iraq\n");
    CliRun run = run("eval", model.toString(), "--analogies", dir.resolve("q.txt").toString());
    assertEquals(2, run.status());
    assertEquals("nlpm: " + model + " is an encoder's or decoder's model directory; this command reads word2vec vectors"
        + " (an encoder answers fill-mask and embed, a decoder sample; train reports a decoder's held-out perplexity)\n", run.err());
  }

  @Test
  void aMissingCorpusIsAClearError() {
    CliRun run = run("vocab", "-o", dir.toString(), dir.resolve("nope.txt").toString());
    assertEquals(2, run.status());
    assertEquals("nlpm: no such file: " + dir.resolve("nope.txt") + "\n", run.err());
  }

  @Test
  void invalidUtf8InACorpusIsReportedAtItsLine() throws IOException {
    Path file = dir.resolve("bad.txt");
    Files.write(file, new byte[] {'o', 'k', '\n', 'o', 'k', '\n', (byte) 0xFF, '\n'});
    CliRun run = run("vocab", "-o", dir.resolve("v").toString(), file.toString());
    assertEquals(2, run.status());
    assertTrue(run.err().startsWith("nlpm: " + file + ":3: invalid UTF-8"), run.err());
  }
}
