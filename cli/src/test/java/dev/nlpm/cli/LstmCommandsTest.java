package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nlpm train} and {@code nlpm sample} in process on a tiny character-level LSTM language model. */
class LstmCommandsTest {

  @TempDir static Path dir;

  static Path lstm;
  static Path text;
  static Path trained;
  static CliRun training;

  @BeforeAll
  static void trainOnce() throws IOException {
    lstm = dir.resolve("lstm.nlpm");
    Files.writeString(lstm, String.join("\n",
        "package demo;",
        "model TinyLstm : lstm_lm {",
        "  max_vocab = 40;",
        "  embedding = 8;",
        "  hidden = 16;",
        "  layers = 1;",
        "  dropout = 0.1;",
        "  tokenizer char;",
        "  objective clm;",
        "  decoding greedy { max_length = 12; }",
        "  train { optimizer = adam; lr = 1e-2; warmup = 1; steps = 6; batch = 4; seq = 16; seed = 2; threads = 1; }",
        "}",
        ""));
    text = TinyStory.write(dir);
    trained = dir.resolve("out");
    training = CliRun.of("train", lstm.toString(), "--data", text.toString(), "-o", trained.toString());
  }

  @Test
  void trainWritesTheModelAndSampleContinuesAPrompt() {
    assertEquals(0, training.status(), training.err());
    assertTrue(training.err().contains("training TinyLstm: LSTM, 1 layer of 16 over embeddings of 8, causal LM;"), training.err());
    assertTrue(training.err().contains("6 steps of 4 × 16 tokens, lr 0.01 (warmup 1, adam, linear decay to 0.0)"), training.err());
    assertTrue(training.out().matches("(?s)TinyLstm: 6 steps, last loss [0-9.]+; 20 char tokens; LSTM.*\n"
        + "held-out perplexity per char token: TinyLstm [0-9.]+, unigram [0-9.]+\n"), training.out());
    assertTrue(Files.isRegularFile(trained.resolve("model/model.safetensors")));

    CliRun greedy = CliRun.of("sample", lstm.toString(), "--model-dir", trained.toString(), "--prompt", "the ");
    assertEquals(0, greedy.status(), greedy.err());
    assertEquals("TinyLstm: greedy, 12 tokens generated after a prompt of 4\n", greedy.err());
    assertTrue(greedy.out().startsWith("the ") && greedy.out().length() == "the ".length() + 12 + 1, greedy.out());
    CliRun again = CliRun.of("sample", lstm.toString(), "--model-dir", trained.toString(), "--prompt", "the ");
    assertEquals(greedy.out(), again.out(), "greedy is deterministic");
  }

  /** A stop and a resume give the weights of the run never stopped: the carried state and the dropout are restored too. */
  @Test
  void aStoppedRunResumesToTheSameWeights() throws IOException {
    Path out = dir.resolve("stopped");
    int[] asked = {0};
    CliRun stopped;
    StopRequest.testTrigger = () -> ++asked[0] > 2;
    try {
      stopped = CliRun.of("train", lstm.toString(), "--data", text.toString(), "-o", out.toString());
    } finally {
      StopRequest.testTrigger = () -> false;
    }
    assertEquals(130, stopped.status(), stopped.err());
    CliRun resumed = CliRun.of("train", lstm.toString(), "--data", text.toString(), "-o", out.toString(), "--resume", "--threads", "2");
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.err().contains("resuming TinyLstm from " + out.resolve("checkpoint") + " at step 3 of 6"), resumed.err());
    assertArrayEquals(Files.readAllBytes(trained.resolve("model/model.safetensors")), Files.readAllBytes(out.resolve("model/model.safetensors")));
  }

  @Test
  void anUnreadableCorpusLineIsNamed() throws IOException {
    Path bad = dir.resolve("bad.txt");
    Files.write(bad, new byte[] {'o', 'k', '\n', 'o', 'k', '\n', (byte) 0xFF, '\n'});
    CliRun run = CliRun.of("train", lstm.toString(), "--data", bad.toString(), "-o", dir.resolve("bad").toString());
    assertEquals(2, run.status(), run.err());
    assertTrue(run.err().startsWith("nlpm: " + bad + ":3: invalid UTF-8"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void weightsOfAnotherModelAreNamed() throws IOException {
    Path wide = dir.resolve("wide.nlpm");
    Files.writeString(wide, "model WideLstm : lstm_lm { max_vocab = 40; embedding = 8; hidden = 24; layers = 1; tokenizer char; objective clm; }\n");
    CliRun mismatch = CliRun.of("sample", wide.toString(), "--model-dir", trained.toString());
    assertEquals(2, mismatch.status(), mismatch.err());
    assertTrue(mismatch.err().startsWith("nlpm: ") && mismatch.err().contains("lstm.weight_ih_l0"), mismatch.err());
    assertEquals(1, mismatch.err().lines().count(), mismatch.err());
  }
}
