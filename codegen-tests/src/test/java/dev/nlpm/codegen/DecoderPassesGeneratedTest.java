package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.runtime.decoder.BoundDecoder;
import dev.nlpm.runtime.decoder.Decoder;
import dev.nlpm.runtime.decoder.DecoderActivations;
import dev.nlpm.runtime.decoder.DecoderPasses;
import dev.nlpm.runtime.decoder.FedTokens;
import dev.nlpm.runtime.decoder.KeyValueCache;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.model.DecoderFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tiny GPT-2's generated {@code <Model>Passes}, compiled, computes the runtime {@code Decoder}'s
 * bits: the same logits in the forward pass, the same loss, the same loss and gradient of every
 * parameter in training (with dropout at two seeds, with labels that ignore positions, with dropout
 * off), tied and untied, at one thread and at three; and its cached decoding gives the Decoder's
 * tokens and logits.
 */
class DecoderPassesGeneratedTest {

  private static final int BATCH = 3;
  private static final int LENGTH = 7;

  private static String model(boolean tied) {
    return "package gen;\nmodel M : decoder {\n  vocab = 23; hidden = 12; layers = 2; heads = 3; intermediate = 20; max_length = 9;\n"
        + "  activation = gelu_tanh;\n  tie_embeddings = " + tied + ";\n  norm { placement = pre; eps = 1e-5; }\n"
        + "  dropout { hidden = 0.2; attention = 0.2; }\n  attention causal;\n  tokenizer bpe;\n  objective clm;\n  decoding greedy;\n}\n";
  }

  @Test
  void tiedTheGeneratedPassesComputeTheDecodersBits() throws Exception {
    computesTheDecodersBits(true);
  }

  @Test
  void untiedTheGeneratedPassesComputeTheDecodersBits() throws Exception {
    computesTheDecodersBits(false);
  }

  private static int[] ids(long seed, int count) {
    Random random = new Random(seed);
    int[] ids = new int[count];
    for (int i = 0; i < count; i++) {
      ids[i] = random.nextInt(23);
    }
    return ids;
  }

  /** The tiny decoder's generated sources, tied or untied. */
  static Compilation compile(boolean tied) {
    return Models.compile("m.nlpm", model(tied));
  }

  private static void computesTheDecodersBits(boolean tied) throws Exception {
    Compilation compilation = compile(tied);
    assertTrue(compilation.files().stream().map(GeneratedFile::qualifiedName).anyMatch("gen.MPasses"::equals),
        "the compiler emits the passes");
    ClassLoader loader = InMemoryJavac.compile(compilation.files()).loader();
    DecoderFacade facade = loader.loadClass("gen.MModel").asSubclass(DecoderFacade.class).getConstructor().newInstance();
    ParameterRows parameters = facade.newParameters(11);
    int[] ids = ids(3, BATCH * LENGTH);
    try (Parallel one = new Parallel(1); Parallel three = new Parallel(3)) {
      for (Parallel parallel : new Parallel[] {one, three}) {
        DecoderPasses<?> generated = facade.newDecoder(parameters, parallel);
        assertEquals("gen.MPasses", generated.getClass().getName(), "the facade runs on the generated passes");
        Decoder decoder = new Decoder(facade.config(), generated.kernels(), parameters, parallel);
        sameForward(generated, decoder, ids);
        float[] first = null;
        for (long seed : new long[] {5, 6}) {
          float[] gradients = sameTraining(generated, decoder, ids, null, seed, parameters);
          if (first != null) {
            // the seed reaches the dropout masks: another seed, other gradients
            assertFalse(Arrays.equals(first, gradients));
          }
          first = gradients;
        }
        int[] labels = ids.clone();
        for (int r = 0; r < labels.length; r += 4) {
          labels[r] = -100;
        }
        sameTraining(generated, decoder, ids, labels, 7, parameters);
        DecoderPasses<?> undropped = (DecoderPasses<?>) generated.getClass().getMethod("withoutDropout").invoke(generated);
        assertEquals(0f, undropped.config().dropout());
        Decoder undroppedDecoder = new Decoder(facade.config().withoutDropout(), generated.kernels(), parameters, parallel);
        sameTraining(undropped, undroppedDecoder, ids, null, 5, parameters);
        sameDecoding(generated, decoder);
      }
    }
  }

  private static void sameForward(DecoderPasses<?> generated, Decoder decoder, int[] ids) {
    Decoder.Workspace expected = decoder.workspace(BATCH, LENGTH + 1);
    decoder.forward(ids, BATCH, LENGTH, expected);
    // a workspace larger than the batch, as the Decoder's is here, changes nothing
    DecoderActivations actual = BoundDecoder.of(generated, BATCH + 1, LENGTH + 2).forward(ids, BATCH, LENGTH);
    for (int r = 0; r < BATCH * LENGTH; r++) {
      assertArrayEquals(expected.hidden(r), actual.hidden(r), "final hidden state of row " + r);
      assertArrayEquals(expected.logits(r), actual.logits(r), "logits of row " + r);
    }
    assertEquals(decoder.loss(ids, BATCH, LENGTH, expected), BoundDecoder.of(generated, BATCH, LENGTH).loss(ids, BATCH, LENGTH), "loss");
  }

  /** Trains both once from zeroed gradients; returns the (equal) gradients. */
  private static float[] sameTraining(DecoderPasses<?> generated, Decoder decoder, int[] ids, int[] labels, long seed,
      ParameterRows parameters) {
    ParameterRows expected = parameters.zerosLike();
    float loss = decoder.train(ids, labels, BATCH, LENGTH, decoder.workspace(BATCH, LENGTH), expected, seed);
    ParameterRows actual = parameters.zerosLike();
    float mine = BoundDecoder.of(generated, BATCH, LENGTH).train(ids, labels, BATCH, LENGTH, actual, seed);
    assertEquals(loss, mine, "loss at seed " + seed);
    assertTrue(Float.isFinite(mine) && mine > 0);
    float[] gradients = actual.toFlat();
    assertArrayEquals(expected.toFlat(), gradients, "gradients at seed " + seed);
    assertTrue(norm(gradients) > 0);
    return gradients;
  }

  /** Greedy decoding through the generated passes' cache gives the Decoder's tokens; a prompt extended in one pass, its logits. */
  private static void sameDecoding(DecoderPasses<?> generated, Decoder decoder) {
    int[] prompt = {4, 9, 1};
    DecodingOptions options = DecodingOptions.of(5);
    assertArrayEquals(Greedy.decode(decoder.step(9), prompt, options), Greedy.decode(generated.step(9), prompt, options));
    KeyValueCache mine = generated.cache(9);
    KeyValueCache theirs = decoder.cache(9);
    FedTokens fed = generated.extend(mine, prompt);
    FedTokens expected = decoder.extend(theirs, prompt);
    for (int j = 0; j < prompt.length; j++) {
      assertArrayEquals(expected.logits()[j], fed.logits()[j], "logits after prompt token " + j);
    }
    generated.advance(new KeyValueCache[] {mine}, new int[] {7});
    decoder.advance(new KeyValueCache[] {theirs}, new int[] {7});
    assertArrayEquals(theirs.logits(), mine.logits());
  }

  private static double norm(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return sum;
  }
}
