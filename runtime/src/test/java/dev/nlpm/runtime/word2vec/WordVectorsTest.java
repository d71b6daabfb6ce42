package dev.nlpm.runtime.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordVectorsTest {

  private static final double SQRT_HALF = Math.sqrt(0.5);

  /** Compass directions in 3-D: the cosines are known without computing. */
  private static WordVectors compass() {
    return WordVectors.of(
        List.of("east", "north", "northeast", "up", "zero", "west"),
        new float[] {
          1, 0, 0, //
          0, 1, 0, //
          3, 3, 0, //
          0, 0, 2, //
          0, 0, 0, //
          -5, 0, 0
        },
        3);
  }

  @Test
  void looksUpWordsAndCopiesVectors() {
    WordVectors vectors = compass();
    assertEquals(6, vectors.size());
    assertEquals(3, vectors.dimension());
    assertEquals("northeast", vectors.word(2));
    assertEquals(2, vectors.index("northeast"));
    assertEquals(-1, vectors.index("south"));
    float[] up = vectors.vector("up");
    assertArrayEquals(new float[] {0, 0, 2}, up);
    up[2] = 7;
    assertArrayEquals(new float[] {0, 0, 2}, vectors.vector("up"));
  }

  @Test
  void copiesTheGivenArray() {
    float[] rows = {1, 2, 3, 4};
    WordVectors vectors = WordVectors.of(List.of("a", "b"), rows, 2);
    rows[0] = 9;
    assertArrayEquals(new float[] {1, 2}, vectors.vector("a"));
  }

  @Test
  void rejectsDuplicateWordsAndWrongLengths() {
    assertThrows(IllegalArgumentException.class,
        () -> WordVectors.of(List.of("a", "a"), new float[4], 2));
    assertThrows(IllegalArgumentException.class,
        () -> WordVectors.of(List.of("a", "b"), new float[5], 2));
  }

  @Test
  void cosineIsIndependentOfLength() {
    WordVectors vectors = compass();
    assertEquals(SQRT_HALF, vectors.cosine("east", "northeast"), 1e-7);
    assertEquals(0, vectors.cosine("east", "up"), 1e-7);
    assertEquals(-1, vectors.cosine("east", "west"), 1e-7);
    assertEquals(1, vectors.cosine("up", "up"), 1e-7);
    assertEquals(0, vectors.cosine("zero", "east"), 0);
    assertThrows(IllegalArgumentException.class, () -> vectors.cosine("east", "south"));
  }

  @Test
  void mostSimilarIsOrderedBestFirstWithTiesToTheMoreFrequentWord() {
    List<Neighbor> neighbors = compass().mostSimilar("east", 4);
    assertEquals(List.of("northeast", "north", "up", "zero"),
        neighbors.stream().map(Neighbor::word).toList());
    assertEquals(SQRT_HALF, neighbors.get(0).similarity(), 1e-7);
    assertEquals(0, neighbors.get(1).similarity(), 1e-7);
  }

  @Test
  void mostSimilarToAVectorLeavesOutTheExcludedWords() {
    WordVectors vectors = compass();
    List<Neighbor> all = vectors.mostSimilar(new float[] {2, 0.5f, 0}, 2, Set.of());
    assertEquals(List.of("east", "northeast"), all.stream().map(Neighbor::word).toList());
    assertEquals(2 / Math.sqrt(4.25), all.get(0).similarity(), 1e-7);
    List<Neighbor> excluding =
        vectors.mostSimilar(new float[] {2, 0.5f, 0}, 2, Set.of("east", "not-a-word"));
    assertEquals(List.of("northeast", "north"), excluding.stream().map(Neighbor::word).toList());
  }

  @Test
  void topKLargerThanTheVocabularyReturnsEveryOtherWord() {
    assertEquals(5, compass().mostSimilar("east", 100).size());
  }

  /**
   * man, woman, king, queen on axes so that woman - man + king points nearest to queen; woman
   * (cosine 0.79) and king (0.56) would come before apple (0) if a, b, c were not left out.
   */
  @Test
  void analogyFindsTheWordByConstructionAndLeavesOutTheQuestion() {
    WordVectors vectors = WordVectors.of(
        List.of("man", "woman", "king", "queen", "apple"),
        new float[] {
          1, 0, 0, 0, //
          0, 1, 0, 0, //
          1, 0, 1, 0, //
          0, 1, 1, 0, //
          0, 0, 0, 1
        },
        4);
    List<Neighbor> answer = vectors.analogy("man", "woman", "king", 2);
    assertEquals("queen", answer.get(0).word());
    // b - a + c over unit vectors, normalized: (-1 + h, 1, h, 0) with h = sqrt(1/2).
    double h = SQRT_HALF;
    double[] query = {-1 + h, 1, h, 0};
    double norm = Math.sqrt(query[0] * query[0] + 1 + h * h);
    assertEquals((h + h * h) / norm, answer.get(0).similarity(), 1e-6);
    assertEquals("apple", answer.get(1).word());
    assertEquals(0, answer.get(1).similarity(), 1e-7);
  }

  @Test
  void restrictVocabSearchesOnlyTheFirstWords() {
    WordVectors restricted = compass().restrictVocab(3);
    assertEquals(3, restricted.size());
    assertEquals(-1, restricted.index("up"));
    assertEquals(List.of("northeast", "north"),
        restricted.mostSimilar("east", 10).stream().map(Neighbor::word).toList());
    assertThrows(IllegalArgumentException.class, () -> restricted.cosine("east", "west"));
    assertEquals(6, compass().restrictVocab(300_000).size());
  }
}
