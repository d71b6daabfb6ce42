package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nlpm train}, {@code similar} and {@code analogy} in process on a tiny word2vec model. */
class TrainCommandTest {

  @TempDir Path dir;

  private Path model() throws IOException {
    Path file = dir.resolve("words.nlpm");
    Files.writeString(file, String.join("\n",
        "package demo;",
        "model Tiny : word2vec {",
        "  dim = 12;",
        "  max_vocab = 1000;",
        "  min_count = 1;",
        "  objective skipgram { window = 3; subsample = 0; }",
        "  train { lr = 0.05; epochs = 3; threads = 1; seed = 7; }",
        "}",
        "model TinyBert : encoder { vocab = 50; hidden = 8; layers = 1; heads = 2; max_length = 16; objective mlm; }",
        ""));
    return file;
  }

  private Path corpus() throws IOException {
    Random random = new Random(3);
    String[][] groups = {{"cat", "dog", "mouse", "eats", "sleeps", "purrs"}, {"car", "bus", "truck", "drives", "parks", "honks"}};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String[] group = groups[random.nextInt(2)];
      StringBuilder line = new StringBuilder("the");
      for (int k = 0; k < 5; k++) {
        line.append(' ').append(group[random.nextInt(group.length)]);
      }
      lines.add(line.toString());
    }
    Path file = dir.resolve("corpus.txt");
    Files.write(file, lines);
    return file;
  }

  @Test
  void trainsWritesVectorsAndAnswersQueries() throws IOException {
    Path out = dir.resolve("out");
    CliRun run = CliRun.of("train", model().toString(), "-m", "Tiny", "--data", corpus().toString(), "-o", out.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("training Tiny: skip-gram, 12 dimensions, window 3, 5 negatives, 13 words (min count 1), 3 epochs, 1 thread, seed 7"), run.err());
    assertTrue(run.err().contains("epoch 3  100.0%"), "the progress line reaches the end: " + run.err());
    assertEquals("13 words × 12 dimensions: " + out.resolve("vectors.txt") + ", " + out.resolve("vectors.bin") + "\n", run.out());
    assertTrue(Files.isRegularFile(out.resolve("checkpoint.w2v")));

    CliRun similar = CliRun.of("similar", out.resolve("vectors.bin").toString(), "cat", "-k", "3");
    assertEquals(0, similar.status(), similar.err());
    List<String> neighbours = similar.out().lines().map(l -> l.split(" +")[0]).toList();
    assertEquals(3, neighbours.size(), similar.out());
    assertTrue(List.of("dog", "mouse", "eats", "sleeps", "purrs").containsAll(neighbours),
        "a cat's neighbours are from its own group: " + similar.out());

    CliRun analogy = CliRun.of("analogy", out.resolve("vectors.txt").toString(), "dog", "eats", "car", "-k", "2");
    assertEquals(0, analogy.status(), analogy.err());
    assertEquals(2, analogy.out().lines().count(), analogy.out());

    byte[] vectors = Files.readAllBytes(out.resolve("vectors.txt"));
    CliRun resumed = CliRun.of("train", model().toString(), "-m", "Tiny", "--data", corpus().toString(), "-o", out.toString(), "--resume");
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.err().contains("resuming Tiny from " + out.resolve("checkpoint.w2v")), resumed.err());
    assertEquals(new String(vectors, java.nio.charset.StandardCharsets.UTF_8), Files.readString(out.resolve("vectors.txt")),
        "resuming a finished run gives back its vectors");
  }

  private static final List<String> KEYS = List.of(
      "step", "seconds", "epoch", "words", "effective_words", "total_words", "loss", "learning_rate", "words_per_second");

  /** Each line of the metrics file as a JSON object, checked for the documented keys. */
  private static List<JsonObject> metrics(Path out) throws IOException {
    List<JsonObject> records = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      JsonObject record = JsonParser.parseString(line).getAsJsonObject();
      for (String key : record.keySet()) {
        assertTrue(KEYS.contains(key), "an undocumented key " + key + " in " + line);
        assertTrue(record.get(key).getAsJsonPrimitive().isNumber(), line);
      }
      for (String key : List.of("step", "seconds", "epoch", "words", "effective_words", "total_words", "learning_rate")) {
        assertTrue(record.has(key), key + " missing from " + line);
      }
      records.add(record);
    }
    return records;
  }

  /** Steps 0, 1, 2… and words, seconds rising through the file. */
  private static void assertContinuous(List<JsonObject> records) {
    for (int i = 0; i < records.size(); i++) {
      assertEquals(i, records.get(i).get("step").getAsLong(), "step " + i + ": " + records);
      if (i > 0) {
        assertTrue(records.get(i).get("words").getAsLong() > records.get(i - 1).get("words").getAsLong(), "words rise: " + records);
        assertTrue(records.get(i).get("seconds").getAsDouble() >= records.get(i - 1).get("seconds").getAsDouble(), "" + records);
      }
    }
  }

  private static void assertDrawn(Path png) throws IOException {
    assertTrue(Files.isRegularFile(png), png + " is written");
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, png + " decodes as an image");
    assertTrue(image.getWidth() >= 400 && image.getHeight() >= 300, image.getWidth() + "×" + image.getHeight());
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 3, "more than a blank page: " + colours.size() + " colours");
  }

  @Test
  void writesOneJsonObjectPerReportAndDrawsTheLoss() throws IOException {
    Path out = dir.resolve("m");
    CliRun run = CliRun.of("train", model().toString(), "-m", "Tiny", "--data", corpus().toString(), "-o", out.toString());
    assertEquals(0, run.status(), run.err());
    List<JsonObject> records = metrics(out);
    assertTrue(records.size() >= 3, "a report at least every epoch: " + records);
    assertContinuous(records);
    JsonObject last = records.get(records.size() - 1);
    assertEquals(3 * 12_000, last.get("words").getAsLong());
    assertEquals(3 * 12_000, last.get("total_words").getAsLong());
    assertEquals(3, last.get("epoch").getAsInt());
    for (JsonObject record : records) {
      double loss = record.get("loss").getAsDouble();
      assertTrue(loss > 0 && loss < 20, "a loss per prediction: " + record);
      assertTrue(record.get("words_per_second").getAsDouble() > 0, "" + record);
      assertTrue(record.get("learning_rate").getAsDouble() <= 0.05 + 1e-9, "" + record);
    }
    assertTrue(last.get("loss").getAsDouble() < records.get(0).get("loss").getAsDouble(), "the loss falls: " + records);
    assertDrawn(out.resolve("loss.png"));
    assertTrue(run.err().contains("metrics " + out.resolve("metrics.jsonl")), run.err());
  }

  @Test
  void aStopRequestLeavesACheckpointThatResumesAndTheMetricsContinue() throws IOException {
    String model = model().toString();
    String data = corpus().toString();
    Path whole = dir.resolve("whole");
    assertEquals(0, CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", whole.toString()).status());

    // 12,000 words an epoch: batches of 10,002 and 1,998 words. Stop before the second batch of
    // the second epoch, as Ctrl-C would.
    Path out = dir.resolve("stopped");
    int[] asked = {0};
    CliRun stopped;
    StopRequest.testTrigger = () -> ++asked[0] > 3;
    try {
      stopped = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", out.toString());
    } finally {
      StopRequest.testTrigger = () -> false;
    }
    assertEquals(130, stopped.status(), stopped.err());
    assertTrue(stopped.err().contains("nlpm: stopped; checkpoint at " + out.resolve("checkpoint.w2v") + " — continue with --resume"),
        stopped.err());
    assertTrue(Files.isRegularFile(out.resolve("checkpoint.w2v")));
    assertTrue(Files.notExists(out.resolve("vectors.txt")), "a stopped run writes no vectors");
    assertDrawn(out.resolve("loss.png"));
    List<JsonObject> before = metrics(out);
    assertEquals(12_000 + 10_002, before.get(before.size() - 1).get("words").getAsLong(), "" + before);
    List<String> linesBefore = Files.readAllLines(out.resolve("metrics.jsonl"));

    CliRun resumed = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", out.toString(), "--resume");
    assertEquals(0, resumed.status(), resumed.err());
    assertEquals(Files.readString(whole.resolve("vectors.txt")), Files.readString(out.resolve("vectors.txt")),
        "stopped mid-epoch and resumed at one thread: the vectors of a run never stopped");
    List<String> linesAfter = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(linesBefore, linesAfter.subList(0, linesBefore.size()), "resuming appends");
    assertTrue(linesAfter.size() > linesBefore.size());
    List<JsonObject> after = metrics(out);
    assertContinuous(after);
    assertEquals(3 * 12_000, after.get(after.size() - 1).get("words").getAsLong());
    assertDrawn(out.resolve("loss.png"));
  }

  @Test
  void theSameSeedAtOneThreadGivesTheSameVectors() throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    String model = model().toString();
    String data = corpus().toString();
    assertEquals(0, CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", first.toString(), "--epochs", "1").status());
    assertEquals(0, CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", second.toString(), "--epochs", "1").status());
    assertEquals(Files.readString(first.resolve("vectors.txt")), Files.readString(second.resolve("vectors.txt")));
  }

  /** The window and subsampling flags reach the run: the vectors differ from the declared settings' and the run says so. */
  @Test
  void windowAndSampleOverrideTheDeclaration() throws IOException {
    String model = model().toString();
    String data = corpus().toString();
    Path declared = dir.resolve("declared");
    Path narrow = dir.resolve("narrow");
    assertEquals(0, CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", declared.toString(), "--epochs", "1").status());
    CliRun run = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", narrow.toString(), "--epochs", "1", "--window", "1",
        "--sample", "0");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("window 1"), run.err());
    assertNotEquals(Files.readString(declared.resolve("vectors.txt")), Files.readString(narrow.resolve("vectors.txt")));
    CliRun bad = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", dir.resolve("bad").toString(), "--sample", "-1");
    assertEquals(2, bad.status());
    assertEquals("nlpm: --sample must be at least 0 (0: no subsampling), got -1.0\n", bad.err().lines().reduce((x, y) -> y).orElse("") + "\n");
  }

  /** The output layer and the vocabulary's cut-offs are flags: the run says so, and the vocabulary and vectors follow. */
  @Test
  void outputLayerAndVocabularyOverrideTheDeclaration() throws IOException {
    String model = model().toString();
    String data = corpus().toString();
    Path declared = dir.resolve("declared");
    CliRun plain = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", declared.toString(), "--epochs", "1");
    assertEquals(0, plain.status(), plain.err());
    assertTrue(plain.err().contains("5 negatives, 13 words (min count 1)"), plain.err());

    Path hs = dir.resolve("hs");
    CliRun tree = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", hs.toString(), "--epochs", "1", "--negative", "0",
        "--hierarchical-softmax");
    assertEquals(0, tree.status(), tree.err());
    assertTrue(tree.err().contains("window 3, hierarchical softmax, 13 words"), tree.err());
    assertNotEquals(Files.readString(declared.resolve("vectors.txt")), Files.readString(hs.resolve("vectors.txt")));

    Path both = dir.resolve("both");
    CliRun two = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", both.toString(), "--epochs", "1", "--negative", "2",
        "--hierarchical-softmax");
    assertEquals(0, two.status(), two.err());
    assertTrue(two.err().contains("hierarchical softmax and 2 negatives"), two.err());

    // "the" is on every line (2,000 times); every other word far less often
    Path common = dir.resolve("common");
    CliRun cut = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", common.toString(), "--epochs", "1", "--min-count", "1500");
    assertEquals(0, cut.status(), cut.err());
    assertTrue(cut.out().startsWith("1 words × 12 dimensions"), cut.out());
    Path few = dir.resolve("few");
    CliRun top = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", few.toString(), "--epochs", "1", "--max-vocab", "4");
    assertEquals(0, top.status(), top.err());
    assertTrue(top.out().startsWith("4 words × 12 dimensions"), top.out());

    Path floored = dir.resolve("floored");
    CliRun floor = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", floored.toString(), "--epochs", "1", "--min-lr", "0.04");
    assertEquals(0, floor.status(), floor.err());
    for (String line : Files.readAllLines(floored.resolve("metrics.jsonl"))) {
      double rate = com.google.gson.JsonParser.parseString(line).getAsJsonObject().get("learning_rate").getAsDouble();
      assertTrue(rate >= 0.04 - 1e-6 && rate <= 0.05 + 1e-6, "from the declared 0.05 down to the floor 0.04: " + line);
    }

    CliRun none = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", dir.resolve("none").toString(), "--negative", "0");
    assertEquals(2, none.status());
    assertEquals("nlpm: no output layer left: with --negative 0, add --hierarchical-softmax\n", none.err());
    CliRun count = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", dir.resolve("count").toString(), "--min-count", "0");
    assertEquals(2, count.status());
    assertEquals("nlpm: --min-count must be at least 1, got 0\n", count.err());
    CliRun encoder = CliRun.of("train", model, "-m", "TinyBert", "--data", data, "-o", dir.resolve("enc").toString(), "--negative", "3");
    assertEquals(2, encoder.status());
    assertEquals("nlpm: --negative is not a setting of TinyBert, an encoder model\n", encoder.err());
  }

  @Test
  void errorsAreOneLineWithStatusTwo() throws IOException {
    String model = model().toString();
    String data = corpus().toString();
    Path out = dir.resolve("o");

    CliRun missing = CliRun.of("train", model, "-m", "Tiny", "--data", dir.resolve("nope.txt").toString(), "-o", out.toString());
    assertEquals(2, missing.status());
    assertEquals("nlpm: no such file: " + dir.resolve("nope.txt") + "\n", missing.err());

    Path bad = dir.resolve("bad.txt");
    Files.write(bad, new byte[] {'o', 'k', '\n', 'o', 'k', '\n', (byte) 0xFF, '\n'});
    CliRun unreadable = CliRun.of("train", model, "-m", "Tiny", "--data", bad.toString(), "-o", out.toString());
    assertEquals(2, unreadable.status());
    assertTrue(unreadable.err().startsWith("nlpm: " + bad + ":3: invalid UTF-8"), unreadable.err());
    assertEquals(1, unreadable.err().lines().count(), unreadable.err());

    CliRun which = CliRun.of("train", model, "--data", data, "-o", out.toString());
    assertEquals(2, which.status());
    assertEquals("nlpm: the files declare 2 models; choose one with --model: Tiny, TinyBert\n", which.err());

    CliRun encoder = CliRun.of("train", model, "-m", "TinyBert", "--data", data, "-o", out.toString(), "--window", "2");
    assertEquals(2, encoder.status());
    assertEquals("nlpm: --window is not a setting of TinyBert, an encoder model\n", encoder.err());

    CliRun noCheckpoint = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", out.toString(), "--resume");
    assertEquals(2, noCheckpoint.status());
    assertEquals("nlpm: --resume: no checkpoint at " + out.resolve("checkpoint.w2v") + "\n", noCheckpoint.err());

    CliRun resumeWithFlags = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", out.toString(), "--resume", "--epochs", "9");
    assertEquals(2, resumeWithFlags.status());
    assertEquals("nlpm: --resume continues with the checkpoint's settings, vocabulary included; drop every flag but --data, -o and --resume\n",
        resumeWithFlags.err());

    CliRun badEpochs = CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", out.toString(), "--epochs", "0");
    assertEquals(2, badEpochs.status());
    assertEquals("nlpm: --epochs must be positive, got 0\n", badEpochs.err().lines().reduce((x, y) -> y).orElse("") + "\n");

    Path trained = dir.resolve("t");
    assertEquals(0, CliRun.of("train", model, "-m", "Tiny", "--data", data, "-o", trained.toString(), "--epochs", "1").status());
    CliRun unknown = CliRun.of("similar", trained.resolve("vectors.txt").toString(), "zebra");
    assertEquals(2, unknown.status());
    assertEquals("nlpm: \"zebra\" is not in the vocabulary (13 words)\n", unknown.err());

    CliRun noVectors = CliRun.of("analogy", dir.resolve("none.txt").toString(), "a", "b", "c");
    assertEquals(2, noVectors.status());
    assertEquals("nlpm: no such file: " + dir.resolve("none.txt") + "\n", noVectors.err());
  }

  @Test
  void evalScoresAnalogiesAndSimilarityWithCoverage() throws IOException {
    Path out = dir.resolve("e");
    assertEquals(0, CliRun.of("train", model().toString(), "-m", "Tiny", "--data", corpus().toString(), "-o", out.toString()).status());
    Path questions = dir.resolve("questions.txt");
    Files.writeString(questions, ": family\ncat dog car bus\ncat mouse truck bus\n: gram1-test\ncat zebra car bus\n");
    Path pairs = dir.resolve("pairs.txt");
    Files.writeString(pairs, "cat dog 9.0\ncat car 1.0\ndog truck 1.5\nmouse cat 8.0\nzebra cat 5\n");
    CliRun run = CliRun.of("eval", out.resolve("vectors.txt").toString(), "--analogies", questions.toString(), "--similarity", pairs.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("family: "), run.out());
    assertTrue(run.out().contains("coverage 0.0% (1 skipped)"), "the question with an unknown word is skipped: " + run.out());
    assertTrue(run.out().contains(pairs + ": Spearman "), run.out());
    assertTrue(run.out().contains("coverage 80.0% (4 of 5 pairs)"), run.out());

    CliRun nothing = CliRun.of("eval", out.resolve("vectors.txt").toString());
    assertEquals(2, nothing.status());
    assertEquals("nlpm: give --analogies FILE or --similarity FILE (or both)\n", nothing.err());
  }
}
