package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nlpm train} and {@code nlpm sample} in process on a tiny character-level decoder. */
class DecoderCommandsTest {

  @TempDir static Path dir;

  static Path gpt;
  static Path text;
  static Path trained;
  static CliRun training;

  private static final String TINY = String.join("\n",
      "  vocab = 64;",
      "  layers = 2;",
      "  heads = 2;",
      "  intermediate = 32;",
      "  max_length = 32;",
      "  tie_embeddings = true;",
      "  norm { placement = pre; }",
      "  attention causal;",
      "  tokenizer char;",
      "  objective clm;",
      "");

  @BeforeAll
  static void trainOnce() throws IOException {
    gpt = dir.resolve("gpt.nlpm");
    Files.writeString(gpt, String.join("\n",
        "package demo;",
        "model TinyGpt : decoder {",
        "  hidden = 16;",
        TINY,
        "  decoding sampling { max_length = 7; temperature = 0.8; top_k = 5; seed = 3; }",
        "  train { lr = 3e-3; warmup = 1; steps = 8; batch = 4; seq = 16; seed = 2; threads = 1; }",
        "}",
        ""));
    text = TinyStory.write(dir);
    trained = dir.resolve("out");
    training = CliRun.of("train", gpt.toString(), "--data", text.toString(), "-o", trained.toString());
  }

  private static final Set<String> KEYS = Set.of("step", "seconds", "loss", "learning_rate", "tokens_per_second");

  private static List<JsonObject> metrics(Path out) throws IOException {
    List<JsonObject> records = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      records.add(JsonParser.parseString(line).getAsJsonObject());
    }
    return records;
  }

  @Test
  void trainWritesTheModelTheCheckpointAndARecordPerStep() throws IOException {
    assertEquals(0, training.status(), training.err());
    assertTrue(training.err().contains("training TinyGpt: 2 layers, width 16, 2 heads, causal LM;"), training.err());
    assertTrue(training.err().matches("(?s).*step 1/8 \\[##-{18}\\]  loss [0-9.]+  lr [0-9.e+-]+  [0-9,]+ tokens/s  \\d+:\\d\\d left.*"), training.err());
    assertTrue(training.err().matches("(?s).*step 8/8 \\[#{20}\\]  loss [0-9.]+ .* held-out ppl [0-9.]+\n.*"), training.err());
    assertTrue(training.out().startsWith("TinyGpt: 8 steps, last loss "), training.out());
    assertTrue(training.out().matches("(?s).*held-out perplexity per char token: TinyGpt [0-9.]+, unigram [0-9.]+\n"), training.out());
    for (String file : List.of("model/model.safetensors", "model/chars.json", "chars.json", "training.json", "metrics.jsonl", "loss.png")) {
      assertTrue(Files.isRegularFile(trained.resolve(file)), file);
    }
    assertTrue(Files.isDirectory(trained.resolve("checkpoint")));
    List<JsonObject> records = metrics(trained);
    assertEquals(8, records.size(), "" + records);
    for (int i = 0; i < 8; i++) {
      JsonObject r = records.get(i);
      assertEquals(i + 1, r.get("step").getAsLong());
      assertEquals(i == 7 ? union(KEYS, "held_out_perplexity") : KEYS, r.keySet(), "" + r);
      assertTrue(r.get("loss").getAsDouble() > 0, "" + r);
      assertTrue(r.get("tokens_per_second").getAsDouble() > 0, "" + r);
    }
    double perplexity = records.get(7).get("held_out_perplexity").getAsDouble();
    assertTrue(perplexity > 1 && perplexity < 64, "" + perplexity);
  }

  private static Set<String> union(Set<String> keys, String key) {
    Set<String> all = new java.util.HashSet<>(keys);
    all.add(key);
    return all;
  }

  @Test
  void aStopLeavesACheckpointAndResumeContinuesTheSteps() throws IOException {
    Path out = dir.resolve("stopped");
    int[] asked = {0};
    CliRun stopped;
    StopRequest.testTrigger = () -> ++asked[0] > 2; // asked once a step: stops after step 3
    try {
      stopped = CliRun.of("train", gpt.toString(), "--data", text.toString(), "-o", out.toString());
    } finally {
      StopRequest.testTrigger = () -> false;
    }
    assertEquals(130, stopped.status(), stopped.err());
    assertTrue(stopped.err().contains("nlpm: stopped; checkpoint at " + out.resolve("checkpoint") + " — continue with --resume"),
        stopped.err());
    assertFalse(Files.exists(out.resolve("model")), "a stopped run writes no model");
    List<JsonObject> before = metrics(out);
    assertEquals(3, before.size(), "" + before);
    assertTrue(before.get(2).has("held_out_perplexity"), "the stop's checkpoint is evaluated: " + before.get(2));

    CliRun changed = CliRun.of("train", gpt.toString(), "--data", text.toString(), "-o", out.toString(), "--resume", "--lr", "0.1");
    assertEquals(2, changed.status());
    assertEquals("nlpm: --resume continues the run with its settings: --lr 0.003, not 0.1; drop --lr"
        + " (only --threads and --checkpoint-every may change)\n", changed.err());

    CliRun resumed = CliRun.of("train", gpt.toString(), "--data", text.toString(), "-o", out.toString(), "--resume");
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.err().contains("resuming TinyGpt from " + out.resolve("checkpoint") + " at step 3 of 8"), resumed.err());
    assertTrue(resumed.err().contains("step 4/8"), resumed.err());
    assertFalse(resumed.err().contains("step 3/8"), resumed.err());
    List<JsonObject> after = metrics(out);
    assertEquals(8, after.size(), "" + after);
    for (int i = 0; i < 8; i++) {
      assertEquals(i + 1, after.get(i).get("step").getAsLong());
    }
    assertTrue(Files.isRegularFile(out.resolve("model/model.safetensors")));
  }

  private static CliRun sample(String... flags) {
    List<String> args = new ArrayList<>(List.of("sample", gpt.toString(), "--model-dir", trained.toString()));
    args.addAll(List.of(flags));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void eachSchemePrintsThePromptAndAContinuationOfTheRequestedLength() {
    assertEquals(0, training.status(), training.err());
    for (List<String> scheme : List.of(List.of("greedy"), List.of("beam", "--width", "3"),
        List.of("sampling", "--temperature", "0.9", "--top-k", "8", "--top-p", "0.95", "--repetition-penalty", "1.2"))) {
      List<String> flags = new ArrayList<>(List.of("--prompt", "the cat ", "--max-new", "10", "--scheme"));
      flags.addAll(scheme);
      CliRun run = sample(flags.toArray(String[]::new));
      assertEquals(0, run.status(), scheme + ": " + run.err());
      assertEquals("TinyGpt: " + scheme.get(0) + ", 10 tokens generated after a prompt of 8\n", run.err());
      assertTrue(run.out().startsWith("the cat "), run.out());
      assertEquals("the cat ".length() + 10 + 1, run.out().length(), scheme + ": a character a token: [" + run.out() + "]");
    }
  }

  @Test
  void greedyIsDeterministicAndSamplingFollowsItsSeed() {
    assertEquals(sample("--scheme", "greedy", "--max-new", "12").out(), sample("--scheme", "greedy", "--max-new", "12").out());
    CliRun one = sample("--scheme", "sampling", "--seed", "4", "--max-new", "20");
    assertEquals(one.out(), sample("--scheme", "sampling", "--seed", "4", "--max-new", "20").out());
    assertNotEquals(one.out(), sample("--scheme", "sampling", "--seed", "5", "--max-new", "20").out(),
        "another seed, another sample (20 characters from an untrained model)");
  }

  @Test
  void theDeclaredDecodingSectionGivesTheDefaults() {
    CliRun run = sample("--prompt", "a");
    assertEquals(0, run.status(), run.err());
    assertEquals("TinyGpt: sampling, 7 tokens generated after a prompt of 1\n", run.err());
    assertEquals(run.out(), sample("--prompt", "a", "--seed", "3").out(), "the declared seed is 3");
  }

  @Test
  void aBpeDecoderTrainsAByteLevelVocabularyAndSamples() throws IOException {
    Path bpe = dir.resolve("bpe.nlpm");
    Files.writeString(bpe, "model BpeGpt : decoder {\n  hidden = 16;\n" + TINY.replace("vocab = 64", "vocab = 300")
        .replace("tokenizer char", "tokenizer bpe") + "  train { steps = 2; batch = 2; seq = 16; threads = 1; }\n}\n");
    Path out = dir.resolve("bpe-out");
    CliRun run = CliRun.of("train", bpe.toString(), "--data", text.toString(), "-o", out.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("held-out perplexity per bpe token: BpeGpt "), run.out());
    for (String file : List.of("model/model.safetensors", "model/vocab.json", "model/merges.txt")) {
      assertTrue(Files.isRegularFile(out.resolve(file)), file);
    }
    CliRun sampled = CliRun.of("sample", bpe.toString(), "--model-dir", out.toString(), "--prompt", "the cat", "--max-new", "5");
    assertEquals(0, sampled.status(), sampled.err());
    assertTrue(sampled.err().matches("BpeGpt: greedy, 5 tokens generated after a prompt of [12]\n"), sampled.err());
    assertTrue(sampled.out().startsWith("the cat"), sampled.out());
  }

  /** A blockwise declaration's heads are trained after the model; sampling with them gives greedy's text in fewer passes. */
  @Test
  void blockwiseHeadsAreTrainedAfterTheModelAndDecodeAsGreedy() throws IOException {
    Path declaration = dir.resolve("blockwise.nlpm");
    // the story's 19 characters and [UNK]: every token of the vocabulary is trained
    Files.writeString(declaration, "model BlockGpt : decoder {\n  hidden = 16;\n" + TINY.replace("vocab = 64;", "vocab = 20;")
        + "  decoding blockwise { k = 2; }\n  train { lr = 1e-2; warmup = 1; steps = 40; batch = 4; seq = 16; seed = 2; threads = 1; }\n}\n");
    Path out = dir.resolve("blockwise");
    CliRun run = CliRun.of("train", declaration.toString(), "--data", text.toString(), "-o", out.toString(), "--heads-steps", "30");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("training 2 blockwise proposal heads on the frozen model: 30 steps of 4 × 16 tokens"), run.err());
    assertTrue(run.out().contains("blockwise heads: 30 steps, last loss "), run.out());
    assertTrue(Files.isRegularFile(out.resolve("model/" + HeadsTraining.WEIGHTS)));

    String[] common = {"sample", declaration.toString(), "--model-dir", out.toString(), "--prompt", "the ", "--max-new", "24"};
    CliRun greedy = CliRun.of(concat(common, "--scheme", "greedy"));
    CliRun blockwise = CliRun.of(concat(common, "--scheme", "blockwise"));
    assertEquals(0, blockwise.status(), blockwise.err());
    assertEquals(greedy.out(), blockwise.out(), "blockwise decoding is greedy decoding");
    java.util.regex.Matcher passes = java.util.regex.Pattern.compile("in (\\d+) passes of the model").matcher(blockwise.err());
    assertTrue(passes.find(), blockwise.err());
    assertTrue(Integer.parseInt(passes.group(1)) <= 25, "at most one pass a token and the prompt's: " + blockwise.err());

    CliRun none = CliRun.of("sample", gpt.toString(), "--model-dir", trained.toString(), "--scheme", "blockwise");
    assertEquals(2, none.status());
    assertEquals("nlpm: TinyGpt declares no decoding blockwise: no proposal heads to decode with\n", none.err());
    CliRun flag = CliRun.of("train", gpt.toString(), "--data", text.toString(), "-o", dir.resolve("noheads").toString(), "--heads-steps", "3");
    assertEquals(2, flag.status());
    assertEquals("nlpm: --heads-steps trains blockwise decoding's proposal heads; TinyGpt declares no decoding blockwise\n", flag.err());
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  /** The block length, the epochs and the decay are flags: they reach the run's header, its settings and its steps. */
  @Test
  void seqEpochsAndScheduleOverrideTheDeclaration() throws IOException {
    Path out = dir.resolve("blocks");
    CliRun run = CliRun.of("train", gpt.toString(), "--data", text.toString(), "-o", out.toString(), "--seq", "8", "--epochs", "1",
        "--schedule", "constant", "--optimizer", "adam");
    assertEquals(0, run.status(), run.err());
    java.util.regex.Matcher header = java.util.regex.Pattern.compile("([0-9,]+) training, [0-9,]+ held out; (\\d+) steps of 4 × 8 tokens,"
        + " lr 0.003 \\(warmup 1, adam, constant decay to 0.0\\)").matcher(run.err());
    assertTrue(header.find(), run.err());
    long blocks = Long.parseLong(header.group(1).replace(",", "")) / 8;
    assertEquals((blocks + 3) / 4, Long.parseLong(header.group(2)), "one epoch of " + blocks + " blocks of 8, 4 a step");
    JsonObject settings = JsonParser.parseString(Files.readString(out.resolve("training.json"))).getAsJsonObject();
    assertEquals(8, settings.get("sequence").getAsInt());
    for (JsonObject record : metrics(out).subList(1, metrics(out).size())) {
      assertEquals(3e-3, record.get("learning_rate").getAsDouble(), 1e-9, "constant after warmup");
    }
    CliRun tooLong = CliRun.of("train", gpt.toString(), "--data", text.toString(), "-o", dir.resolve("long").toString(), "--seq", "33");
    assertEquals(2, tooLong.status());
    assertEquals("nlpm: --seq must be between 2 and the model's 32 positions, got 33\n", tooLong.err());
  }

  @Test
  void errorsAreOneLine() throws IOException {
    Path others = dir.resolve("others.nlpm");
    Files.writeString(others, String.join("\n",
        "model Words : word2vec { dim = 4; min_count = 1; objective skipgram; }",
        "model TinyEnc : encoder { vocab = 64; hidden = 16; layers = 1; heads = 2; intermediate = 32; max_length = 32; objective mlm; }",
        ""));
    for (String name : List.of("Words", "TinyEnc")) {
      CliRun run = CliRun.of("sample", others.toString(), "-m", name, "--model-dir", trained.toString());
      assertEquals(2, run.status(), run.err());
      assertTrue(run.err().startsWith("nlpm: " + name + " is a"), run.err());
      assertTrue(run.err().contains("`nlpm sample` runs decoders"), run.err());
      assertEquals(1, run.err().lines().count(), run.err());
    }

    Path wide = dir.resolve("wide.nlpm");
    Files.writeString(wide, "model WideGpt : decoder {\n  hidden = 24;\n" + TINY + "}\n");
    CliRun mismatch = CliRun.of("sample", wide.toString(), "--model-dir", trained.toString());
    assertEquals(2, mismatch.status(), mismatch.err());
    assertTrue(mismatch.err().startsWith("nlpm: "), mismatch.err());
    assertTrue(mismatch.err().contains("shape"), mismatch.err());
    assertEquals(1, mismatch.err().lines().count(), mismatch.err());

    CliRun tooLong = sample("--prompt", "the cat sees the fish and the dog eats");
    assertEquals(2, tooLong.status(), tooLong.err());
    assertEquals("nlpm: the prompt is 38 tokens, longer than TinyGpt's 32 positions\n", tooLong.err());

    CliRun noRoom = sample("--prompt", "the cat sees the fish", "--max-new", "20");
    assertEquals(2, noRoom.status(), noRoom.err());
    assertEquals("nlpm: --max-new 20 does not fit: TinyGpt has 32 positions, the prompt takes 21; at most 12\n", noRoom.err());
  }
}
