package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.encoder.FeedForwardActivation;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.reference.Gpt2Reference;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The float decoder against the double-precision GPT-2 reference (itself matching PyTorch to 1e-9). */
class DecoderTest {

  static final DecoderConfig CONFIG = new DecoderConfig(29, 16, 2, 2, 40, 12, 1e-5, FeedForwardActivation.GELU_TANH);

  static ParameterLayout layout(DecoderConfig c) {
    int h = c.hidden();
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("wte.weight", ParameterRole.EMBEDDING_TABLE, "backbone", c.vocab(), h);
    b.add("wpe.weight", ParameterRole.EMBEDDING_TABLE, "backbone", c.maxPositions(), h);
    for (int l = 0; l < c.layers(); l++) {
      String p = "h." + l + ".";
      b.add(p + "ln_1.weight", ParameterRole.NORM_GAIN, "backbone", h);
      b.add(p + "ln_1.bias", ParameterRole.NORM_BIAS, "backbone", h);
      b.add(p + "attn.c_attn.weight", ParameterRole.WEIGHT, "backbone", h, 3 * h);
      b.add(p + "attn.c_attn.bias", ParameterRole.BIAS, "backbone", 3 * h);
      b.add(p + "attn.c_proj.weight", ParameterRole.WEIGHT, "backbone", h, h);
      b.add(p + "attn.c_proj.bias", ParameterRole.BIAS, "backbone", h);
      b.add(p + "ln_2.weight", ParameterRole.NORM_GAIN, "backbone", h);
      b.add(p + "ln_2.bias", ParameterRole.NORM_BIAS, "backbone", h);
      b.add(p + "mlp.c_fc.weight", ParameterRole.WEIGHT, "backbone", h, c.intermediate());
      b.add(p + "mlp.c_fc.bias", ParameterRole.BIAS, "backbone", c.intermediate());
      b.add(p + "mlp.c_proj.weight", ParameterRole.WEIGHT, "backbone", c.intermediate(), h);
      b.add(p + "mlp.c_proj.bias", ParameterRole.BIAS, "backbone", h);
    }
    b.add("ln_f.weight", ParameterRole.NORM_GAIN, "backbone", h);
    b.add("ln_f.bias", ParameterRole.NORM_BIAS, "backbone", h);
    b.tied("lm_head.weight", ParameterRole.EMBEDDING_TABLE, "lm_head", "wte.weight", c.vocab(), h);
    return b.build();
  }

  static ParameterRows random(DecoderConfig c, long seed) {
    ParameterRows p = Decoder.parameters(layout(c));
    float[] flat = new float[p.size()];
    Random random = new Random(seed);
    for (var slot : p.layout().slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      boolean gain = slot.name().endsWith("ln_1.weight") || slot.name().endsWith("ln_2.weight") || slot.name().equals("ln_f.weight");
      for (int i = 0; i < slot.elements(); i++) {
        flat[slot.offset() + i] = (float) ((gain ? 1 : 0) + 0.2 * random.nextGaussian());
      }
    }
    p.importFrom(flat);
    return p;
  }

  static Map<String, double[]> reference(ParameterRows p) {
    float[] flat = p.toFlat();
    Map<String, double[]> map = new HashMap<>();
    for (var slot : p.layout().slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      double[] values = new double[slot.elements()];
      for (int i = 0; i < values.length; i++) {
        values[i] = flat[slot.offset() + i];
      }
      map.put("transformer." + slot.name(), values);
    }
    return map;
  }

  static void assertClose(String what, double expected, double actual) {
    double tolerance = 1e-5 + 1e-4 * Math.abs(expected);
    assertTrue(Math.abs(expected - actual) <= tolerance, () -> what + ": expected " + expected + " (reference), got " + actual);
  }

  static final int B = 2;
  static final int T = 7;
  static final int[] IDS = {3, 17, 5, 28, 0, 9, 11, 4, 4, 20, 13, 2, 7, 1};

  @Test
  void logitsLossAndGradientsMatchTheReference() {
    ParameterRows parameters = random(CONFIG, 3);
    Map<String, double[]> referenceGradients = new HashMap<>();
    Gpt2Reference.Output expected = new Gpt2Reference(new Gpt2Reference.Config(CONFIG.vocab(), CONFIG.hidden(), CONFIG.layers(), CONFIG.heads(),
        CONFIG.intermediate(), CONFIG.maxPositions(), CONFIG.eps(), Gpt2Reference.Activation.GELU_TANH), reference(parameters))
        .run(IDS, B, T, IDS, referenceGradients);
    try (Parallel parallel = new Parallel(2)) {
      Decoder decoder = new Decoder(CONFIG, ProductKernels.plain(), parameters, parallel);
      Decoder.Workspace ws = decoder.workspace(B, T);
      decoder.forward(IDS, B, T, ws);
      for (int r = 0; r < B * T; r++) {
        for (int v = 0; v < CONFIG.vocab(); v++) {
          assertClose("logits[" + r + "][" + v + "]", expected.logits()[r * CONFIG.vocab() + v], ws.logits(r)[v]);
        }
      }
      ParameterRows gradients = parameters.zerosLike();
      float loss = decoder.train(IDS, null, B, T, ws, gradients);
      assertClose("loss", expected.loss(), loss);
      Map<String, double[]> actual = reference(gradients);
      for (var entry : referenceGradients.entrySet()) {
        double[] want = entry.getValue();
        double[] got = actual.get(entry.getKey());
        for (int i = 0; i < want.length; i++) {
          assertClose("d " + entry.getKey() + "[" + i + "]", want[i], got[i]);
        }
      }
    }
  }

  /** With dropout and a fixed seed the loss is a function of the parameters: central differences check backward. */
  @Test
  void gradientsWithDropoutMatchCentralDifferences() {
    DecoderConfig config = new DecoderConfig(29, 16, 2, 2, 40, 12, 1e-5, FeedForwardActivation.GELU_TANH, 0.2f);
    ParameterRows parameters = random(config, 4);
    try (Parallel parallel = new Parallel(1)) {
      Decoder decoder = new Decoder(config, ProductKernels.plain(), parameters, parallel);
      Decoder.Workspace ws = decoder.workspace(B, T);
      ParameterRows gradients = parameters.zerosLike();
      float withDropout = decoder.train(IDS, null, B, T, ws, gradients, 7);
      float[] analytic = gradients.toFlat();
      float[] flat = parameters.toFlat();
      Random pick = new Random(1);
      for (var slot : parameters.layout().slots()) {
        if (slot.tiedTo().isPresent()) {
          continue;
        }
        for (int sample = 0; sample < 3; sample++) {
          int index = slot.offset() + pick.nextInt(slot.elements());
          if (slot.name().equals("wte.weight")) {
            index = slot.offset() + IDS[sample] * config.hidden() + pick.nextInt(config.hidden());
          }
          float original = flat[index];
          flat[index] = original + 1e-2f;
          parameters.importFrom(flat);
          double plus = decoder.train(IDS, null, B, T, ws, parameters.zerosLike(), 7);
          flat[index] = original - 1e-2f;
          parameters.importFrom(flat);
          double minus = decoder.train(IDS, null, B, T, ws, parameters.zerosLike(), 7);
          flat[index] = original;
          parameters.importFrom(flat);
          double numeric = (plus - minus) / 2e-2;
          int at = index;
          assertTrue(Math.abs(numeric - analytic[index]) <= 5e-4 + 2e-2 * Math.abs(numeric),
              () -> slot.name() + " element " + (at - slot.offset()) + ": central difference " + numeric + ", backward " + analytic[at]);
        }
      }
      // dropout changes the loss; without training it is off
      decoder.forward(IDS, B, T, ws);
      assertTrue(withDropout != decoder.loss(IDS, B, T, ws));
    }
  }
}
