package dev.nlpm.runtime.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** BERT's masking: how many positions, which ones, and what they become. */
class MlmMaskerTest {

  private static final int PAD = 0;
  private static final int CLS = 1;
  private static final int SEP = 2;
  private static final int MASK = 3;
  private static final int VOCAB = 1000;

  private static final MlmMasker MASKER = new MlmMasker(0.15, MASK, VOCAB, new int[] {PAD, CLS, SEP, MASK}, 20);

  /** [CLS] 100 words [SEP] [PAD] [PAD]. */
  private static int[] sequence(int words) {
    int[] ids = new int[words + 4];
    ids[0] = CLS;
    for (int i = 1; i <= words; i++) {
      ids[i] = 10 + (i * 37) % 900;
    }
    ids[words + 1] = SEP;
    return ids;
  }

  @Test
  void choosesRoundedRateOfTheNonSpecialTokensCappedByMaxPredictions() {
    int[] ids = sequence(100);
    MaskedExample m = MASKER.mask(ids, ExampleRandom.of(1, 0, 0));
    assertEquals(15, m.predicted().length, "round(100 · 0.15)");
    for (int p : m.predicted()) {
      assertTrue(p >= 1 && p <= 100, "never a special token: " + p);
      assertEquals(ids[p], m.labels()[p], "the label is the original token");
    }
    for (int i = 0; i < ids.length; i++) {
      if (m.labels()[i] == MaskedExample.IGNORED) {
        assertEquals(ids[i], m.inputIds()[i], "an unchosen position is unchanged");
      }
    }
    assertEquals(20, MASKER.mask(sequence(400), ExampleRandom.of(1, 0, 0)).predicted().length, "capped at maxPredictions");
    assertEquals(1, MASKER.mask(sequence(2), ExampleRandom.of(1, 0, 0)).predicted().length, "at least one");
    assertEquals(0, MASKER.mask(new int[] {CLS, SEP, PAD}, ExampleRandom.of(1, 0, 0)).predicted().length, "nothing to choose");
  }

  @Test
  void chosenTokensBecomeMaskRandomOrThemselvesEightyTenTen() {
    int[] chosenAt = assertShares(MASKER, 0.8, 0.1, 0.1);
    for (int p = 1; p <= 100; p++) {
      assertEquals(600, chosenAt[p], 4 * Math.sqrt(4000 * 0.15 * 0.85), "position " + p + " is chosen uniformly");
    }
  }

  @Test
  void declaredSharesReplaceBertsEightyTenTen() {
    assertShares(new MlmMasker(0.15, 0.5, 0.2, 0.3, MASK, VOCAB, new int[] {PAD, CLS, SEP, MASK}, 20), 0.5, 0.2, 0.3);
    assertShares(new MlmMasker(0.15, 1, 0, 0, MASK, VOCAB, new int[] {PAD, CLS, SEP, MASK}, 20), 1, 0, 0);
    assertShares(new MlmMasker(0.15, 0, 0, 1, MASK, VOCAB, new int[] {PAD, CLS, SEP, MASK}, 20), 0, 0, 1);
    assertThrows(IllegalArgumentException.class, () -> new MlmMasker(0.15, 0.8, 0.1, 0.2, MASK, VOCAB, new int[0], 20));
    assertThrows(IllegalArgumentException.class, () -> new MlmMasker(0.15, 1.1, -0.1, 0, MASK, VOCAB, new int[0], 20));
  }

  /** Masks 4,000 examples; asserts what the chosen tokens became; returns how often each position was chosen. */
  private static int[] assertShares(MlmMasker masker, double maskShare, double randomShare, double keepShare) {
    int masked = 0;
    int kept = 0;
    int random = 0;
    int positions = 0;
    int[] ids = sequence(100);
    int[] chosenAt = new int[ids.length];
    for (int example = 0; example < 4000; example++) {
      MaskedExample m = masker.mask(ids, ExampleRandom.of(7, example, 0));
      for (int p : m.predicted()) {
        positions++;
        chosenAt[p]++;
        int now = m.inputIds()[p];
        if (now == MASK) {
          masked++;
        } else if (now == ids[p]) {
          kept++;
        } else {
          random++;
        }
      }
    }
    assertEquals(60_000, positions);
    // Four standard deviations of each share over 60,000 draws; a random draw equals the original
    // token with probability 1/1000, which moves the kept share by 0.0001 per unit of the random share.
    assertEquals(maskShare, masked / (double) positions, 4 * Math.sqrt(maskShare * (1 - maskShare) / positions));
    assertEquals(keepShare, kept / (double) positions, 4 * Math.sqrt(keepShare * (1 - keepShare) / positions) + 1e-3 * randomShare);
    assertEquals(randomShare, random / (double) positions, 4 * Math.sqrt(randomShare * (1 - randomShare) / positions));
    return chosenAt;
  }

  @Test
  void staticMaskingRepeatsAcrossEpochsAndDynamicDrawsAfresh() {
    int[] ids = sequence(50);
    long seed = 42;
    MaskedExample staticFirst = MASKER.mask(ids, ExampleRandom.of(seed, 9, Masking.STATIC.drawEpoch(0)));
    MaskedExample staticLater = MASKER.mask(ids, ExampleRandom.of(seed, 9, Masking.STATIC.drawEpoch(3)));
    assertEquals(staticFirst, staticLater);
    MaskedExample dynamicFirst = MASKER.mask(ids, ExampleRandom.of(seed, 9, Masking.DYNAMIC.drawEpoch(0)));
    MaskedExample dynamicLater = MASKER.mask(ids, ExampleRandom.of(seed, 9, Masking.DYNAMIC.drawEpoch(3)));
    assertNotEquals(dynamicFirst, dynamicLater);
    assertEquals(dynamicFirst, MASKER.mask(ids, ExampleRandom.of(seed, 9, 0)), "the same seed, example and epoch repeat");
    assertNotEquals(staticFirst, MASKER.mask(ids, ExampleRandom.of(seed, 10, 0)), "another example, other masks");
    assertNotEquals(staticFirst, MASKER.mask(ids, ExampleRandom.of(seed + 1, 9, 0)), "another seed, other masks");
  }

  @Test
  void badInputIsRefusedClearly() {
    assertEquals("id 1000 at position 1 is outside a vocabulary of 1000",
        assertThrows(IllegalArgumentException.class, () -> MASKER.mask(new int[] {CLS, 1000}, ExampleRandom.of(1, 0, 0))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MlmMasker(0, MASK, VOCAB, new int[0], 20));
    assertThrows(IllegalArgumentException.class, () -> new MlmMasker(0.15, VOCAB, VOCAB, new int[0], 20));
  }
}
