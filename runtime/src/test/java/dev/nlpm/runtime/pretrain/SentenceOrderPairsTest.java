package dev.nlpm.runtime.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Sentence-order pairs: a segment and its next, in order (label 0) or swapped (label 1), from one document. */
class SentenceOrderPairsTest {

  private static final int CLS = 1;
  private static final int SEP = 2;

  private static int[] run(int from, int length) {
    return IntStream.range(from, from + length).toArray();
  }

  /** One document is enough: both sides always come from it. */
  private static final List<List<int[]>> DOCUMENTS = List.of(List.of(run(1000, 3), run(1100, 4), run(1200, 2)));

  @Test
  void halfThePairsAreSwappedAndLabelledSo() {
    SentenceOrderPairs pairs = new SentenceOrderPairs(CLS, SEP, 64);
    int swapped = 0;
    int trials = 4000;
    for (int example = 0; example < trials; example++) {
      SentencePair p = pairs.pair(DOCUMENTS, 0, 1, ExampleRandom.of(5, example, 0));
      int[] ids = p.inputIds();
      int[] first = p.isNext() ? run(1100, 4) : run(1200, 2);
      int[] second = p.isNext() ? run(1200, 2) : run(1100, 4);
      int[] expected = new int[first.length + second.length + 3];
      expected[0] = CLS;
      System.arraycopy(first, 0, expected, 1, first.length);
      expected[first.length + 1] = SEP;
      System.arraycopy(second, 0, expected, first.length + 2, second.length);
      expected[expected.length - 1] = SEP;
      assertArrayEquals(expected, ids);
      int[] segments = p.segmentIds();
      for (int i = 0; i < ids.length; i++) {
        assertEquals(i < first.length + 2 ? 0 : 1, segments[i]);
      }
      swapped += p.isNext() ? 0 : 1;
    }
    double share = (double) swapped / trials;
    assertTrue(Math.abs(share - 0.5) < 0.03, "swapped share " + share);
  }

  @Test
  void aLongPairIsCutToFitAndTheLastSegmentHasNoPair() {
    SentenceOrderPairs pairs = new SentenceOrderPairs(CLS, SEP, 7);
    SentencePair p = pairs.pair(DOCUMENTS, 0, 0, ExampleRandom.of(1, 0, 0));
    assertEquals(7, p.inputIds().length);
    assertTrue(Arrays.stream(p.inputIds()).filter(id -> id >= 1000).allMatch(id -> id < 1200), "only segments 0 and 1");
    assertThrows(IllegalArgumentException.class, () -> pairs.pair(DOCUMENTS, 0, 2, ExampleRandom.of(1, 0, 0)));
  }
}
