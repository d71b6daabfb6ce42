package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.runtime.encoder.FeedForwardActivation;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.kernels.TiedEmbeddingGradient;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A training pass gives the same bits on one thread and two, with a vocabulary large enough for the tied output's work to be split. */
class DecoderThreadsTest {

  /** Two tiles of the tied output and a part, so two threads split the vocabulary inside the kernels. */
  static final DecoderConfig CONFIG = new DecoderConfig(2 * TiedEmbeddingGradient.TILE + 37, 16, 1, 2, 24, 8, 1e-5, FeedForwardActivation.GELU_TANH);

  private static float[] train(int threads, int[] ids) {
    ParameterRows parameters = DecoderTest.random(CONFIG, 11);
    ParameterRows gradients = Decoder.parameters(parameters.layout());
    try (Parallel parallel = new Parallel(threads)) {
      Decoder decoder = new Decoder(CONFIG, ProductKernels.plain(), parameters, parallel);
      float loss = decoder.train(ids, null, 2, 8, decoder.workspace(2, 8), gradients);
      float[] flat = gradients.toFlat();
      float[] out = new float[flat.length + 1];
      System.arraycopy(flat, 0, out, 0, flat.length);
      out[flat.length] = loss;
      return out;
    }
  }

  @Test
  void oneAndTwoThreadsGiveTheSameLossAndGradients() {
    Random random = new Random(2);
    int[] ids = new int[16];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(CONFIG.vocab());
    }
    float[] one = train(1, ids);
    float[] two = train(2, ids);
    assertEquals(one[one.length - 1], two[two.length - 1], 0f, "loss");
    assertArrayEquals(one, two, "the loss and every gradient");
  }
}
