package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.decoding.Blockwise;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.encoder.FeedForwardActivation;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blockwise parallel decoding on a tiny decoder trained on a periodic sequence (period 10, in which
 * "1 2" is followed by 3 once and by 6 once, so the model needs more than the last token): the
 * output is greedy decoding's, with trained heads in fewer passes than tokens, with random heads
 * still greedy's.
 */
class BlockwiseDecodingTest {

  static final DecoderConfig CONFIG = new DecoderConfig(12, 32, 2, 2, 64, 24, 1e-5, FeedForwardActivation.GELU_TANH);
  static final int[] PERIOD = {1, 2, 3, 4, 5, 1, 2, 6, 7, 8};
  static final int K = 3;
  static final int LENGTH = CONFIG.maxPositions();
  static final int BATCH = 8;

  static Parallel parallel;
  static Decoder decoder;
  static ProposalHeads trained;
  static ProposalHeads random;
  static double trainedHeadLoss;

  static int[] text(int length, int offset) {
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      ids[i] = PERIOD[(offset + i) % PERIOD.length];
    }
    return ids;
  }

  /** {@code BATCH} blocks of the periodic text at offsets drawn from {@code (seed, k)}. */
  static int[] batch(long seed, long k) {
    SplittableRandom r = new SplittableRandom(seed * 31 + k);
    int[] ids = new int[BATCH * LENGTH];
    for (int b = 0; b < BATCH; b++) {
      System.arraycopy(text(LENGTH, r.nextInt(PERIOD.length)), 0, ids, b * LENGTH, LENGTH);
    }
    return ids;
  }

  @BeforeAll
  static void train() throws IOException {
    parallel = new Parallel(2);
    ParameterLayout layout = ProposalHeadsTest.layoutWithHeads(CONFIG, K);
    ParameterRows base = Decoder.parameters(layout);
    float[] flat = new float[layout.size()];
    dev.nlpm.runtime.parameters.TruncatedNormalInitializer.bert().initialize(layout, flat, 1);
    base.importFrom(flat);
    decoder = new Decoder(CONFIG, ProductKernels.plain(), base, parallel);
    Decoder.Workspace ws = decoder.workspace(BATCH, LENGTH);
    EncoderTrainer.Options options = new EncoderTrainer.Options(1e-2, 20, 120, 1, 1.0, 0.0, 1, 0);
    new EncoderTrainer(base, options, "periodic", "transformer").train(
        (k, gradients, seed) -> new EncoderTrainer.PassResult(decoder.train(batch(1, k), null, BATCH, LENGTH, ws, gradients), BATCH * LENGTH, 0, 0),
        null, null);
    // the heads on the frozen base, in parameters of their own
    ParameterLayout headsLayout = ProposalHeads.layout(layout);
    ParameterRows heads = ProposalHeads.initialize(headsLayout, 2);
    trained = new ProposalHeads(decoder, heads);
    ProposalHeads.Workspace headsWs = trained.workspace(BATCH, LENGTH);
    new EncoderTrainer(heads, new EncoderTrainer.Options(1e-2, 20, 120, 1, 1.0, 0.0, 2, 0), "periodic", "transformer").train(
        (k, gradients, seed) -> new EncoderTrainer.PassResult(trained.train(batch(2, k), BATCH, LENGTH, headsWs, gradients), BATCH * LENGTH, 0, 0),
        null, null);
    trainedHeadLoss = trained.loss(batch(3, 0), BATCH, LENGTH, headsWs);
    random = new ProposalHeads(decoder, ProposalHeadsTest.randomHeads(headsLayout, 9));
  }

  @AfterAll
  static void close() {
    parallel.close();
  }

  static final int[][] PROMPTS = {{1, 2, 3}, {5, 1, 2, 6}, {8, 1}, {4, 5, 1, 2}, {7}};

  @Test
  void trainedHeadsGiveGreedysOutputInFewerPassesThanTokens() {
    assertTrue(trainedHeadLoss < 0.3, "the heads learned the period: loss " + trainedHeadLoss);
    for (int[] prompt : PROMPTS) {
      DecodingOptions options = DecodingOptions.of(LENGTH - prompt.length);
      int[] greedy = Greedy.decode(decoder.step(LENGTH), prompt, options);
      Blockwise.Result blockwise = Blockwise.decode(trained.step(LENGTH), prompt, options);
      String which = "prompt " + Arrays.toString(prompt);
      assertArrayEquals(greedy, blockwise.tokens(), which);
      assertEquals(greedy.length - prompt.length, blockwise.generated(), which);
      assertTrue(blockwise.modelPasses() < blockwise.generated(), which + ": " + blockwise.modelPasses() + " passes for " + blockwise.generated());
      assertTrue(blockwise.meanAccepted() > 2, which + ": " + Arrays.toString(blockwise.acceptedPerIteration()));
      assertEquals(blockwise.generated(), Arrays.stream(blockwise.acceptedPerIteration()).sum(), which);
      assertTrue(Arrays.stream(blockwise.acceptedPerIteration()).allMatch(a -> a >= 1 && a <= K + 1), which);
    }
    // the base model learned the period, so the comparison is between meaningful outputs
    assertArrayEquals(text(LENGTH, 0), Greedy.decode(decoder.step(LENGTH), new int[] {1, 2, 3}, DecodingOptions.of(LENGTH - 3)));
  }

  @Test
  void randomHeadsStillGiveGreedysOutput() {
    for (int[] prompt : PROMPTS) {
      DecodingOptions options = DecodingOptions.of(LENGTH - prompt.length);
      Blockwise.Result blockwise = Blockwise.decode(random.step(LENGTH), prompt, options);
      assertArrayEquals(Greedy.decode(decoder.step(LENGTH), prompt, options), blockwise.tokens(), "prompt " + Arrays.toString(prompt));
      assertTrue(blockwise.modelPasses() <= blockwise.generated());
    }
  }

  @Test
  void stopTokensMaximumLengthAndRepetitionPenaltyAreGreedys() {
    for (int[] prompt : PROMPTS) {
      for (DecodingOptions options : new DecodingOptions[] {DecodingOptions.of(7, 6), DecodingOptions.of(1), DecodingOptions.of(2),
          DecodingOptions.of(5, 8, 4), DecodingOptions.of(12).withRepetitionPenalty(1.5)}) {
        String which = "prompt " + Arrays.toString(prompt) + ", " + options;
        for (ProposalHeads heads : new ProposalHeads[] {trained, random}) {
          Blockwise.Result blockwise = Blockwise.decode(heads.step(LENGTH), prompt, options);
          assertArrayEquals(Greedy.decode(decoder.step(LENGTH), prompt, options), blockwise.tokens(), which);
          assertTrue(blockwise.modelPasses() <= Math.max(1, blockwise.generated()), which);
        }
      }
    }
  }

  @Test
  void aCacheTooSmallFailsAsGreedyDoes() {
    int[] prompt = {1, 2, 3};
    DecodingOptions options = DecodingOptions.of(10);
    assertThrows(IllegalStateException.class, () -> Greedy.decode(decoder.step(8), prompt, options));
    IllegalStateException full = assertThrows(IllegalStateException.class, () -> Blockwise.decode(trained.step(8), prompt, options));
    assertTrue(full.getMessage().contains("no room"), full.getMessage());
    // exactly enough room: greedy feeds prompt + 9 tokens
    assertArrayEquals(Greedy.decode(decoder.step(12), prompt, options), Blockwise.decode(trained.step(12), prompt, options).tokens());
  }
}
