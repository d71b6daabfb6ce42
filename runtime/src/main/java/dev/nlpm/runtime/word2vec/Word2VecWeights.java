package dev.nlpm.runtime.word2vec;

/**
 * word2vec's weights, each matrix one flat {@code float[]} of {@code vocabulary × dimension}, row
 * {@code i} for word {@code i}: the input vectors (the word vectors, word2vec.c's {@code syn0}),
 * and the output vectors of negative sampling ({@code syn1neg}) and of hierarchical softmax
 * ({@code syn1}, one row per inner node of the Huffman tree), each present only if trained.
 */
public final class Word2VecWeights {

  private final Word2VecVocabulary vocabulary;
  private final int dimension;
  private final float[] input;
  private final float[] negativeOutput;
  private final float[] hierarchicalOutput;

  private Word2VecWeights(
      Word2VecVocabulary vocabulary, int dimension, float[] input, float[] negativeOutput, float[] hierarchicalOutput) {
    this.vocabulary = vocabulary;
    this.dimension = dimension;
    this.input = input;
    this.negativeOutput = negativeOutput;
    this.hierarchicalOutput = hierarchicalOutput;
  }

  /**
   * word2vec.c's initialization: input vectors uniform in {@code [-0.5, 0.5) / dimension} from its
   * linear congruential generator (started at the seed), output vectors zero.
   */
  static Word2VecWeights initialize(Word2VecVocabulary vocabulary, Word2VecOptions options) {
    int dim = options.dimension();
    long size = (long) vocabulary.size() * dim;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          vocabulary.size() + " words × " + dim + " dimensions exceed one Java array");
    }
    float[] input = new float[(int) size];
    long random = options.seed();
    for (int i = 0; i < input.length; i++) {
      random = random * 25214903917L + 11;
      input[i] = ((random & 0xFFFF) / 65536f - 0.5f) / dim;
    }
    return new Word2VecWeights(
        vocabulary,
        dim,
        input,
        options.negatives() > 0 ? new float[(int) size] : null,
        options.hierarchicalSoftmax() ? new float[(int) size] : null);
  }

  public Word2VecVocabulary vocabulary() {
    return vocabulary;
  }

  public int dimension() {
    return dimension;
  }

  /** The word vectors, row {@code i} for word {@code i}; the live array, shared with training. */
  public float[] input() {
    return input;
  }

  /** Negative sampling's output vectors, or null if not trained. */
  public float[] negativeOutput() {
    return negativeOutput;
  }

  /** Hierarchical softmax's inner-node vectors, or null if not trained. */
  public float[] hierarchicalOutput() {
    return hierarchicalOutput;
  }

  /** The vector of word {@code i}, a copy. */
  public float[] vector(int i) {
    float[] v = new float[dimension];
    System.arraycopy(input, i * dimension, v, 0, dimension);
    return v;
  }

  /** The word vectors as a query-able, savable set, a copy of the trained ones. */
  public WordVectors wordVectors() {
    return WordVectors.of(vocabulary.words(), input, dimension);
  }
}
