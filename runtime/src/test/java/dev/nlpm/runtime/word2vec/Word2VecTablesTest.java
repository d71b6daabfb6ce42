package dev.nlpm.runtime.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Huffman tree, the negative-sampling table, subsampling and the vocabulary. */
class Word2VecTablesTest {

  @Test
  void huffmanCodesAndPathsOfAKnownCountTable() {
    // Worked by hand through word2vec.c's CreateBinaryTree for counts 4, 2, 1, 1: inner nodes
    // 0 = {3, 2}, 1 = {0', 1}, 2 (root) = {1', 0}, where the second child gets bit 1.
    HuffmanTree tree = HuffmanTree.build(new long[] {4, 2, 1, 1});
    assertArrayEquals(new byte[] {1}, tree.code(0));
    assertArrayEquals(new int[] {2}, tree.points(0));
    assertArrayEquals(new byte[] {0, 1}, tree.code(1));
    assertArrayEquals(new int[] {2, 1}, tree.points(1));
    assertArrayEquals(new byte[] {0, 0, 1}, tree.code(2));
    assertArrayEquals(new int[] {2, 1, 0}, tree.points(2));
    assertArrayEquals(new byte[] {0, 0, 0}, tree.code(3));
    assertArrayEquals(new int[] {2, 1, 0}, tree.points(3));
  }

  @Test
  void huffmanCodesArePrefixFreeAndFrequentWordsShorter() {
    long[] counts = {1000, 500, 300, 300, 120, 80, 40, 20, 10, 5, 3, 2, 1, 1};
    HuffmanTree tree = HuffmanTree.build(counts);
    for (int a = 0; a < counts.length; a++) {
      assertEquals(counts.length - 2, tree.points(a)[0], "every path starts at the root");
      for (int b = 0; b < counts.length; b++) {
        if (a != b) {
          byte[] x = tree.code(a);
          byte[] y = tree.code(b);
          boolean prefix = x.length <= y.length;
          for (int i = 0; i < Math.min(x.length, y.length); i++) {
            prefix &= x[i] == y[i];
          }
          assertEquals(false, prefix && x.length <= y.length, "code " + a + " is a prefix of " + b);
        }
      }
      if (a > 0) {
        assertEquals(true, tree.code(a).length >= tree.code(a - 1).length);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> HuffmanTree.build(new long[] {1, 2}));
  }

  @Test
  void negativeSamplingFollowsCountToThePowerExactly() {
    long[] counts = {1000, 300, 50, 7, 1, 1, 123_456};
    double total = 0;
    for (long c : counts) {
      total += Math.pow(c, 0.75);
    }
    double[] p = NegativeSampler.of(counts, 0.75).probabilities();
    for (int w = 0; w < counts.length; w++) {
      assertEquals(Math.pow(counts[w], 0.75) / total, p[w], 1e-6, "share of word " + w);
    }
  }

  @Test
  void drawsFromWord2vecsRandomStreamFollowTheDistribution() {
    long[] counts = {1000, 300, 50, 7, 1};
    double total = 0;
    for (long c : counts) {
      total += Math.pow(c, 0.75);
    }
    NegativeSampler sampler = NegativeSampler.of(counts, 0.75);
    int[] seen = new int[counts.length];
    long random = 1;
    int draws = 1_000_000;
    for (int i = 0; i < draws; i++) {
      random = random * 25214903917L + 11;
      seen[sampler.sample(random)]++;
    }
    for (int w = 0; w < counts.length; w++) {
      double expected = Math.pow(counts[w], 0.75) / total;
      // Four standard deviations of a binomial share over a million draws.
      assertEquals(expected, seen[w] / (double) draws, 4 * Math.sqrt(expected * (1 - expected) / draws), "share of word " + w);
    }
  }

  @Test
  void subsamplingKeepProbabilitiesAreWord2vecs() {
    float[] keep = SamplingTables.keepProbabilities(new long[] {1000, 10, 1}, 1011, 1e-3);
    double t = 1e-3 * 1011;
    assertEquals((Math.sqrt(1000 / t) + 1) * t / 1000, keep[0], 1e-6);
    assertEquals(0.0332, keep[0], 1e-3);
    assertEquals((Math.sqrt(10 / t) + 1) * t / 10, keep[1], 1e-6);
    assertEquals(1f, keep[2], "rare words are always kept");
    assertArrayEquals(new float[] {1, 1, 1}, SamplingTables.keepProbabilities(new long[] {1000, 10, 1}, 1011, 0));
  }

  @Test
  void sigmoidTableSpansMinusSixToSix() {
    float[] table = SamplingTables.sigmoidTable();
    assertEquals(1 / (1 + Math.exp(6)), table[0], 1e-6);
    assertEquals(0.5, table[500], 1e-6);
    assertEquals(1 / (1 + Math.exp(-6 * 998 / 1000.0)), table[999], 1e-6);
  }

  @Test
  void vocabularyIsByCountThenWordWithMinCountAndMaxSize() {
    Word2VecVocabulary v =
        Word2VecVocabulary.of(Map.of("b", 5L, "a", 5L, "c", 9L, "rare", 1L, "d", 2L), 2, 3);
    assertEquals(List.of("c", "a", "b"), v.words());
    assertEquals(19, v.totalCount());
    assertArrayEquals(new int[] {1, 0, 2}, v.indices("a  c\tb rare d"));
    assertThrows(IllegalArgumentException.class, () -> Word2VecVocabulary.of(Map.of("x", 1L), 5, 0));
  }

  @Test
  void aLowercasingVocabularyCountsCasesAsOneWordAndLooksUpLowercased() {
    Map<String, Long> counts = Map.of("The", 2L, "the", 3L, "CAT", 1L, "cat", 1L, "dog", 1L);
    Word2VecVocabulary kept = Word2VecVocabulary.of(counts, 2, 0);
    assertEquals(List.of("the", "The"), kept.words(), "case kept: The and the are two words, cat and CAT below min count");
    assertArrayEquals(new int[] {1, 0}, kept.indices("The the THE"));

    Word2VecVocabulary lower = Word2VecVocabulary.of(counts, 2, 0, true);
    assertTrue(lower.lowercase() && !kept.lowercase());
    assertEquals(List.of("the", "cat"), lower.words());
    assertArrayEquals(new long[] {5, 2}, lower.counts());
    assertArrayEquals(new int[] {0, 0, 0, 1}, lower.indices("The the THE Cat"));
  }
}
