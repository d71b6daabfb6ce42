package dev.nlpm.runtime.word2vec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable set of words and their vectors, in the order they were given (for a trained or
 * loaded model: most frequent first), with the queries of gensim's {@code KeyedVectors}: cosine
 * similarity, most-similar with exclusions and the 3CosAdd analogy.
 *
 * <p>The vectors are one flat array, row {@code i} holding word {@code i}. Queries use unit-length
 * copies of the rows, computed once on the first query; the raw rows are kept for saving. A zero
 * row stays zero when normalized, so it has similarity 0 to everything (gensim divides by zero
 * and yields NaN).
 *
 * <p>{@link #restrictVocab(int)} gives a view of the first {@code n} words that shares the arrays,
 * which is how gensim's {@code restrict_vocab} limits a search to the most frequent words.
 */
public final class WordVectors {

  private final List<String> words;
  private final Map<String, Integer> indexByWord;
  private final float[] vectors;
  private final int dimension;
  private final int size;
  private final UnitRows unitRows;

  private WordVectors(
      List<String> words,
      Map<String, Integer> indexByWord,
      float[] vectors,
      int dimension,
      int size,
      UnitRows unitRows) {
    this.words = words;
    this.indexByWord = indexByWord;
    this.vectors = vectors;
    this.dimension = dimension;
    this.size = size;
    this.unitRows = unitRows;
  }

  /**
   * Word vectors from distinct words and their rows, copied.
   *
   * @param vectors {@code words.size() * dimension} values, row {@code i} for word {@code i}
   * @throws IllegalArgumentException if a word repeats or the array has the wrong length
   */
  public static WordVectors of(List<String> words, float[] vectors, int dimension) {
    return wrap(List.copyOf(words), vectors.clone(), dimension);
  }

  /** As {@link #of}, but takes ownership of the arrays instead of copying them (for readers). */
  static WordVectors wrap(List<String> words, float[] vectors, int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    if ((long) words.size() * dimension != vectors.length) {
      throw new IllegalArgumentException(
          words.size() + " words of dimension " + dimension + " need "
              + (long) words.size() * dimension + " values, got " + vectors.length);
    }
    Map<String, Integer> indexByWord = new HashMap<>(words.size() * 2);
    for (int i = 0; i < words.size(); i++) {
      String word = Objects.requireNonNull(words.get(i), "word");
      if (indexByWord.putIfAbsent(word, i) != null) {
        throw new IllegalArgumentException("duplicate word \"" + word + "\" at index " + i);
      }
    }
    return new WordVectors(
        words, indexByWord, vectors, dimension, words.size(), new UnitRows(vectors, dimension));
  }

  /** The first {@code n} words (all of them if there are fewer), sharing this set's arrays. */
  public WordVectors restrictVocab(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("restrictVocab must not be negative, got " + n);
    }
    if (n >= size) {
      return this;
    }
    return new WordVectors(words.subList(0, n), indexByWord, vectors, dimension, n, unitRows);
  }

  public int dimension() {
    return dimension;
  }

  public int size() {
    return size;
  }

  /** The words in order. */
  public List<String> words() {
    return words;
  }

  public String word(int index) {
    Objects.checkIndex(index, size);
    return words.get(index);
  }

  /** The index of {@code word}, or -1 if it is not in this set. */
  public int index(String word) {
    Integer index = indexByWord.get(word);
    return index == null || index >= size ? -1 : index;
  }

  public boolean contains(String word) {
    return index(word) >= 0;
  }

  /** A copy of the raw vector of {@code word}. */
  public float[] vector(String word) {
    return vector(requireIndex(word));
  }

  /** A copy of the raw vector of the word at {@code index}. */
  public float[] vector(int index) {
    Objects.checkIndex(index, size);
    return Arrays.copyOfRange(vectors, index * dimension, (index + 1) * dimension);
  }

  /** The cosine similarity of two words. */
  public double cosine(String a, String b) {
    return cosine(requireIndex(a), requireIndex(b));
  }

  /** The cosine similarity of the words at two indices. */
  public double cosine(int a, int b) {
    Objects.checkIndex(a, size);
    Objects.checkIndex(b, size);
    float[] unit = unitRows.get();
    return dot(unit, a * dimension, unit, b * dimension, dimension);
  }

  /** The {@code topK} words closest to {@code word}, itself excluded, best first. */
  public List<Neighbor> mostSimilar(String word, int topK) {
    int index = requireIndex(word);
    float[] unit = unitRows.get();
    return neighbors(
        search(Arrays.copyOfRange(unit, index * dimension, (index + 1) * dimension), topK,
            new int[] {index}));
  }

  /**
   * The {@code topK} words closest in cosine to {@code query} (any length but zero), best first,
   * leaving out the words in {@code exclude}.
   */
  public List<Neighbor> mostSimilar(float[] query, int topK, Set<String> exclude) {
    if (query.length != dimension) {
      throw new IllegalArgumentException(
          "query has " + query.length + " values, the vectors have " + dimension);
    }
    int[] excluded = exclude.stream().mapToInt(this::index).filter(i -> i >= 0).toArray();
    return neighbors(search(normalized(query), topK, excluded));
  }

  /**
   * As gensim's {@code most_similar(positive, negative)}: the mean of the unit vectors of the
   * positive words and of the negated unit vectors of the negative ones, normalized, and the
   * {@code topK} words closest to it, leaving out the given words.
   */
  public List<Neighbor> mostSimilar(List<String> positive, List<String> negative, int topK) {
    int[] plus = positive.stream().mapToInt(this::requireIndex).toArray();
    int[] minus = negative.stream().mapToInt(this::requireIndex).toArray();
    int[] excluded = new int[plus.length + minus.length];
    System.arraycopy(plus, 0, excluded, 0, plus.length);
    System.arraycopy(minus, 0, excluded, plus.length, minus.length);
    return neighbors(search(meanOfUnitRows(plus, minus), topK, excluded));
  }

  /**
   * The 3CosAdd analogy "a is to b as c is to ?": the words closest to {@code b - a + c} over unit
   * vectors (gensim's {@code most_similar(positive=[b, c], negative=[a])}), leaving out a, b, c.
   */
  public List<Neighbor> analogy(String a, String b, String c, int topK) {
    return mostSimilar(List.of(b, c), List.of(a), topK);
  }

  /** The index of {@code word}, or an exception naming it. */
  int requireIndex(String word) {
    int index = index(word);
    if (index < 0) {
      throw new IllegalArgumentException("\"" + word + "\" is not in the vocabulary");
    }
    return index;
  }

  /** The raw flat rows, not copied: only for writers in this package, which must not modify it. */
  float[] rawVectors() {
    return vectors;
  }

  /** The normalized mean of unit rows {@code plus} and negated unit rows {@code minus}. */
  float[] meanOfUnitRows(int[] plus, int[] minus) {
    float[] unit = unitRows.get();
    double[] sum = new double[dimension];
    for (int index : plus) {
      addScaled(sum, unit, index * dimension, 1);
    }
    for (int index : minus) {
      addScaled(sum, unit, index * dimension, -1);
    }
    // Dividing by the count (as gensim does) cannot change the direction, so normalize directly.
    float[] mean = new float[dimension];
    for (int d = 0; d < dimension; d++) {
      mean[d] = (float) sum[d];
    }
    return normalized(mean);
  }

  /**
   * The indices of the {@code topK} rows with the highest dot product with the unit vector
   * {@code query}, best first, ties to the lower index, skipping {@code excluded}; their
   * similarities go to {@code similarities} when it is not null.
   */
  int[] search(float[] query, int topK, int[] excluded, double[] similarities) {
    int k = Math.max(0, Math.min(topK, size));
    int[] best = new int[k];
    double[] bestScore = new double[k];
    int found = 0;
    float[] unit = unitRows.get();
    rows:
    for (int row = 0; row < size; row++) {
      double score = dot(unit, row * dimension, query, 0, dimension);
      if (k == 0 || (found == k && !(score > bestScore[k - 1]))) {
        continue;
      }
      for (int e : excluded) {
        if (e == row) {
          continue rows;
        }
      }
      int at = found < k ? found++ : k - 1;
      while (at > 0 && score > bestScore[at - 1]) {
        best[at] = best[at - 1];
        bestScore[at] = bestScore[at - 1];
        at--;
      }
      best[at] = row;
      bestScore[at] = score;
    }
    if (similarities != null) {
      System.arraycopy(bestScore, 0, similarities, 0, found);
    }
    return Arrays.copyOf(best, found);
  }

  private SearchResult search(float[] unitQuery, int topK, int[] excluded) {
    double[] similarities = new double[Math.max(0, Math.min(topK, size))];
    int[] indices = search(unitQuery, topK, excluded, similarities);
    return new SearchResult(indices, similarities);
  }

  private List<Neighbor> neighbors(SearchResult result) {
    List<Neighbor> neighbors = new ArrayList<>(result.indices.length);
    for (int i = 0; i < result.indices.length; i++) {
      neighbors.add(new Neighbor(words.get(result.indices[i]), result.similarities[i]));
    }
    return List.copyOf(neighbors);
  }

  private record SearchResult(int[] indices, double[] similarities) {}

  private static void addScaled(double[] sum, float[] rows, int offset, double scale) {
    for (int d = 0; d < sum.length; d++) {
      sum[d] += scale * rows[offset + d];
    }
  }

  static double dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
    double sum = 0;
    for (int d = 0; d < length; d++) {
      sum += (double) a[aOffset + d] * b[bOffset + d];
    }
    return sum;
  }

  /** {@code vector} scaled to unit length (a zero vector stays zero). */
  static float[] normalized(float[] vector) {
    double norm = Math.sqrt(dot(vector, 0, vector, 0, vector.length));
    float[] unit = new float[vector.length];
    if (norm > 0) {
      for (int d = 0; d < vector.length; d++) {
        unit[d] = (float) (vector[d] / norm);
      }
    }
    return unit;
  }

  /** Unit-length copies of all rows, computed on first use and shared by restricted views. */
  private static final class UnitRows {
    private final float[] vectors;
    private final int dimension;
    private volatile float[] unit;

    UnitRows(float[] vectors, int dimension) {
      this.vectors = vectors;
      this.dimension = dimension;
    }

    float[] get() {
      float[] result = unit;
      if (result == null) {
        synchronized (this) {
          result = unit;
          if (result == null) {
            result = normalizeRows();
            unit = result;
          }
        }
      }
      return result;
    }

    private float[] normalizeRows() {
      float[] result = new float[vectors.length];
      for (int offset = 0; offset < vectors.length; offset += dimension) {
        double norm = Math.sqrt(dot(vectors, offset, vectors, offset, dimension));
        if (norm > 0) {
          for (int d = 0; d < dimension; d++) {
            result[offset + d] = (float) (vectors[offset + d] / norm);
          }
        }
      }
      return result;
    }
  }

  @Override
  public String toString() {
    return "WordVectors[" + size + " words, dimension " + dimension + "]";
  }
}
