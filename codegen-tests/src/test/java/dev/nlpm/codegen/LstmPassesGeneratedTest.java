package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.runtime.decoding.LanguageModelStep;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.lstm.LstmLanguageModel;
import dev.nlpm.runtime.lstm.LstmPasses;
import dev.nlpm.runtime.lstm.LstmState;
import dev.nlpm.runtime.model.LstmFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tiny LSTM language model's generated {@code <Model>Passes}, compiled, computes the runtime
 * {@code LstmLanguageModel}'s bits: the loss, every parameter's gradient and the carried state of
 * two training blocks in a row (the state carried from the first into the second), the loss of a
 * third, and the decoding step's logits, at one thread and at three; for one and several layers,
 * with and without dropout, with the output layer tied and untied, a vocabulary declared and one
 * built at run time.
 */
class LstmPassesGeneratedTest {

  private static final int BATCH = 3;
  private static final int LENGTH = 5;

  private static String model(String members) {
    return "package gen;\nmodel M : lstm_lm {\n" + members + "  objective clm;\n}\n";
  }

  @Test
  void oneLayerWithoutDropout() throws Exception {
    computesTheOraclesBits(model("  vocab = 13;\n  embedding = 6;\n  hidden = 7;\n  layers = 1;\n  dropout = 0.0;\n"), 13, false);
  }

  @Test
  void threeLayersWithDropoutAndARunTimeVocabulary() throws Exception {
    computesTheOraclesBits(model("  max_vocab = 20;\n  embedding = 5;\n  hidden = 9;\n  layers = 3;\n  dropout = 0.3;\n"), 13, true);
  }

  @Test
  void twoLayersTiedWithDropout() throws Exception {
    computesTheOraclesBits(model("  vocab = 13;\n  embedding = 8;\n  hidden = 8;\n  layers = 2;\n  dropout = 0.2;\n"
        + "  tie_embeddings = true;\n"), 13, true);
  }

  private static void computesTheOraclesBits(String text, int vocab, boolean dropout) throws Exception {
    Compilation compilation = Models.compile("m.nlpm", text);
    assertTrue(compilation.files().stream().map(GeneratedFile::qualifiedName).anyMatch("gen.MPasses"::equals), "the compiler emits the passes");
    ClassLoader loader = InMemoryJavac.compile(compilation.files()).loader();
    LstmFacade facade = loader.loadClass("gen.MModel").asSubclass(LstmFacade.class).getConstructor().newInstance();
    ParameterRows parameters = facade.newParameters(vocab, 7);
    try (Parallel one = new Parallel(1); Parallel three = new Parallel(3)) {
      for (Parallel parallel : new Parallel[] {one, three}) {
        LstmPasses generated = facade.newModel(parameters, parallel);
        assertEquals("gen.MPasses", generated.getClass().getName(), "the facade runs on the generated passes");
        assertEquals(vocab, generated.config().vocab());
        LstmLanguageModel oracle = new LstmLanguageModel(generated.config(), generated.kernels(), parameters, parallel);
        float[] first = sameBlocks(generated, oracle, vocab, 5);
        float[] second = sameBlocks(generated, oracle, vocab, 6);
        // with dropout, the seed reaches the masks: another seed, other gradients
        assertEquals(dropout, !Arrays.equals(first, second));
        sameSteps(generated, oracle);
      }
    }
    LstmPasses generated = facade.newModel(parameters, null);
    var bad = assertThrows(IllegalArgumentException.class, () -> generated.loss(new int[] {0, vocab}, new int[] {1, 2}, 1, 2,
        generated.newState(1)));
    assertEquals("token id " + vocab + " is outside the vocabulary 0.." + (vocab - 1), bad.getMessage());
  }

  /**
   * Two training blocks with the state carried (dropout drawn from {@code seed} and {@code seed + 1}),
   * then a loss, on the same tokens whatever the seed; returns the (equal) gradients of the first.
   */
  private static float[] sameBlocks(LstmPasses generated, LstmLanguageModel oracle, int vocab, long seed) {
    Random random = new Random(1);
    LstmState mine = generated.newState(BATCH);
    LstmState theirs = oracle.newState(BATCH);
    float[] firstGradients = null;
    for (int block = 0; block < 2; block++) {
      int[] inputs = tokens(random, vocab);
      int[] targets = tokens(random, vocab);
      targets[4] = -100;
      ParameterRows expected = oracle.parameters().zerosLike();
      ParameterRows actual = oracle.parameters().zerosLike();
      float expectedLoss = oracle.train(inputs, targets, BATCH, LENGTH, theirs, expected, seed + block);
      float loss = generated.train(inputs, targets, BATCH, LENGTH, mine, actual, seed + block);
      assertEquals(Float.floatToIntBits(expectedLoss), Float.floatToIntBits(loss), "loss of block " + block + ": " + expectedLoss + ", " + loss);
      float[] gradients = actual.toFlat();
      assertArrayEquals(expected.toFlat(), gradients, "gradients of block " + block);
      assertTrue(Arrays.stream(box(gradients)).anyMatch(g -> g != 0));
      sameState(theirs, mine, "after block " + block);
      if (firstGradients == null) {
        firstGradients = gradients;
      }
    }
    int[] inputs = tokens(random, vocab);
    int[] targets = tokens(random, vocab);
    assertEquals(oracle.loss(inputs, targets, BATCH, LENGTH, theirs), generated.loss(inputs, targets, BATCH, LENGTH, mine));
    sameState(theirs, mine, "after the loss");
    return firstGradients;
  }

  private static void sameSteps(LstmPasses generated, LstmLanguageModel oracle) {
    int[] prompt = {1, 4, 2};
    LanguageModelStep.State mine = generated.step().start(prompt);
    LanguageModelStep.State theirs = oracle.step().start(prompt);
    assertArrayEquals(theirs.logits(), mine.logits(), "logits after the prompt");
    LanguageModelStep.State fork = mine.fork();
    for (int token : new int[] {3, 0, 5}) {
      assertArrayEquals(theirs.advance(token).logits(), mine.advance(token).logits(), "logits after " + token);
    }
    assertFalse(Arrays.equals(fork.logits(), mine.logits()), "a fork keeps its own state");
  }

  private static void sameState(LstmState expected, LstmState actual, String when) {
    for (int l = 0; l < expected.layers(); l++) {
      for (int b = 0; b < BATCH; b++) {
        assertArrayEquals(expected.h(l, b), actual.h(l, b), "h of layer " + l + ", sequence " + b + " " + when);
        assertArrayEquals(expected.c(l, b), actual.c(l, b), "c of layer " + l + ", sequence " + b + " " + when);
      }
    }
  }

  private static int[] tokens(Random random, int vocab) {
    int[] ids = new int[BATCH * LENGTH];
    for (int i = 0; i < ids.length; i++) {
      // a repeated id adds into one embedding row several times: the order of those additions counts
      ids[i] = random.nextInt(vocab / 2);
    }
    return ids;
  }

  private static Float[] box(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }
}
