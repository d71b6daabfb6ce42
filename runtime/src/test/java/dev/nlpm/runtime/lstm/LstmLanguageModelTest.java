package dev.nlpm.runtime.lstm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.reference.CrossEntropy;
import dev.nlpm.runtime.reference.Lstm;
import dev.nlpm.runtime.testing.CentralDifference;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** The float LSTM language model against the double-precision reference LSTM (which matches torch.nn.LSTM). */
class LstmLanguageModelTest {

  static ParameterLayout layout(LstmConfig c) {
    ParameterLayout.Builder b = ParameterLayout.builder();
    int g = 4 * c.hidden();
    b.add("embedding.weight", ParameterRole.EMBEDDING_TABLE, "backbone", c.vocab(), c.embedding());
    for (int l = 0; l < c.layers(); l++) {
      b.add("lstm.weight_ih_l" + l, ParameterRole.WEIGHT, "backbone", g, l == 0 ? c.embedding() : c.hidden());
      b.add("lstm.weight_hh_l" + l, ParameterRole.WEIGHT, "backbone", g, c.hidden());
      b.add("lstm.bias_ih_l" + l, ParameterRole.BIAS, "backbone", g);
      b.add("lstm.bias_hh_l" + l, ParameterRole.BIAS, "backbone", g);
    }
    b.add("decoder.weight", ParameterRole.WEIGHT, "lm_head", c.vocab(), c.hidden());
    b.add("decoder.bias", ParameterRole.BIAS, "lm_head", c.vocab());
    return b.build();
  }

  static ParameterRows random(LstmConfig c, long seed) {
    ParameterRows p = LstmParameters.rows(layout(c));
    float[] flat = new float[p.size()];
    Random random = new Random(seed);
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (float) (0.3 * random.nextGaussian());
    }
    p.importFrom(flat);
    return p;
  }

  static double[] slice(float[] flat, ParameterLayout layout, String name) {
    var slot = layout.slot(name).orElseThrow();
    double[] out = new double[slot.elements()];
    for (int i = 0; i < out.length; i++) {
      out[i] = flat[slot.offset() + i];
    }
    return out;
  }

  static void assertClose(String what, double expected, double actual) {
    assertTrue(Math.abs(expected - actual) <= 1e-5 + 1e-4 * Math.abs(expected), () -> what + ": reference " + expected + ", got " + actual);
  }

  @Test
  void oneLayerLossAndGradientsMatchTheReference() {
    LstmConfig c = new LstmConfig(11, 5, 7, 1);
    ParameterRows parameters = random(c, 4);
    int batch = 2;
    int length = 6;
    int[] ids = {1, 4, 9, 2, 2, 10, 0, 3, 5, 7, 8, 6};
    LstmLanguageModel model = new LstmLanguageModel(c, ProductKernels.plain(), parameters);
    LstmState state = new LstmState(c, batch);
    ParameterRows gradients = parameters.zerosLike();
    float loss = model.run(ids, batch, length, state, gradients);

    // the reference: embedding, Lstm (time-major), decoder, cross-entropy over rows b·length + t
    ParameterLayout layout = parameters.layout();
    float[] flat = parameters.toFlat();
    double[] emb = slice(flat, layout, "embedding.weight");
    double[] wih = slice(flat, layout, "lstm.weight_ih_l0");
    double[] whh = slice(flat, layout, "lstm.weight_hh_l0");
    double[] bih = slice(flat, layout, "lstm.bias_ih_l0");
    double[] bhh = slice(flat, layout, "lstm.bias_hh_l0");
    double[] dec = slice(flat, layout, "decoder.weight");
    double[] decB = slice(flat, layout, "decoder.bias");
    int e = c.embedding();
    int h = c.hidden();
    int v = c.vocab();
    double[] x = new double[length * batch * e];
    for (int t = 0; t < length; t++) {
      for (int b = 0; b < batch; b++) {
        System.arraycopy(emb, ids[b * length + t] * e, x, (t * batch + b) * e, e);
      }
    }
    double[] out = new double[length * batch * h];
    Lstm.Saved saved = Lstm.forward(x, new double[batch * h], new double[batch * h], wih, whh, bih, bhh, out, new double[batch * h],
        new double[batch * h], length, batch, e, h);
    int rows = batch * length;
    double[] logits = new double[rows * v];
    int[] labels = new int[rows];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < length; t++) {
        int r = b * length + t;
        labels[r] = t == length - 1 ? -100 : ids[r + 1];
        for (int k = 0; k < v; k++) {
          double s = decB[k];
          for (int j = 0; j < h; j++) {
            s += dec[k * h + j] * out[(t * batch + b) * h + j];
          }
          logits[r * v + k] = s;
        }
      }
    }
    double[] dLogits = new double[rows * v];
    double expected = CrossEntropy.forwardBackward(logits, labels, dLogits, rows, v);
    assertClose("loss", expected, loss);
    double[] dOut = new double[length * batch * h];
    double[] dDec = new double[v * h];
    double[] dDecB = new double[v];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < length; t++) {
        int r = b * length + t;
        for (int k = 0; k < v; k++) {
          double d = dLogits[r * v + k];
          dDecB[k] += d;
          for (int j = 0; j < h; j++) {
            dOut[(t * batch + b) * h + j] += d * dec[k * h + j];
            dDec[k * h + j] += d * out[(t * batch + b) * h + j];
          }
        }
      }
    }
    double[] dx = new double[x.length];
    double[] dwih = new double[wih.length];
    double[] dwhh = new double[whh.length];
    double[] dbih = new double[bih.length];
    double[] dbhh = new double[bhh.length];
    Lstm.backward(saved, dOut, new double[batch * h], new double[batch * h], x, wih, whh, dx, new double[batch * h],
        new double[batch * h], dwih, dwhh, dbih, dbhh, length, batch, e, h);
    double[] dEmb = new double[emb.length];
    for (int t = 0; t < length; t++) {
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < e; i++) {
          dEmb[ids[b * length + t] * e + i] += dx[(t * batch + b) * e + i];
        }
      }
    }
    float[] actual = gradients.toFlat();
    check("embedding.weight", dEmb, actual, layout);
    check("lstm.weight_ih_l0", dwih, actual, layout);
    check("lstm.weight_hh_l0", dwhh, actual, layout);
    check("lstm.bias_ih_l0", dbih, actual, layout);
    check("lstm.bias_hh_l0", dbhh, actual, layout);
    check("decoder.weight", dDec, actual, layout);
    check("decoder.bias", dDecB, actual, layout);
  }

  private static void check(String name, double[] expected, float[] actual, ParameterLayout layout) {
    int offset = layout.slot(name).orElseThrow().offset();
    for (int i = 0; i < expected.length; i++) {
      assertClose("d " + name + "[" + i + "]", expected[i], actual[offset + i]);
    }
  }

  /** Two layers: central differences on a few elements of every tensor. */
  @Test
  void twoLayerGradientsMatchCentralDifferences() {
    LstmConfig c = new LstmConfig(9, 4, 6, 2);
    ParameterRows parameters = random(c, 8);
    int[] ids = {1, 4, 8, 2, 2, 0, 3, 5, 7, 6};
    LstmLanguageModel model = new LstmLanguageModel(c, ProductKernels.plain(), parameters);
    ParameterRows gradients = parameters.zerosLike();
    model.run(ids, 2, 5, new LstmState(c, 2), gradients);
    assertCentralDifferences(parameters, gradients.toFlat(), new Random(2), () -> model.run(ids, 2, 5, new LstmState(c, 2), null));
  }

  /** The state a block ends with is the state the next block starts from. */
  @Test
  void theStateCarriesOverBlocks() {
    LstmConfig c = new LstmConfig(9, 4, 6, 2);
    LstmLanguageModel model = new LstmLanguageModel(c, ProductKernels.plain(), random(c, 3));
    int[] whole = {1, 4, 8, 2, 2, 0, 3, 5};
    LstmState once = new LstmState(c, 1);
    model.run(whole, 1, 8, once, null);
    LstmState twice = new LstmState(c, 1);
    model.run(new int[] {1, 4, 8, 2}, 1, 4, twice, null);
    model.run(new int[] {2, 0, 3, 5}, 1, 4, twice, null);
    assertArrayEquals(once.h(1, 0), twice.h(1, 0), 1e-6f);
    assertArrayEquals(once.c(0, 0), twice.c(0, 0), 1e-6f);
  }

  /** One token at a time gives the logits of the block pass, and the decoding schemes run on it. */
  @Test
  void stepByStepLogitsEqualTheBlockPassAndBeamWidthOneIsGreedy() {
    LstmConfig c = new LstmConfig(9, 4, 6, 2);
    LstmLanguageModel model = new LstmLanguageModel(c, ProductKernels.plain(), random(c, 5));
    int[] prompt = {1, 4, 8, 2};
    var step = model.step();
    var state = step.start(prompt);
    // the block pass's loss at the last position is -log softmax(logits)[target]
    int[] block = {1, 4, 8, 2, 7};
    float blockLoss = model.run(block, 1, 5, new LstmState(c, 1), null);
    double stepLoss = 0;
    var walk = step.start(new int[] {block[0]});
    for (int t = 1; t < block.length; t++) {
      float[] logits = walk.logits();
      double max = Double.NEGATIVE_INFINITY;
      for (float v : logits) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (float v : logits) {
        sum += Math.exp(v - max);
      }
      stepLoss += max + Math.log(sum) - logits[block[t]];
      walk = walk.advance(block[t]);
    }
    assertClose("mean loss, step by step", blockLoss, stepLoss / (block.length - 1));
    var options = dev.nlpm.runtime.decoding.DecodingOptions.of(6);
    assertArrayEquals(dev.nlpm.runtime.decoding.Greedy.decode(step, prompt, options),
        new dev.nlpm.runtime.decoding.BeamSearch(1, 1.0, false, 1).decode(step, prompt, options).get(0).tokens());
    assertTrue(state.logits().length == c.vocab());
  }

  /** With dropout at a fixed seed (the same masks in every pass), backward agrees with central differences. */
  @Test
  void dropoutGradientsMatchCentralDifferencesAtAFixedSeed() {
    LstmConfig c = new LstmConfig(9, 4, 6, 2, 0.3f);
    ParameterRows parameters = random(c, 8);
    int[] inputs = {1, 4, 8, 2, 2, 0, 3, 5, 7, 6};
    int[] targets = {4, 8, 2, 2, 0, 3, 5, 7, 6, 1};
    LstmLanguageModel model = new LstmLanguageModel(c, ProductKernels.plain(), parameters);
    ParameterRows gradients = parameters.zerosLike();
    float dropped = model.train(inputs, targets, 2, 5, new LstmState(c, 2), gradients, 17);
    float plain = model.loss(inputs, targets, 2, 5, new LstmState(c, 2));
    assertTrue(Math.abs(dropped - plain) > 1e-3, () -> "dropout changed nothing: " + dropped + " and " + plain);
    assertTrue(dropped == model.train(inputs, targets, 2, 5, new LstmState(c, 2), parameters.zerosLike(), 17),
        "the same seed drops the same units");
    assertCentralDifferences(parameters, gradients.toFlat(), new Random(3), () -> model.train(inputs, targets, 2, 5, new LstmState(c, 2), null, 17));
  }

  /** Tied to the embeddings (embedding = hidden), the output layer's gradient adds into the embedding table's. */
  @Test
  void tiedOutputGradientsMatchCentralDifferences() {
    LstmConfig c = new LstmConfig(9, 6, 6, 1);
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("embedding.weight", ParameterRole.EMBEDDING_TABLE, "backbone", 9, 6);
    b.add("lstm.weight_ih_l0", ParameterRole.WEIGHT, "backbone", 24, 6);
    b.add("lstm.weight_hh_l0", ParameterRole.WEIGHT, "backbone", 24, 6);
    b.add("lstm.bias_ih_l0", ParameterRole.BIAS, "backbone", 24);
    b.add("lstm.bias_hh_l0", ParameterRole.BIAS, "backbone", 24);
    b.tied("decoder.weight", ParameterRole.EMBEDDING_TABLE, "lm_head", "embedding.weight", 9, 6);
    b.add("decoder.bias", ParameterRole.BIAS, "lm_head", 9);
    ParameterRows parameters = LstmParameters.rows(b.build());
    float[] flat = new float[parameters.size()];
    Random random = new Random(6);
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (float) (0.3 * random.nextGaussian());
    }
    parameters.importFrom(flat);
    LstmLanguageModel model = new LstmLanguageModel(c, ProductKernels.plain(), parameters);
    int[] ids = {1, 4, 8, 2, 2, 0, 3, 5};
    ParameterRows gradients = parameters.zerosLike();
    model.run(ids, 1, 8, new LstmState(c, 1), gradients);
    float[] analytic = gradients.toFlat();
    for (int index = 0; index < 54; index += 5) {
      assertCentralDifference(parameters, analytic, index, "embedding.weight element " + index,
          () -> model.run(ids, 1, 8, new LstmState(c, 1), null));
    }
  }

  /** Central differences on three elements of every tensor, drawn from {@code pick}, against {@code analytic}. */
  private static void assertCentralDifferences(ParameterRows parameters, float[] analytic, Random pick, DoubleSupplier loss) {
    for (var slot : parameters.layout().slots()) {
      for (int sample = 0; sample < 3; sample++) {
        int index = slot.offset() + pick.nextInt(slot.elements());
        assertCentralDifference(parameters, analytic, index, slot.name() + " element " + (index - slot.offset()), loss);
      }
    }
  }

  /**
   * {@code analytic[index]} against the central difference of {@code loss} with a step of 1e-2, at
   * 5e-4 + 2e-2·|difference| (float losses near 2 carry ~1e-7 of rounding, which the step magnifies).
   */
  private static void assertCentralDifference(ParameterRows parameters, float[] analytic, int index, String what, DoubleSupplier loss) {
    CentralDifference.assertMatches(what, analytic[index], CentralDifference.at(parameters, index), 1e-2f, 5e-4, 2e-2, loss);
  }
}
