package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.compiler.codegen.PassesWriter;
import dev.nlpm.runtime.encoder.Encoder;
import dev.nlpm.runtime.encoder.EncoderBatch;
import dev.nlpm.runtime.encoder.EncoderKernels;
import dev.nlpm.runtime.encoder.EncoderParameters;
import dev.nlpm.runtime.encoder.Parallel;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tiny BERT's generated {@code <Model>Passes}, compiled, trains to the runtime {@code Encoder}'s
 * bits: the same losses and the same gradient of every parameter, with dropout and padding, with
 * and without NSP.
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
  void withMlmAndNspTheGeneratedPassesTrainToTheEncodersBits() throws Exception {
    trainsToTheEncodersBits(model("  objective mlm;\n  objective nsp;\n"));
  }

  @Test
  void withMlmAloneTheGeneratedPassesTrainToTheEncodersBits() throws Exception {
    trainsToTheEncodersBits(model("  objective mlm;\n"));
  }

  private static void trainsToTheEncodersBits(String text) throws Exception {
    Compilation compilation = Models.compile("m.nlpm", text);
    GeneratedFile passes = PassesWriter.generate(compilation.plans().get(0).graph());
    List<GeneratedFile> files = new ArrayList<>(compilation.files());
    files.add(passes);
    ClassLoader loader = InMemoryJavac.compile(files).loader();
    Class<?> facade = loader.loadClass("gen.MModel");
    EncoderParameters parameters = (EncoderParameters) facade.getMethod("initialize", long.class).invoke(null, 11L);
    EncoderBatch batch = batch();
    int predictions = batch.mlmPositions().length;
    assertTrue(predictions > 0);
    try (Parallel parallel = new Parallel(2)) {
      Encoder encoder = (Encoder) facade.getMethod("encoder", EncoderParameters.class, Parallel.class).invoke(null, parameters, parallel);
      Class<?> generated = loader.loadClass("gen.MPasses");
      Object pass = generated.getConstructor(int.class, int.class, int.class).newInstance(3, 10, predictions);
      Method train = generated.getMethod("train", EncoderKernels.class, EncoderParameters.class, EncoderParameters.class, EncoderBatch.class, long.class);
      float[] first = null;
      for (long seed : new long[] {5, 6}) {
        EncoderParameters expected = parameters.zerosLike();
        Encoder.Losses losses = encoder.train(batch, encoder.workspace(3, 10, predictions), expected, seed);
        EncoderParameters actual = parameters.zerosLike();
        float[] mine = (float[]) train.invoke(pass, encoder.kernels(), parameters, actual, batch, seed);
        assertEquals(Float.floatToIntBits(losses.total()), Float.floatToIntBits(mine[0]), "total at seed " + seed);
        assertEquals(Float.floatToIntBits(losses.mlm()), Float.floatToIntBits(mine[1]), "mlm at seed " + seed);
        assertEquals(Float.floatToIntBits(losses.nsp()), Float.floatToIntBits(mine[2]), "nsp at seed " + seed);
        float[] gradients = actual.toFlat();
        assertArrayEquals(expected.toFlat(), gradients, "gradients at seed " + seed);
        assertTrue(Float.isFinite(mine[0]) && mine[0] > 0);
        assertTrue(norm(gradients) > 0);
        if (first != null) {
          // the seed reaches the dropout masks: another seed, other gradients
          assertFalse(Arrays.equals(first, gradients));
        }
        first = gradients;
      }
    }
  }

  private static double norm(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return sum;
  }
}
