package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The proposal heads' forward pass as the paper defines it, and their gradients against central differences. */
class ProposalHeadsTest {

  static final int K = 3;

  /** The heads' tensors as the compiler plans them for {@code decoding blockwise { k = K; }}, after a decoder's. */
  static ParameterLayout layoutWithHeads(DecoderConfig c, int k) {
    ParameterLayout base = DecoderTest.layout(c);
    ParameterLayout.Builder b = ParameterLayout.builder();
    for (var slot : base.slots()) {
      int[] shape = slot.shape().stream().mapToInt(Integer::intValue).toArray();
      if (slot.tiedTo().isPresent()) {
        b.tied(slot.name(), slot.role(), slot.group(), slot.tiedTo().get(), shape);
      } else {
        b.add(slot.name(), slot.role(), slot.group(), shape);
      }
    }
    for (int i = 0; i < k; i++) {
      b.add(ProposalHeads.weight(i), ParameterRole.WEIGHT, "blockwise_heads", c.hidden(), c.hidden());
      b.add(ProposalHeads.bias(i), ParameterRole.BIAS, "blockwise_heads", c.hidden());
    }
    return b.build();
  }

  /** Heads with weights and biases of standard deviation 0.3, so that every ReLU has units on both sides. */
  static ParameterRows randomHeads(ParameterLayout layout, long seed) {
    ParameterRows heads = Decoder.parameters(layout);
    float[] flat = new float[layout.size()];
    Random random = new Random(seed);
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (float) (0.3 * random.nextGaussian());
    }
    heads.importFrom(flat);
    return heads;
  }

  @Test
  void theHeadsLayoutHoldsOnlyTheHeadsAndTheirWeightsReadInByOut() {
    ParameterLayout model = layoutWithHeads(DecoderTest.CONFIG, K);
    ParameterLayout heads = ProposalHeads.layout(model);
    assertEquals(2 * K, heads.slots().size());
    assertEquals(K * (16 * 16 + 16), heads.size());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ProposalHeads.layout(DecoderTest.layout(DecoderTest.CONFIG)));
    assertTrue(none.getMessage().contains("decoding blockwise"), none.getMessage());
    // stored [out, in] as nn.Linear: element (o, i) of the flat tensor is row i, column o of the held matrix
    ParameterRows p = Decoder.parameters(heads);
    float[] flat = new float[heads.size()];
    flat[1 * 16 + 2] = 5f; // out 1, in 2 of head 0
    p.importFrom(flat);
    assertEquals(5f, p.matrix(ProposalHeads.weight(0))[2][1]);
  }

  @Test
  void aHeadIsTheResidualReluOfItsLinearLayerThroughTheTiedOutput() {
    DecoderConfig c = DecoderTest.CONFIG;
    ParameterRows base = DecoderTest.random(c, 5);
    ParameterRows heads = randomHeads(ProposalHeads.layout(layoutWithHeads(c, K)), 6);
    try (Parallel parallel = new Parallel(1)) {
      ProposalHeads proposal = new ProposalHeads(new Decoder(c, ProductKernels.plain(), base, parallel), heads);
      float[] hidden = new float[c.hidden()];
      Random random = new Random(2);
      for (int j = 0; j < hidden.length; j++) {
        hidden[j] = (float) random.nextGaussian();
      }
      float[] logits = new float[c.vocab()];
      proposal.logits(hidden, 1, logits);
      float[] flatW = heads.toFlat();
      int offset = heads.layout().slot(ProposalHeads.weight(1)).orElseThrow().offset();
      int biasOffset = heads.layout().slot(ProposalHeads.bias(1)).orElseThrow().offset();
      double[] z = new double[c.hidden()];
      for (int o = 0; o < z.length; o++) {
        double pre = flatW[biasOffset + o];
        for (int i = 0; i < z.length; i++) {
          pre += (double) flatW[offset + o * c.hidden() + i] * hidden[i];
        }
        z[o] = hidden[o] + Math.max(pre, 0);
      }
      float[][] wte = base.matrix("wte.weight");
      for (int v = 0; v < c.vocab(); v++) {
        double expected = 0;
        for (int j = 0; j < z.length; j++) {
          expected += z[j] * wte[v][j];
        }
        DecoderTest.assertClose("logit " + v, expected, logits[v]);
      }
      int[] guesses = proposal.propose(hidden);
      assertEquals(K, guesses.length);
      assertEquals(argmax(logits), guesses[1]);
    }
  }

  @Test
  void headGradientsMatchCentralDifferencesAndTheBaseIsNotTouched() {
    DecoderConfig c = DecoderTest.CONFIG;
    ParameterRows base = DecoderTest.random(c, 3);
    float[] baseBefore = base.toFlat();
    ParameterRows heads = randomHeads(ProposalHeads.layout(layoutWithHeads(c, K)), 4);
    int batch = DecoderTest.B;
    int length = DecoderTest.T;
    int[] ids = DecoderTest.IDS;
    try (Parallel parallel = new Parallel(2)) {
      ProposalHeads proposal = new ProposalHeads(new Decoder(c, ProductKernels.plain(), base, parallel), heads);
      ProposalHeads.Workspace ws = proposal.workspace(batch, length);
      ParameterRows gradients = heads.zerosLike();
      float loss = proposal.train(ids, batch, length, ws, gradients);
      assertEquals(loss, proposal.loss(ids, batch, length, ws));
      assertEquals(expectedLoss(proposal, base, ids, batch, length), loss, 1e-5 + 1e-5 * loss);
      float[] analytic = gradients.toFlat();
      float[] flat = heads.toFlat();
      Random pick = new Random(1);
      int checked = 0;
      for (var slot : heads.layout().slots()) {
        for (int sample = 0; sample < 6; sample++) {
          int index = slot.offset() + pick.nextInt(slot.elements());
          float original = flat[index];
          flat[index] = original + 1e-2f;
          heads.importFrom(flat);
          double plus = proposal.loss(ids, batch, length, ws);
          flat[index] = original - 1e-2f;
          heads.importFrom(flat);
          double minus = proposal.loss(ids, batch, length, ws);
          flat[index] = original;
          heads.importFrom(flat);
          double numeric = (plus - minus) / 2e-2;
          int at = index;
          assertTrue(Math.abs(numeric - analytic[index]) <= 5e-4 + 2e-2 * Math.abs(numeric),
              () -> slot.name() + " element " + (at - slot.offset()) + ": central difference " + numeric + ", backward " + analytic[at]);
          checked += Math.abs(analytic[index]) > 1e-3 ? 1 : 0;
        }
      }
      assertTrue(checked > 2 * K * 2, "a third of the sampled gradients are not negligible: " + checked);
      assertArrayEquals(baseBefore, base.toFlat());
    }
  }

  private static <W extends DecoderActivations> W forward(DecoderPasses<W> decoder, int[] ids, int batch, int length) {
    W ws = decoder.workspace(batch, length);
    decoder.forward(ids, batch, length, ws);
    return ws;
  }

  /** The mean over heads and positions with a target, recomputed from the heads' logits one position at a time. */
  private static double expectedLoss(ProposalHeads proposal, ParameterRows base, int[] ids, int batch, int length) {
    DecoderConfig c = proposal.decoder().config();
    DecoderActivations ws = forward(proposal.decoder(), ids, batch, length);
    double sum = 0;
    int count = 0;
    float[] logits = new float[c.vocab()];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < length; t++) {
        for (int i = 0; i < proposal.count(); i++) {
          if (t + i + 2 >= length) {
            continue;
          }
          proposal.logits(ws.hidden(b * length + t), i, logits);
          double max = Double.NEGATIVE_INFINITY;
          for (float l : logits) {
            max = Math.max(max, l);
          }
          double norm = 0;
          for (float l : logits) {
            norm += Math.exp(l - max);
          }
          sum += max + Math.log(norm) - logits[ids[b * length + t + i + 2]];
          count++;
        }
      }
    }
    return sum / count;
  }

  static int argmax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }
}
