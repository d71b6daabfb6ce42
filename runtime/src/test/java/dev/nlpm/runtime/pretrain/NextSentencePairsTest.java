package dev.nlpm.runtime.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Next-sentence pairs: layout, segment ids, the label's balance and truncation. */
class NextSentencePairsTest {

  private static final int CLS = 1;
  private static final int SEP = 2;

  private static int[] run(int from, int length) {
    return IntStream.range(from, from + length).toArray();
  }

  /** Document d's segment s holds ids d·1000 + s·100 + 0.. so every id tells where it came from. */
  private static final List<List<int[]>> DOCUMENTS = List.of(
      List.of(run(1000, 3), run(1100, 4), run(1200, 2)),
      List.of(run(2000, 5), run(2100, 3)),
      List.of(run(3000, 2), run(3100, 2), run(3200, 6)));

  @Test
  void aTrueNextIsTheFollowingSegmentAndARandomOneComesFromAnotherDocument() {
    NextSentencePairs pairs = new NextSentencePairs(CLS, SEP, 64);
    int next = 0;
    int trials = 4000;
    for (int example = 0; example < trials; example++) {
      SentencePair p = pairs.pair(DOCUMENTS, 0, 1, ExampleRandom.of(3, example, 0));
      int[] ids = p.inputIds();
      assertEquals(CLS, ids[0]);
      assertEquals(SEP, ids[5], "[CLS] + 4 ids of A");
      assertEquals(SEP, ids[ids.length - 1]);
      assertArrayEquals(run(1100, 4), java.util.Arrays.copyOfRange(ids, 1, 5));
      int[] segments = p.segmentIds();
      for (int i = 0; i < ids.length; i++) {
        assertEquals(i <= 5 ? 0 : 1, segments[i], "segment id at " + i);
      }
      int firstOfB = ids[6];
      if (p.isNext()) {
        next++;
        assertArrayEquals(run(1200, 2), java.util.Arrays.copyOfRange(ids, 6, ids.length - 1));
      } else {
        assertTrue(firstOfB >= 2000, "a random B comes from another document: " + firstOfB);
      }
    }
    assertEquals(0.5, next / (double) trials, 4 * Math.sqrt(0.25 / trials));
  }

  @Test
  void theLongerSideIsCutToFitFromEitherEnd() {
    List<List<int[]>> long_ = List.of(List.of(run(10, 20), run(100, 4)), List.of(run(200, 4)));
    NextSentencePairs pairs = new NextSentencePairs(CLS, SEP, 12);
    boolean cutFront = false;
    boolean cutBack = false;
    for (int example = 0; example < 200; example++) {
      SentencePair p = pairs.pair(long_, 0, 0, ExampleRandom.of(5, example, 0));
      int[] ids = p.inputIds();
      assertEquals(12, ids.length, "9 ids of text and 3 special tokens");
      int sep = 1;
      while (ids[sep] != SEP) {
        sep++;
      }
      assertEquals(5, sep - 1, "A, the longer, shrinks to what fits beside B's 4");
      int[] a = java.util.Arrays.copyOfRange(ids, 1, sep);
      for (int i = 1; i < a.length; i++) {
        assertEquals(a[i - 1] + 1, a[i], "A stays a contiguous run");
      }
      cutFront |= a[0] > 10;
      cutBack |= a[a.length - 1] < 29;
    }
    assertTrue(cutFront && cutBack, "both ends get cut");
  }

  @Test
  void theSameStreamGivesTheSamePair() {
    NextSentencePairs pairs = new NextSentencePairs(CLS, SEP, 64);
    assertEquals(pairs.pair(DOCUMENTS, 2, 1, ExampleRandom.of(9, 4, 0)), pairs.pair(DOCUMENTS, 2, 1, ExampleRandom.of(9, 4, 0)));
  }

  @Test
  void impossibleRequestsSayWhy() {
    NextSentencePairs pairs = new NextSentencePairs(CLS, SEP, 64);
    assertEquals("segment 2 of document 0 has no next segment (the document has 3)",
        assertThrows(IllegalArgumentException.class, () -> pairs.pair(DOCUMENTS, 0, 2, ExampleRandom.of(1, 0, 0))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> pairs.pair(List.of(DOCUMENTS.get(0)), 0, 0, ExampleRandom.of(1, 0, 0)));
    assertThrows(IllegalArgumentException.class, () -> new NextSentencePairs(CLS, SEP, 4));
  }
}
