package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.kernels.TransposedLogits;
import dev.nlpm.runtime.optim.AdamWSettings;
import dev.nlpm.runtime.optim.RowOptimizer;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoding's logits from the transposed token embeddings: against naive dots, independent of rows and ranges, never stale. */
class TransposedLogitsTest {

  private static float[][] random(Random random, int rows, int columns) {
    float[][] m = new float[rows][columns];
    for (float[] row : m) {
      for (int i = 0; i < columns; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return m;
  }

  /** Over two tiles and a part, so that tile edges and a range inside a tile are covered. */
  @Test
  void logitsEqualNaiveDotsAndDoNotDependOnRowsOrRange() {
    Random random = new Random(3);
    int vocab = 2 * TransposedLogits.TILE + 37;
    int hidden = 24;
    float[][] wte = random(random, vocab, hidden);
    float[][] x = random(random, 3, hidden);
    ParameterRows unused = Decoder.parameters(DecoderTest.layout(DecoderTest.CONFIG));
    float[][] transposed = new TransposedLogits(unused, wte).rows(new Parallel(1));
    float[][] all = new float[3][vocab];
    TransposedLogits.logits(x, 3, transposed, all, 0, vocab);
    for (int r = 0; r < 3; r++) {
      for (int j = 0; j < vocab; j++) {
        double dot = 0;
        for (int i = 0; i < hidden; i++) {
          dot += (double) x[r][i] * wte[j][i];
        }
        assertEquals(dot, all[r][j], 1e-5 + 1e-5 * Math.abs(dot), "logit [" + r + "][" + j + "]");
      }
    }
    // one row alone, in three ranges that cut tiles: the same bits
    float[][] alone = new float[1][vocab];
    int[] cuts = {0, 700, TransposedLogits.TILE + 5, vocab};
    for (int c = 0; c + 1 < cuts.length; c++) {
      TransposedLogits.logits(new float[][] {x[1]}, 1, transposed, alone, cuts[c], cuts[c + 1]);
    }
    assertArrayEquals(all[1], alone[0]);
  }

  @Test
  void theCopyIsKeptWhileTheParametersStayAndRemadeWhenTheyChange() {
    ParameterRows parameters = DecoderTest.random(DecoderTest.CONFIG, 4);
    float[][] wte = parameters.matrix("wte.weight");
    TransposedLogits logits = new TransposedLogits(parameters, wte);
    try (Parallel parallel = new Parallel(2)) {
      float[][] first = logits.rows(parallel);
      assertSame(first, logits.rows(parallel));
      assertEquals(wte[5][3], first[3][5]);
      float[] flat = parameters.toFlat();
      for (int i = 0; i < flat.length; i++) {
        flat[i] += 1f;
      }
      parameters.importFrom(flat);
      float[][] second = logits.rows(parallel);
      assertNotEquals(first, second);
      assertEquals(wte[5][3], second[3][5]);
    }
  }

  /** The bug this guards against: generating after a training step with the logits of the weights before it. */
  @Test
  void aDecoderDecodesWithTheWeightsOfItsLastOptimizerStep() {
    ParameterRows parameters = DecoderTest.random(DecoderTest.CONFIG, 6);
    try (Parallel parallel = new Parallel(1)) {
      Decoder decoder = new Decoder(DecoderTest.CONFIG, ProductKernels.plain(), parameters, parallel);
      int[] ids = {3, 7, 1, 12, 9, 2};
      KeyValueCache before = decoder.cache(4);
      before.advance(3);
      ParameterRows gradients = Decoder.parameters(parameters.layout());
      decoder.train(ids, null, 1, ids.length, decoder.workspace(1, ids.length), gradients);
      new RowOptimizer(parameters, AdamWSettings.withWeightDecay(0.01)).step(parameters, gradients, 0.1);
      KeyValueCache after = decoder.cache(4);
      after.advance(3);
      Decoder fresh = new Decoder(DecoderTest.CONFIG, ProductKernels.plain(), parameters, parallel);
      KeyValueCache expected = fresh.cache(4);
      expected.advance(3);
      assertArrayEquals(expected.logits(), after.logits());
      assertTrue(before.logits()[0] != after.logits()[0], "the step changed the logits");
    }
  }
}
