package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nlpm train}, {@code fill-mask} and {@code embed} on a tiny RoBERTa-shaped encoder (its
 * names, offset positions, one token type, BPE, and here no pooler) and a tiny ALBERT-shaped one
 * (factorized embeddings, every layer shared, MLM + sentence-order prediction): each trains a few
 * steps through its generated facade to a finite loss and answers fill-mask.
 */
class EncoderShapesCommandsTest {

  @TempDir static Path dir;

  static Path declarations;
  static Path text;

  @BeforeAll
  static void write() throws IOException {
    declarations = dir.resolve("shapes.nlpm");
    Files.writeString(declarations, String.join("\n",
        "package demo;",
        "model TinyRoberta : encoder {",
        "  vocab = 300; hidden = 16; layers = 2; heads = 2; intermediate = 32; max_length = 34;",
        "  names = roberta;",
        "  pooler = false;",
        "  embeddings { segments = 1; }",
        "  norm { eps = 1e-5; }",
        "  tokenizer bpe;",
        "  objective mlm { masking = dynamic; }",
        "  train { lr = 1e-3; warmup = 1; steps = 4; batch = 4; seed = 3; threads = 1; }",
        "}",
        "model TinyAlbert : encoder {",
        "  vocab = 120; hidden = 16; layers = 3; heads = 2; intermediate = 32; max_length = 32;",
        "  names = albert;",
        "  sharing = all;",
        "  embeddings { size = 8; }",
        "  objective mlm;",
        "  objective sop;",
        "  train { lr = 1e-3; warmup = 1; steps = 4; batch = 4; seed = 3; threads = 1; }",
        "}",
        ""));
    Random random = new Random(7);
    String[] subjects = {"the cat", "the dog", "a bird", "my sister"};
    String[] verbs = {"sees", "eats", "likes", "finds"};
    String[] objects = {"the fish", "a mouse", "the bread", "the garden"};
    StringBuilder body = new StringBuilder();
    for (int p = 0; p < 20; p++) {
      for (int s = 0; s < 5; s++) {
        body.append(subjects[random.nextInt(4)]).append(' ').append(verbs[random.nextInt(4)]).append(' ')
            .append(objects[random.nextInt(4)]).append(". ");
      }
      body.append("\n\n");
    }
    text = dir.resolve("story.txt");
    Files.writeString(text, body);
  }

  private static CliRun train(String model, Path out) {
    return CliRun.of("train", declarations.toString(), "-m", model, "--data", text.toString(), "-o", out.toString());
  }

  /** The last step's loss in {@code metrics.jsonl}, which must be finite. */
  private static double lastLoss(Path out) throws IOException {
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(4, lines.size(), "a record per step");
    double loss = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject().get("loss").getAsDouble();
    assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
    return loss;
  }

  @Test
  void aRobertaShapedEncoderTrainsFillsMasksAndEmbedsWithItsClsState() throws IOException {
    Path out = dir.resolve("roberta");
    CliRun run = train("TinyRoberta", out);
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("MLM"), run.err());
    lastLoss(out);
    CliRun fill = CliRun.of("fill-mask", declarations.toString(), "-m", "TinyRoberta", "--model-dir", out.toString(), "-k", "2",
        "the cat <mask> the fish.");
    assertEquals(0, fill.status(), fill.err());
    assertEquals(3, fill.out().lines().count(), fill.out());
    CliRun embed = CliRun.of("embed", declarations.toString(), "-m", "TinyRoberta", "--model-dir", out.toString(), "the dog eats.");
    assertEquals(0, embed.status(), embed.err());
    assertEquals(16, embed.out().strip().split(" ").length, embed.out());
    assertTrue(embed.err().contains("no pooler") && embed.err().contains("[CLS] hidden states"), embed.err());
  }

  @Test
  void anAlbertShapedEncoderTrainsWithSentenceOrderAndFillsMasks() throws IOException {
    Path out = dir.resolve("albert");
    CliRun run = train("TinyAlbert", out);
    assertEquals(0, run.status(), run.err());
    assertTrue(run.err().contains("MLM + SOP"), run.err());
    lastLoss(out);
    CliRun fill = CliRun.of("fill-mask", declarations.toString(), "-m", "TinyAlbert", "--model-dir", out.toString(), "-k", "2",
        "the cat [MASK] the fish.");
    assertEquals(0, fill.status(), fill.err());
    assertEquals(3, fill.out().lines().count(), fill.out());
  }
}
