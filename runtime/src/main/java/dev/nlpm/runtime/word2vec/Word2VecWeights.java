package dev.nlpm.runtime.word2vec;

/**
 * word2vec's weights, each matrix {@code vocabulary × dimension} held as one {@code float[]} a
 * row, row {@code i} for word {@code i}: the input vectors (the word vectors, word2vec.c's {@code
 * syn0}), and the output vectors of negative sampling ({@code syn1neg}) and of hierarchical
 * softmax ({@code syn1}, one row per inner node of the Huffman tree), each present only if
 * trained. A row an array lets the kernels' loops vectorize (see {@link Word2VecKernels}).
 */
public final class Word2VecWeights {

  private final Word2VecVocabulary vocabulary;
  private final int dimension;
  private final float[][] input;
  private final float[][] negativeOutput;
  private final float[][] hierarchicalOutput;

  Word2VecWeights(
      Word2VecVocabulary vocabulary, int dimension, float[][] input, float[][] negativeOutput, float[][] hierarchicalOutput) {
    this.vocabulary = vocabulary;
    this.dimension = dimension;
    this.input = input;
    this.negativeOutput = negativeOutput;
    this.hierarchicalOutput = hierarchicalOutput;
  }

  /**
   * word2vec.c's initialization: input vectors uniform in {@code [-0.5, 0.5) / dimension} from its
   * linear congruential generator (started at the seed), row after row, output vectors zero.
   */
  static Word2VecWeights initialize(Word2VecVocabulary vocabulary, Word2VecOptions options) {
    int dim = options.dimension();
    int words = vocabulary.size();
    float[][] input = new float[words][dim];
    long random = options.seed();
    for (float[] row : input) {
      for (int i = 0; i < dim; i++) {
        random = random * 25214903917L + 11;
        row[i] = ((random & 0xFFFF) / 65536f - 0.5f) / dim;
      }
    }
    return new Word2VecWeights(
        vocabulary,
        dim,
        input,
        options.negatives() > 0 ? new float[words][dim] : null,
        options.hierarchicalSoftmax() ? new float[words][dim] : null);
  }

  public Word2VecVocabulary vocabulary() {
    return vocabulary;
  }

  public int dimension() {
    return dimension;
  }

  /** The word vectors, row {@code i} for word {@code i}; the live rows, shared with training. */
  public float[][] input() {
    return input;
  }

  /** Negative sampling's output vectors, or null if not trained; the live rows. */
  public float[][] negativeOutput() {
    return negativeOutput;
  }

  /** Hierarchical softmax's inner-node vectors, or null if not trained; the live rows. */
  public float[][] hierarchicalOutput() {
    return hierarchicalOutput;
  }

  /** The vector of word {@code i}, a copy. */
  public float[] vector(int i) {
    return input[i].clone();
  }

  /** The word vectors as a query-able, savable set, a copy of the trained ones. */
  public WordVectors wordVectors() {
    return WordVectors.of(vocabulary.words(), flatten(input, dimension), dimension);
  }

  /** The rows one after another in one array. */
  static float[] flatten(float[][] rows, int dimension) {
    long size = (long) rows.length * dimension;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(rows.length + " rows × " + dimension + " dimensions exceed one Java array");
    }
    float[] flat = new float[(int) size];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * dimension, dimension);
    }
    return flat;
  }
}
