package dev.nlpm.runtime.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.reference.BertReference;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The float encoder against the double-precision reference, which matches PyTorch to 1e-9. */
class EncoderTest {

  static final EncoderConfig CONFIG = TinyBert.config(37, 16, 2, 2, 24, 12).withoutDropout();

  // two sequences of 6 positions; the second has a padded tail of 2
  static final int B = 2;
  static final int T = 6;
  static final int[] IDS = {2, 5, 9, 11, 3, 1, 2, 7, 30, 3, 0, 0};
  static final int[] SEGMENTS = {0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0};
  static final int[] LENGTHS = {6, 4};
  static final int[] MLM = {-100, 14, -100, -100, 8, -100, -100, -100, 21, -100, -100, -100};
  static final int[] NSP = {0, 1};

  static EncoderBatch batch() {
    return new EncoderBatch(B, T, IDS, SEGMENTS, LENGTHS, MLM, NSP, null, null);
  }

  static void assertClose(String what, double expected, double actual) {
    double tolerance = 1e-5 + 1e-4 * Math.abs(expected);
    assertTrue(Math.abs(expected - actual) <= tolerance, () -> what + ": expected " + expected + " (reference), got " + actual);
  }

  @Test
  void forwardAndGradientsMatchTheReference() {
    ParameterRows parameters = TinyBert.random(CONFIG, 7, 0.2);
    Map<String, double[]> reference = TinyBert.referenceParameters(parameters);
    int[] padding = new int[B * T];
    for (int r = 0; r < B * T; r++) {
      padding[r] = r % T < LENGTHS[r / T] ? 1 : 0;
    }
    var referenceGradients = BertReference.gradients();
    BertReference.Output expected = new BertReference(
        new BertReference.Config(CONFIG.vocab(), CONFIG.hidden(), CONFIG.layers(), CONFIG.heads(), CONFIG.intermediate(), CONFIG.maxPositions(), 2, CONFIG.eps()),
        reference).run(IDS, SEGMENTS, padding, MLM, NSP, B, T, referenceGradients);

    try (Parallel parallel = new Parallel(1)) {
      Encoder encoder = new Encoder(CONFIG, ProductKernels.plain(), parameters, parallel);
      EncoderWorkspace ws = encoder.workspace(B, T, 4);
      ParameterRows gradients = new ParameterRows(parameters.layout());
      EncoderPasses.Losses losses = encoder.train(batch(), ws, gradients, 1);

      assertClose("loss", expected.loss(), losses.total());
      int h = CONFIG.hidden();
      for (int r = 0; r < B * T; r++) {
        for (int i = 0; i < h; i++) {
          assertClose("hidden[" + r + "][" + i + "]", expected.hidden()[r * h + i], ws.hidden(r)[i]);
        }
      }
      for (int s = 0; s < B; s++) {
        for (int i = 0; i < h; i++) {
          assertClose("pooled[" + s + "][" + i + "]", expected.pooled()[s * h + i], ws.pooled(s)[i]);
        }
        for (int k = 0; k < 2; k++) {
          assertClose("nsp[" + s + "][" + k + "]", expected.nspLogits()[s * 2 + k], ws.nspLogits(s)[k]);
        }
      }
      assertEquals(3, ws.predictions());
      for (int i = 0; i < ws.predictions(); i++) {
        int row = ws.predictionRow(i);
        for (int k = 0; k < CONFIG.vocab(); k++) {
          assertClose("mlm[" + row + "][" + k + "]", expected.mlmLogits()[row * CONFIG.vocab() + k], ws.mlmLogits(i)[k]);
        }
      }
      Map<String, double[]> actualGradients = TinyBert.referenceParameters(gradients);
      for (var entry : referenceGradients.entrySet()) {
        double[] actual = actualGradients.get(entry.getKey());
        double[] want = entry.getValue();
        for (int i = 0; i < want.length; i++) {
          assertClose("d " + entry.getKey() + "[" + i + "]", want[i], actual[i]);
        }
      }
    }
  }

  /** With dropout on and a fixed dropout seed the loss is a function of the parameters: central differences check backward. */
  @Test
  void gradientsWithDropoutMatchCentralDifferences() {
    EncoderConfig config = TinyBert.withHeads(TinyBert.config(37, 16, 2, 2, 24, 12), 3, 4);
    ParameterRows parameters = TinyBert.random(config, 11, 0.2);
    EncoderBatch batch = new EncoderBatch(B, T, IDS, SEGMENTS, LENGTHS, MLM, NSP, new int[] {2, 0},
        new int[] {1, 3, 0, -100, 2, 1, 0, 0, 1, 2, -100, -100});
    try (Parallel parallel = new Parallel(1)) {
      Encoder encoder = new Encoder(config, ProductKernels.plain(), parameters, parallel);
      EncoderWorkspace ws = encoder.workspace(B, T, 4);
      ParameterRows gradients = new ParameterRows(parameters.layout());
      encoder.train(batch, ws, gradients, 5);
      float[] flat = parameters.toFlat();
      float[] analytic = gradients.toFlat();
      java.util.Random pick = new java.util.Random(3);
      int checked = 0;
      for (var slot : parameters.layout().slots()) {
        if (slot.tiedTo().isPresent()) {
          continue;
        }
        for (int sample = 0; sample < 3; sample++) {
          int index = slot.offset() + pick.nextInt(slot.elements());
          if (slot.name().startsWith("embeddings.word")) {
            index = slot.offset() + IDS[sample + 1] * config.hidden() + pick.nextInt(config.hidden());
          }
          float original = flat[index];
          float step = 1e-2f;
          flat[index] = original + step;
          parameters.importFrom(flat);
          double plus = encoder.train(batch, ws, new ParameterRows(parameters.layout()), 5).total();
          flat[index] = original - step;
          parameters.importFrom(flat);
          double minus = encoder.train(batch, ws, new ParameterRows(parameters.layout()), 5).total();
          flat[index] = original;
          parameters.importFrom(flat);
          double numeric = (plus - minus) / (2 * step);
          // float losses of about 5 carry ~1e-6 rounding, which a step of 1e-2 turns into ~1e-4
          double tolerance = 5e-4 + 2e-2 * Math.abs(numeric);
          int at = index;
          assertTrue(Math.abs(numeric - analytic[index]) <= tolerance,
              () -> slot.name() + " element " + (at - slot.offset()) + ": central difference " + numeric + ", backward " + analytic[at]);
          checked++;
        }
      }
      assertTrue(checked > 90);
    }
  }

  /** Work split over threads never changes a number. */
  @Test
  void twoThreadsGiveTheSameBitsAsOne() {
    EncoderConfig config = TinyBert.config(37, 16, 2, 2, 24, 12);
    ParameterRows parameters = TinyBert.random(config, 7, 0.2);
    float[][] results = new float[2][];
    for (int threads = 1; threads <= 2; threads++) {
      try (Parallel parallel = new Parallel(threads)) {
        Encoder encoder = new Encoder(config, ProductKernels.plain(), parameters, parallel);
        ParameterRows gradients = new ParameterRows(parameters.layout());
        float loss = encoder.train(batch(), encoder.workspace(B, T, 4), gradients, 9).total();
        float[] flat = gradients.toFlat();
        results[threads - 1] = java.util.Arrays.copyOf(flat, flat.length + 1);
        results[threads - 1][flat.length] = loss;
      }
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1]);
  }
}
