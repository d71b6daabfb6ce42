package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nlpm demo} end to end on a small text, against this checkout's standard declaration. */
class DemoCommandTest {

  @TempDir Path dir;

  @Test
  void trainsTheStandardSkipGramAndShowsWhatItLearned() throws IOException {
    Random random = new Random(9);
    String[][] groups = {{"He", "his", "brother", "father", "Mr."}, {"She", "her", "sister", "mother", "Mrs."}};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String[] g = groups[random.nextInt(2)];
      lines.add("The " + g[random.nextInt(g.length)] + " and " + g[random.nextInt(g.length)] + ", said " + g[random.nextInt(g.length)] + ".");
    }
    Path text = dir.resolve("text.txt");
    Files.write(text, lines);
    Path out = dir.resolve("demo");
    CliRun run = CliRun.of("demo", "--home", "..", "--data", text.toString(), "-o", out.toString(), "--epochs", "2", "--threads", "1");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("corpus: 18,000 words from text.txt, lowercased into words"), run.err());
    assertTrue(run.err().contains("training SkipGram: skip-gram, 100 dimensions, window 5, 5 negatives, 13 words (min count 5), 2 epochs, 1 thread"), run.err());
    assertTrue(run.out().contains("Learned 13 word vectors of 100 dimensions"), run.out());
    assertTrue(run.out().contains("  sister       "), "a probe word in the vocabulary is shown: " + run.out());
    assertTrue(run.out().contains("he : she :: his : "), "an analogy whose words are all known: " + run.out());
    assertTrue(Files.isRegularFile(out.resolve("vectors.bin")));
    List<String> corpus = Files.readAllLines(out.resolve("corpus.txt"));
    assertEquals(3000, corpus.size());
    String first = lines.get(0).toLowerCase(java.util.Locale.ROOT).replace(",", "").replace(".", "");
    assertEquals(first, corpus.get(0), "lowercased, punctuation dropped: " + lines.get(0));
  }

  @Test
  void aMissingCheckoutOrTextIsOneLine() {
    CliRun noHome = CliRun.of("demo", "--home", dir.toString());
    assertEquals(2, noHome.status());
    assertEquals("nlpm: the demo needs the nlpm checkout: no "
        + dir.resolve("stdlib-models/src/main/nlpm/dev/nlpm/models/word2vec.nlpm") + "\n", noHome.err());
    CliRun noText = CliRun.of("demo", "--home", "..", "--data", dir.resolve("none.txt").toString());
    assertEquals(2, noText.status());
    assertEquals("nlpm: no such file: " + dir.resolve("none.txt") + "\n", noText.err());
  }
}
