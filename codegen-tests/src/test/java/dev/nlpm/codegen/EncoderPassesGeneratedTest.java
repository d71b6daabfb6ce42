package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.runtime.encoder.Encoder;
import dev.nlpm.runtime.encoder.EncoderActivations;
import dev.nlpm.runtime.encoder.EncoderBatch;
import dev.nlpm.runtime.encoder.EncoderParameters;
import dev.nlpm.runtime.encoder.EncoderPasses;
import dev.nlpm.runtime.encoder.EncoderWorkspace;
import dev.nlpm.runtime.encoder.Parallel;
import dev.nlpm.runtime.model.EncoderFacade;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tiny BERT's generated {@code <Model>Passes}, compiled, computes the runtime {@code Encoder}'s
 * bits: the same losses and the same gradient of every parameter in training (with dropout and
 * padding, with and without NSP, with dropout off), the same losses in evaluation, the same hidden
 * states, pooled outputs and logits in inference, at one thread and at three.
 */
class EncoderPassesGeneratedTest {

  private static String model(String objectives) {
    return "package gen;\nmodel M : encoder {\n  vocab = 30; hidden = 8; layers = 2; heads = 2; intermediate = 16; max_length = 12;\n"
        + "  embeddings { segments = 2; }\n" + objectives + "}\n";
  }

  private static EncoderBatch batch() {
    Random random = new Random(3);
    int b = 3;
    int t = 10;
    int[] ids = new int[b * t];
    int[] segments = new int[b * t];
    int[] mlm = new int[b * t];
    Arrays.fill(mlm, EncoderBatch.IGNORED);
    int[] lengths = {10, 7, 4};
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < t; i++) {
        int r = s * t + i;
        ids[r] = i < lengths[s] ? 5 + random.nextInt(25) : 0;
        segments[r] = i < lengths[s] / 2 ? 0 : 1;
        if (i > 0 && i < lengths[s] && random.nextInt(3) == 0) {
          mlm[r] = ids[r];
          ids[r] = 4;
        }
      }
    }
    return new EncoderBatch(b, t, ids, segments, lengths, mlm, new int[] {0, 1, 1}, null, null);
  }

  @Test
  void withMlmAndNspTheGeneratedPassesComputeTheEncodersBits() throws Exception {
    computesTheEncodersBits(model("  objective mlm;\n  objective nsp;\n"), true);
  }

  @Test
  void withMlmAloneTheGeneratedPassesComputeTheEncodersBits() throws Exception {
    computesTheEncodersBits(model("  objective mlm;\n"), false);
  }

  private static void computesTheEncodersBits(String text, boolean nsp) throws Exception {
    Compilation compilation = Models.compile("m.nlpm", text);
    assertTrue(compilation.files().stream().map(GeneratedFile::qualifiedName).anyMatch("gen.MPasses"::equals),
        "the compiler emits the passes");
    ClassLoader loader = InMemoryJavac.compile(compilation.files()).loader();
    EncoderFacade facade = loader.loadClass("gen.MModel").asSubclass(EncoderFacade.class).getConstructor().newInstance();
    EncoderParameters parameters = facade.newParameters(11);
    EncoderBatch batch = batch();
    try (Parallel one = new Parallel(1); Parallel three = new Parallel(3)) {
      for (Parallel parallel : new Parallel[] {one, three}) {
        EncoderPasses<?> generated = facade.newEncoder(parameters, parallel);
        assertEquals("gen.MPasses", generated.getClass().getName(), "the facade runs on the generated passes");
        Encoder encoder = new Encoder(facade.config(), generated.kernels(), parameters, parallel);
        float[] first = null;
        for (long seed : new long[] {5, 6}) {
          float[] gradients = sameTraining(generated, encoder, batch, seed, parameters, nsp);
          if (first != null) {
            // the seed reaches the dropout masks: another seed, other gradients
            assertFalse(Arrays.equals(first, gradients));
          }
          first = gradients;
        }
        EncoderPasses<?> undropped = (EncoderPasses<?>) generated.getClass().getMethod("withoutDropout").invoke(generated);
        assertEquals(0f, undropped.config().hiddenDropout());
        sameTraining(undropped, new Encoder(facade.config().withoutDropout(), generated.kernels(), parameters, parallel), batch, 5,
            parameters, nsp);
        sameEvaluation(generated, encoder, batch);
        sameInference(generated, encoder, batch, nsp);
      }
    }
  }

  /** Trains both once from zeroed gradients; returns the (equal) gradients. */
  private static float[] sameTraining(EncoderPasses<?> generated, Encoder encoder, EncoderBatch batch, long seed, EncoderParameters parameters,
      boolean nsp) {
    EncoderParameters expected = parameters.zerosLike();
    Encoder.Losses losses = encoder.train(batch, encoder.workspace(3, 10, batch.mlmPositions().length), expected, seed);
    EncoderParameters actual = parameters.zerosLike();
    Encoder.Losses mine = train(generated, batch, actual, seed);
    assertEquals(losses, mine, "losses at seed " + seed);
    assertTrue(Float.isFinite(mine.total()) && mine.mlm() > 0 && (mine.nsp() > 0) == nsp);
    float[] gradients = actual.toFlat();
    assertArrayEquals(expected.toFlat(), gradients, "gradients at seed " + seed);
    assertTrue(norm(gradients) > 0);
    return gradients;
  }

  private static <W extends EncoderActivations> Encoder.Losses train(EncoderPasses<W> passes, EncoderBatch batch, EncoderParameters gradients,
      long seed) {
    return passes.train(batch, passes.workspace(3, 10, batch.mlmPositions().length), gradients, seed);
  }

  private static void sameEvaluation(EncoderPasses<?> generated, Encoder encoder, EncoderBatch batch) {
    assertEquals(encoder.evaluate(batch, encoder.workspace(3, 12, 16)), evaluate(generated, batch));
  }

  private static <W extends EncoderActivations> Encoder.Losses evaluate(EncoderPasses<W> passes, EncoderBatch batch) {
    return passes.evaluate(batch, passes.workspace(3, 12, 16));
  }

  private static void sameInference(EncoderPasses<?> generated, Encoder encoder, EncoderBatch batch, boolean nsp) {
    int[] rows = {1, 4, 12, 20, 21};
    EncoderWorkspace expected = encoder.workspace(3, 10, rows.length);
    encoder.infer(batch, expected, rows);
    EncoderActivations actual = infer(generated, batch, rows);
    for (int r = 0; r < batch.rows(); r++) {
      assertArrayEquals(expected.hidden(r), actual.hidden(r), "hidden state of row " + r);
    }
    for (int s = 0; s < batch.batch(); s++) {
      assertArrayEquals(expected.pooled(s), actual.pooled(s), "pooled output of sequence " + s);
      if (nsp) {
        assertArrayEquals(expected.nspLogits(s), actual.nspLogits(s), "NSP logits of sequence " + s);
      }
    }
    assertEquals(rows.length, actual.predictions());
    for (int i = 0; i < rows.length; i++) {
      assertEquals(rows[i], actual.predictionRow(i));
      assertArrayEquals(expected.mlmLogits(i), actual.mlmLogits(i), "MLM logits at row " + rows[i]);
    }
  }

  private static <W extends EncoderActivations> EncoderActivations infer(EncoderPasses<W> passes, EncoderBatch batch, int[] rows) {
    W ws = passes.workspace(4, 11, 8);
    passes.infer(batch, ws, rows);
    return ws;
  }

  private static double norm(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return sum;
  }
}
