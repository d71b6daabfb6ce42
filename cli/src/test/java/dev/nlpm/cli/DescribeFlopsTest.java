package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code describe}'s FLOPs estimates, worked out by hand on tiny models. */
class DescribeFlopsTest {

  @TempDir Path dir;

  @Test
  void aDecoderCountsItsMatmulsTheTiedHeadAndAttentionAtTheDeclaredSeq() throws IOException {
    // hidden 4, intermediate 16, 1 layer: 4·4² + 2·4·16 = 192 in the layer, lm_head [10, 4] = 40;
    // seq = max_length 8 (train.seq's default 128 capped); forward 2·232 + 4·1·4·8 = 592; training 1,776.
    Path file = dir.resolve("m.nlpm");
    Files.writeString(file, "model A : decoder { vocab = 10; hidden = 4; heads = 2; layers = 1; max_length = 8; objective clm; }\n");
    CliRun run = CliRun.of("describe", file.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains(
        "FLOPs a token (seq = 8, the declared train seq): forward 2 × 232 matmul parameters + 4 × 1 layers × 4 hidden × 8 seq"
            + " = 592; training ≈ 3 × forward = 1,776 (1.8 k)\n"
            + "  (matmul parameters: 192 in the layers, 40 in the lm_head on every token;"), run.out());
  }

  @Test
  void anEncoderUsesItsTrainSeqAndCountsSharedLayersOncePerLayer() throws IOException {
    // hidden 8, intermediate 32, 3 layers sharing one set of weights: 3·(4·64 + 2·8·32) = 2,304;
    // mlm_head: transform [8, 8] + decoder [20, 8] = 224; seq 16; forward 2·2,528 + 4·3·8·16 = 6,592.
    Path file = dir.resolve("e.nlpm");
    Files.writeString(file, "model E : encoder { vocab = 20; hidden = 8; heads = 2; layers = 3; sharing = all; max_length = 64;"
        + " objective mlm; train { seq = 16; } }\n");
    CliRun run = CliRun.of("describe", file.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("FLOPs a token (seq = 16, the declared train seq): forward 2 × 2,528 matmul parameters"
        + " + 4 × 3 layers × 8 hidden × 16 seq = 6,592 (6.6 k); training ≈ 3 × forward = 19,776 (19.8 k)\n"), run.out());
  }

  @Test
  void word2vecCountsPerTrainedWord() throws IOException {
    // window 2 → 3 context words on average; 1 + 3 negatives; dim 10: 2·3·4·10 = 240.
    Path file = dir.resolve("w.nlpm");
    Files.writeString(file, "model W : word2vec { dim = 10; vocab = 50; objective skipgram { window = 2; negative = 3; } }\n");
    CliRun run = CliRun.of("describe", file.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("FLOPs a trained word (skipgram, window 2: window + 1 = 3 context words on average):"
        + " forward 2 × 3 contexts × 4 outputs (1 + 3 negatives) × 10 dim = 240; training ≈ 3 × forward = 720\n"), run.out());
  }

  @Test
  void otherFamiliesPrintNoEstimate() throws IOException {
    Path file = dir.resolve("l.nlpm");
    Files.writeString(file, "model C : lstm_lm { max_vocab = 50; embedding = 8; hidden = 8; layers = 1; objective clm; }\n");
    CliRun run = CliRun.of("describe", file.toString());
    assertEquals(0, run.status(), run.err());
    assertFalse(run.out().contains("FLOPs"), run.out());
  }
}
