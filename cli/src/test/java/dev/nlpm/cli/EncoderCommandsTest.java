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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nlpm train}, {@code fill-mask} and {@code embed} in process on a tiny encoder. */
class EncoderCommandsTest {

  @TempDir static Path dir;

  static Path declarations;
  static Path text;
  static Path trained;
  static CliRun training;

  @BeforeAll
  static void trainOnce() throws IOException {
    declarations = dir.resolve("tiny.nlpm");
    Files.writeString(declarations, String.join("\n",
        "package demo;",
        "model TinyEnc : encoder {",
        "  vocab = 200;",
        "  hidden = 16;",
        "  layers = 2;",
        "  heads = 2;",
        "  intermediate = 32;",
        "  max_length = 32;",
        "  objective mlm;",
        "  objective nsp;",
        "  train { lr = 1e-3; warmup = 1; steps = 6; batch = 4; seq = 32; seed = 5; threads = 1; }",
        "}",
        // Another shape: its model directory does not fit TinyEnc.
        "model WideEnc : encoder { vocab = 200; hidden = 24; layers = 1; heads = 2; intermediate = 32; max_length = 32; objective mlm;",
        "  train { steps = 2; batch = 2; seq = 32; threads = 1; } }",
        "model Words : word2vec { dim = 4; min_count = 1; objective skipgram; train { epochs = 1; threads = 1; } }",
        ""));
    Random random = new Random(11);
    String[] subjects = {"the cat", "the dog", "a bird", "the old man", "my sister"};
    String[] verbs = {"sees", "eats", "likes", "follows", "finds"};
    String[] objects = {"the fish", "a mouse", "the bread", "the garden", "an apple"};
    StringBuilder body = new StringBuilder();
    for (int p = 0; p < 30; p++) {
      for (int s = 0; s < 6; s++) {
        body.append(subjects[random.nextInt(5)]).append(' ').append(verbs[random.nextInt(5)]).append(' ')
            .append(objects[random.nextInt(5)]).append(". ");
      }
      body.append("\n\n");
    }
    text = dir.resolve("story.txt");
    Files.writeString(text, body);
    trained = dir.resolve("out");
    training = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", trained.toString());
  }

  private static final Set<String> KEYS = Set.of("step", "seconds", "loss", "mlm_accuracy", "learning_rate", "tokens_per_second");

  private static List<JsonObject> metrics(Path out) throws IOException {
    List<JsonObject> records = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      JsonObject record = JsonParser.parseString(line).getAsJsonObject();
      assertEquals(KEYS, record.keySet(), line);
      records.add(record);
    }
    return records;
  }

  @Test
  void trainWritesTheModelTheCheckpointAndARecordPerStep() throws IOException {
    assertEquals(0, training.status(), training.err());
    assertTrue(training.err().contains("training TinyEnc: 2 layers, width 16, 2 heads, MLM + NSP;"), training.err());
    assertTrue(training.err().contains("step 6/6 [####################]  loss "), "the progress line reaches the last step: " + training.err());
    assertTrue(training.err().matches("(?s).*step 1/6 \\[###-{17}\\]  loss [0-9.]+  mlm acc [0-9.]+  lr [0-9.e+-]+  [0-9,]+ tokens/s  \\d+:\\d\\d left.*"),
        training.err());
    assertTrue(training.out().startsWith("TinyEnc: 6 steps, last loss "), training.out());
    assertTrue(training.out().endsWith(trained.resolve("model") + "\n"), training.out());
    assertTrue(Files.isRegularFile(trained.resolve("model/model.safetensors")));
    assertTrue(Files.isRegularFile(trained.resolve("model/vocab.txt")));
    assertTrue(Files.isDirectory(trained.resolve("checkpoint")));
    assertTrue(Files.isRegularFile(trained.resolve("vocab.txt")));
    assertTrue(Files.isRegularFile(trained.resolve("loss.png")));
    int tokens = Files.readAllLines(trained.resolve("vocab.txt")).size();
    assertTrue(tokens > 30 && tokens <= 200, "a WordPiece vocabulary no larger than declared: " + tokens);
    List<JsonObject> records = metrics(trained);
    assertEquals(6, records.size(), "" + records);
    for (int i = 0; i < 6; i++) {
      JsonObject r = records.get(i);
      assertEquals(i + 1, r.get("step").getAsLong());
      assertTrue(r.get("loss").getAsDouble() > 0, "" + r);
      double accuracy = r.get("mlm_accuracy").getAsDouble();
      assertTrue(accuracy >= 0 && accuracy <= 1, "" + r);
      assertTrue(r.get("learning_rate").getAsDouble() <= 1e-3 + 1e-12, "" + r);
      assertTrue(r.get("tokens_per_second").getAsDouble() > 0, "" + r);
    }
  }

  @Test
  void aStopLeavesACheckpointAndResumeContinuesTheStepCount() throws IOException {
    Path out = dir.resolve("stopped");
    int[] asked = {0};
    CliRun stopped;
    StopRequest.testTrigger = () -> ++asked[0] > 2; // asked once a step: stops after step 3
    try {
      stopped = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString());
    } finally {
      StopRequest.testTrigger = () -> false;
    }
    assertEquals(130, stopped.status(), stopped.err());
    assertTrue(stopped.err().contains("nlpm: stopped; checkpoint at " + out.resolve("checkpoint") + " — continue with --resume"),
        stopped.err());
    assertTrue(Files.isDirectory(out.resolve("checkpoint")));
    assertFalse(Files.exists(out.resolve("model")), "a stopped run writes no model");
    List<String> before = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(3, before.size(), "" + before);

    CliRun changed = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(),
        "--resume", "--steps", "9");
    assertEquals(2, changed.status());
    assertEquals("nlpm: --resume continues the run with its settings: --steps 6, not 9; drop --steps"
        + " (only --threads and --checkpoint-every may change)\n", changed.err());

    CliRun clipped = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(),
        "--resume", "--clip", "0.5");
    assertEquals(2, clipped.status());
    assertTrue(clipped.err().startsWith("nlpm: --resume continues the run with its settings: --clip 1.0, not 0.5; drop --clip"),
        clipped.err());

    CliRun remasked = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(),
        "--resume", "--masking", "dynamic");
    assertEquals(2, remasked.status());
    assertEquals("nlpm: --resume continues the run with its settings: --masking static, not dynamic; drop --masking"
        + " (only --threads and --checkpoint-every may change)\n", remasked.err());

    CliRun resumed = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(),
        "--resume", "--threads", "2");
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.err().contains("resuming TinyEnc from " + out.resolve("checkpoint") + " at step 3 of 6"), resumed.err());
    assertTrue(resumed.err().contains("step 4/6"), resumed.err());
    assertFalse(resumed.err().contains("step 1/6"), resumed.err());
    List<String> after = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(before, after.subList(0, 3), "resuming appends");
    List<JsonObject> records = metrics(out);
    assertEquals(6, records.size(), "" + after);
    for (int i = 0; i < 6; i++) {
      assertEquals(i + 1, records.get(i).get("step").getAsLong());
    }
    assertArrayEquals(Files.readAllBytes(trained.resolve("model/model.safetensors")), Files.readAllBytes(out.resolve("model/model.safetensors")),
        "stopped, resumed at another thread count: the weights of the run never stopped");
  }

  @Test
  void fillMaskPrintsKCandidatesPerMask() {
    CliRun one = CliRun.of("fill-mask", declarations.toString(), "-m", "TinyEnc", "--model-dir", trained.resolve("model").toString(),
        "-k", "3", "the cat [MASK] the fish.");
    assertEquals(0, one.status(), one.err());
    List<String> lines = one.out().lines().toList();
    assertEquals("the cat [MASK] the fish.", lines.get(0));
    assertEquals(4, lines.size(), one.out());
    for (String line : lines.subList(1, 4)) {
      assertTrue(line.matches("  \\S+ +0\\.\\d{4}"), line);
    }

    CliRun two = CliRun.of("fill-mask", declarations.toString(), "-m", "TinyEnc", "--model-dir", trained.toString(),
        "-k", "2", "[MASK] dog eats [MASK] bread.", "a [MASK] sees the garden.");
    assertEquals(0, two.status(), two.err());
    List<String> out = two.out().lines().toList();
    assertEquals(List.of("[MASK] dog eats [MASK] bread.", "  [MASK] 1 of 2:"), out.subList(0, 2), two.out());
    assertEquals("  [MASK] 2 of 2:", out.get(4), two.out());
    assertEquals("a [MASK] sees the garden.", out.get(7), two.out());
    assertEquals(10, out.size(), two.out());
    assertEquals(6, out.stream().filter(l -> l.matches(" +\\S+ +0\\.\\d{4}")).count(), two.out());
  }

  @Test
  void embedPrintsAVectorOfTheHiddenSizeOrACosine() {
    CliRun run = CliRun.of("embed", declarations.toString(), "-m", "TinyEnc", "--model-dir", trained.resolve("model").toString(),
        "the cat eats the fish.", "a bird sees the garden.");
    assertEquals(0, run.status(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(2, lines.size(), run.out());
    for (String line : lines) {
      String[] numbers = line.split(" ");
      assertEquals(16, numbers.length, line);
      for (String n : numbers) {
        double v = Double.parseDouble(n);
        assertTrue(v >= -1 && v <= 1, "tanh-pooled: " + line);
      }
    }
    CliRun cosine = CliRun.of("embed", declarations.toString(), "-m", "TinyEnc", "--model-dir", trained.toString(), "--cosine",
        "the cat eats the fish.", "the cat eats the fish.");
    assertEquals(0, cosine.status(), cosine.err());
    assertEquals(1.0, Double.parseDouble(cosine.out().strip()), 1e-5, "a text is its own nearest: " + cosine.out());
  }

  @Test
  void errorsAreOneLineWithStatusTwo() throws IOException {
    String file = declarations.toString();
    String model = trained.resolve("model").toString();

    CliRun word2vec = CliRun.of("fill-mask", file, "-m", "Words", "--model-dir", model, "a [MASK]");
    assertEquals(2, word2vec.status());
    assertEquals("nlpm: Words is a word2vec model: `nlpm fill-mask` runs encoders (for word vectors, try `nlpm similar`)\n", word2vec.err());

    CliRun embedWords = CliRun.of("embed", file, "-m", "Words", "--model-dir", model, "a b");
    assertEquals(2, embedWords.status());
    assertEquals("nlpm: Words is a word2vec model: `nlpm embed` runs encoders (for word vectors, try `nlpm similar`)\n", embedWords.err());

    CliRun otherShape = CliRun.of("fill-mask", file, "-m", "WideEnc", "--model-dir", model, "a [MASK]");
    assertEquals(2, otherShape.status());
    assertEquals(1, otherShape.err().lines().count(), otherShape.err());
    assertTrue(otherShape.err().startsWith("nlpm: " + trained.resolve("model").resolve("model.safetensors") + " does not fit this model:"),
        otherShape.err());
    assertTrue(otherShape.err().contains("embeddings.word_embeddings.weight"), otherShape.err());

    CliRun noMask = CliRun.of("fill-mask", file, "-m", "TinyEnc", "--model-dir", model, "no blank here");
    assertEquals(2, noMask.status());
    assertEquals("nlpm: the text has no [MASK] to fill: no blank here\n", noMask.err());

    CliRun noDir = CliRun.of("embed", file, "-m", "TinyEnc", "--model-dir", dir.resolve("nowhere").toString(), "a b");
    assertEquals(2, noDir.status());
    assertEquals("nlpm: no such directory: " + dir.resolve("nowhere") + "\n", noDir.err());

    CliRun threeCosine = CliRun.of("embed", file, "-m", "TinyEnc", "--model-dir", model, "--cosine", "a", "b", "c");
    assertEquals(2, threeCosine.status());
    assertEquals("nlpm: --cosine compares two texts, got 3\n", threeCosine.err());

    Path out = dir.resolve("errors");
    CliRun window = CliRun.of("train", file, "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(), "--window", "2");
    assertEquals(2, window.status());
    assertEquals("nlpm: --window is not a setting of TinyEnc, an encoder model\n", window.err());

    CliRun both = CliRun.of("train", file, "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(), "--epochs", "2", "--steps", "3");
    assertEquals(2, both.status());
    assertEquals("nlpm: give --steps or --epochs, not both\n", both.err());

    CliRun optimizer = CliRun.of("train", file, "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(), "--optimizer", "lion");
    assertEquals(2, optimizer.status());
    assertEquals("nlpm: --optimizer is adamw, adam or sgd, not lion\n", optimizer.err());

    CliRun floor = CliRun.of("train", file, "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(), "--min-lr", "0.5");
    assertEquals(2, floor.status());
    assertEquals("nlpm: --min-lr must be between 0 and the learning rate 0.001, got 0.5\n", floor.err());

    CliRun steps = CliRun.of("train", file, "-m", "Words", "--data", text.toString(), "-o", out.toString(), "--steps", "2");
    assertEquals(2, steps.status());
    assertEquals("nlpm: --steps is not a setting of Words, a word2vec model\n", steps.err());

    CliRun noCheckpoint = CliRun.of("train", file, "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(), "--resume");
    assertEquals(2, noCheckpoint.status());
    assertEquals("nlpm: --resume: no checkpoint at " + out.resolve("checkpoint") + "\n", noCheckpoint.err());

    CliRun bigBatch = CliRun.of("train", file, "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(), "--batch", "100000");
    assertEquals(2, bigBatch.status());
    assertEquals(1, bigBatch.err().lines().filter(l -> l.startsWith("nlpm: ")).count(), bigBatch.err());
    assertTrue(bigBatch.err().contains("too few to train on: batch size 100000 must be between 1 and the"), bigBatch.err());
  }

  /** Every training default is a flag: warmup, weight decay and clipping reach the run's recorded settings. */
  @Test
  void warmupWeightDecayAndClipOverrideTheDeclaration() throws IOException {
    Path out = dir.resolve("overridden");
    CliRun run = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(),
        "--steps", "2", "--warmup", "1", "--weight-decay", "0.05", "--clip", "0.25");
    assertEquals(0, run.status(), run.err());
    com.google.gson.JsonObject settings = com.google.gson.JsonParser.parseString(Files.readString(out.resolve("training.json"))).getAsJsonObject();
    assertEquals(1, settings.get("warmup").getAsLong());
    assertEquals(0.05, settings.get("weightDecay").getAsDouble());
    assertEquals(0.25, settings.get("clip").getAsDouble());
    CliRun negative = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o",
        dir.resolve("negative").toString(), "--clip", "-1");
    assertEquals(2, negative.status());
    assertEquals("nlpm: --clip must be at least 0 (0: no clipping), got -1.0\n", negative.err());
  }

  /** The optimizer, the schedule and its floor reach the run's settings and its steps' learning rates; --epochs sets the steps. */
  @Test
  void optimizerScheduleAndEpochsOverrideTheDeclaration() throws IOException {
    Path out = dir.resolve("scheduled");
    CliRun run = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(),
        "--epochs", "1", "--warmup", "1", "--optimizer", "sgd", "--schedule", "cosine", "--min-lr", "1e-4", "--lr", "0.01");
    assertEquals(0, run.status(), run.err());
    java.util.regex.Matcher header = java.util.regex.Pattern.compile("(\\d+) examples of up to 32 tokens; (\\d+) steps of 4, lr 0.01 \\(warmup 1,"
        + " sgd, cosine decay to 1.0E-4\\)").matcher(run.err());
    assertTrue(header.find(), run.err());
    long examples = Long.parseLong(header.group(1));
    long steps = Long.parseLong(header.group(2));
    assertEquals((examples + 3) / 4, steps, "one epoch of " + examples + " examples, 4 a step");
    JsonObject settings = JsonParser.parseString(Files.readString(out.resolve("training.json"))).getAsJsonObject();
    assertEquals(steps, settings.get("steps").getAsLong());
    JsonObject optimization = settings.getAsJsonObject("optimization");
    assertEquals("sgd", optimization.get("optimizer").getAsString());
    assertEquals("cosine", optimization.get("schedule").getAsString());
    List<JsonObject> records = metrics(out);
    assertEquals(steps, records.size());
    dev.nlpm.runtime.optim.LearningRateSchedule expected = dev.nlpm.runtime.optim.LearningRateSchedule.warmupThenDecay(
        dev.nlpm.runtime.optim.LearningRateSchedule.Shape.COSINE, 0.01, 1e-4, 1, steps);
    for (int i = 0; i < records.size(); i++) {
      assertEquals(expected.at(i), records.get(i).get("learning_rate").getAsDouble(), 1e-5 * expected.at(i), "step " + (i + 1));
    }
  }

  /** The masking defaults are flags too: they reach the recorded settings, the run's header and the masks (other weights). */
  @Test
  void mlmRateSplitAndMaskingOverrideTheDeclaration() throws IOException {
    Path declared = dir.resolve("declared-masking");
    Path out = dir.resolve("masking");
    CliRun baseline = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", declared.toString(),
        "--steps", "2");
    assertEquals(0, baseline.status(), baseline.err());
    assertTrue(baseline.err().contains("0.15 of tokens predicted (0.8 [MASK], 0.1 random, 0.1 kept), static masking"), baseline.err());
    CliRun run = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(),
        "--steps", "2", "--mlm-rate", "0.5", "--mlm-split", "0.5,0.2,0.3", "--masking", "dynamic", "--seq", "16");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains(" examples of up to 16 tokens;"), run.err());
    assertTrue(run.err().contains("0.5 of tokens predicted (0.5 [MASK], 0.2 random, 0.3 kept), dynamic masking"), run.err());
    JsonObject mlm = JsonParser.parseString(Files.readString(out.resolve("training.json"))).getAsJsonObject().getAsJsonObject("mlm");
    assertEquals(0.5, mlm.get("rate").getAsDouble());
    assertEquals(0.3, mlm.get("keep").getAsDouble());
    assertEquals("dynamic", mlm.get("masking").getAsString());
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(declared.resolve("model/model.safetensors")),
        Files.readAllBytes(out.resolve("model/model.safetensors"))), "other masks, other weights");

    CliRun split = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o",
        dir.resolve("bad-split").toString(), "--mlm-split", "0.8,0.1");
    assertEquals(2, split.status());
    assertEquals("nlpm: --mlm-split takes three shares, [MASK], random and kept, as 0.8,0.1,0.1; got 0.8,0.1\n", split.err());
    CliRun sum = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o",
        dir.resolve("bad-sum").toString(), "--mlm-split", "0.8,0.1,0.2");
    assertEquals(2, sum.status());
    assertEquals("nlpm: --mlm-split's shares must be at least 0 and sum to 1, got 0.8,0.1,0.2\n", sum.err());
    CliRun kind = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o",
        dir.resolve("bad-kind").toString(), "--masking", "sometimes");
    assertEquals(2, kind.status());
    assertEquals("nlpm: --masking is static or dynamic, not sometimes\n", kind.err());
    CliRun rate = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o",
        dir.resolve("bad-rate").toString(), "--mlm-rate", "0");
    assertEquals(2, rate.status());
    assertEquals("nlpm: --mlm-rate must be in (0, 1], got 0.0\n", rate.err());
  }

  @Test
  void aGivenVocabularyIsUsedAsIs() throws IOException {
    Path out = dir.resolve("given");
    CliRun run = CliRun.of("train", declarations.toString(), "-m", "TinyEnc", "--data", text.toString(), "-o", out.toString(),
        "--vocab", trained.resolve("vocab.txt").toString(), "--steps", "2");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("from " + trained.resolve("vocab.txt")), run.err());
    assertEquals(Files.readString(trained.resolve("vocab.txt")), Files.readString(out.resolve("model/vocab.txt")));
    assertEquals(2, metrics(out).size());
  }
}
