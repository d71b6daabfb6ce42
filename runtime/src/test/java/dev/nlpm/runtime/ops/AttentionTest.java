package dev.nlpm.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.kernels.ProductKernels;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Multi-head attention's backward against central differences for each mask, with and without
 * attention dropout (its mask fixed by its seed), over three buffers and over one fused buffer;
 * the masks' probabilities; and the cached decoding step against the forward pass.
 */
class AttentionTest {

  static final ProductKernels KERNELS = ProductKernels.plain();
  // two sequences of four positions, three heads of size two; the second sequence has two real tokens
  static final int B = 2, T = 4, HEADS = 3, D = 2, H = HEADS * D, SH = B * HEADS;
  static final int[] LENGTHS = {4, 2};

  /** The forward's buffers, allocated at a capacity above T as a workspace would be. */
  static final class Buffers {
    final float[][][] qh = new float[SH][T + 1][D], kh = new float[SH][T + 1][D], vh = new float[SH][T + 1][D];
    final float[][][] probabilities = new float[SH][T + 1][T + 1], dropped = new float[SH][T + 1][T + 1];
    final float[][][] contextH = new float[SH][T + 1][D];
    final float[][] context = new float[B * T][H];
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(AttentionMask.padding(LENGTHS), false, false),
        Arguments.of(AttentionMask.padding(LENGTHS), true, false),
        Arguments.of(AttentionMask.causal(), false, true),
        Arguments.of(AttentionMask.causal(), true, true),
        Arguments.of(AttentionMask.padding(LENGTHS), true, true),
        Arguments.of(AttentionMask.causal(), true, false));
  }

  @ParameterizedTest(name = "{0}, dropout {1}, fused {2}")
  @MethodSource("cases")
  void backwardMatchesCentralDifferences(AttentionMask mask, boolean dropout, boolean fused) {
    Random random = new Random(41);
    int width = fused ? 3 * H : H;
    float[][] q = randn(random, B * T, width);
    float[][] k = fused ? q : randn(random, B * T, width);
    float[][] v = fused ? q : randn(random, B * T, width);
    int kColumn = fused ? H : 0;
    int vColumn = fused ? 2 * H : 0;
    float[][] r = randn(random, B * T, H);
    float[][][] keep = null;
    if (dropout) {
      keep = new float[SH][T + 1][T + 1];
      SplittableRandom draws = new SplittableRandom(3);
      for (int sh = 0; sh < SH; sh++) {
        Dropout.draw(keep[sh], T, 0.3f, draws, 0, T);
      }
    }
    float[][][] keepFactors = keep;
    Buffers buffers = new Buffers();
    DoubleSupplier loss = () -> {
      Attention.forward(KERNELS, q, 0, k, kColumn, v, vColumn, T, HEADS, D, mask, buffers.qh, buffers.kh, buffers.vh,
          buffers.probabilities, keepFactors, buffers.dropped, buffers.contextH, buffers.context, 0, SH);
      return OpGradientsTest.weighted(buffers.context, r);
    };
    loss.getAsDouble();
    float[][] dq = new float[B * T][width];
    float[][] dk = fused ? dq : new float[B * T][width];
    float[][] dv = fused ? dq : new float[B * T][width];
    // the items split in two ranges, as threads would take them
    float[][][] dContextH = new float[SH][T][D], dProbabilities = new float[SH][T][T], dqh = new float[SH][T][D];
    float[][][] dkh = new float[SH][T][D], dvh = new float[SH][T][D];
    for (int[] range : new int[][] {{0, 2}, {2, SH}}) {
      Attention.backward(KERNELS, r, T, HEADS, D, mask, buffers.qh, buffers.kh, buffers.vh, buffers.probabilities, keepFactors,
          buffers.dropped, dContextH, dProbabilities, dqh, dkh, dvh, dq, 0, dk, kColumn, dv, vColumn, range[0], range[1]);
    }
    OpGradientsTest.check("dq", q, dq, loss);
    if (!fused) {
      OpGradientsTest.check("dk", k, dk, loss);
      OpGradientsTest.check("dv", v, dv, loss);
    }
  }

  @Test
  void eachMaskHidesItsKeys() {
    Random random = new Random(5);
    float[][] q = randn(random, B * T, H), k = randn(random, B * T, H), v = randn(random, B * T, H);
    Buffers padded = new Buffers();
    Attention.forward(KERNELS, q, 0, k, 0, v, 0, T, HEADS, D, AttentionMask.padding(LENGTHS), padded.qh, padded.kh, padded.vh,
        padded.probabilities, null, padded.dropped, padded.contextH, padded.context, 0, SH);
    Buffers causal = new Buffers();
    Attention.forward(KERNELS, q, 0, k, 0, v, 0, T, HEADS, D, AttentionMask.causal(), causal.qh, causal.kh, causal.vh,
        causal.probabilities, null, causal.dropped, causal.contextH, causal.context, 0, SH);
    for (int sh = 0; sh < SH; sh++) {
      int real = LENGTHS[sh / HEADS];
      for (int i = 0; i < T; i++) {
        double paddedSum = 0;
        double causalSum = 0;
        for (int j = 0; j < T; j++) {
          paddedSum += padded.probabilities[sh][i][j];
          causalSum += causal.probabilities[sh][i][j];
          if (j >= real) {
            // BERT adds −10000 to a padded key's score: its probability underflows to 0 in float
            assertEquals(0f, padded.probabilities[sh][i][j]);
          }
          if (j > i) {
            assertEquals(0f, causal.probabilities[sh][i][j]);
          } else {
            assertTrue(causal.probabilities[sh][i][j] > 0);
          }
        }
        assertEquals(1, paddedSum, 1e-6);
        assertEquals(1, causalSum, 1e-6);
      }
    }
  }

  /** Positions fed one at a time, or a few at once, against a key/value cache give the causal forward pass's bits. */
  @Test
  void theCachedStepGivesTheForwardPassBits() {
    Random random = new Random(9);
    float[][] qkv = randn(random, B * T, 3 * H);
    Buffers forward = new Buffers();
    Attention.forward(KERNELS, qkv, 0, qkv, H, qkv, 2 * H, T, HEADS, D, AttentionMask.causal(), forward.qh, forward.kh, forward.vh,
        forward.probabilities, null, forward.dropped, forward.contextH, forward.context, 0, SH);
    float[][] query = new float[1][D], scores = new float[1][T + 3], headContext = new float[1][D];
    for (int s = 0; s < B; s++) {
      float[][][] keys = new float[HEADS][T + 3][D], values = new float[HEADS][T + 3][D];
      float[] context = new float[H];
      for (int i = 0; i < T; i++) {
        float[] row = qkv[s * T + i];
        Attention.cacheKeyValue(row, H, row, 2 * H, keys, values, i, HEADS, D);
        Attention.cachedStep(KERNELS, row, 0, keys, values, i, HEADS, D, query, scores, headContext, context);
        int position = i;
        assertArrayEquals(forward.context[s * T + i], context, () -> "the cached step at position " + position);
      }
    }
  }

  static float[][] randn(Random random, int rows, int width) {
    float[][] a = new float[rows][width];
    for (float[] row : a) {
      for (int i = 0; i < width; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return a;
  }
}
