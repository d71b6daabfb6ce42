package dev.nlpm.runtime.word2vec;

/**
 * How word2vec trains. The defaults are gensim's (which are word2vec.c's but for CBOW's learning
 * rate): skip-gram with 5 negatives, dimension 100, window 5, subsampling 1e-3, learning rate
 * 0.025 decaying linearly to 0.0001 over 5 epochs.
 *
 * @param skipGram skip-gram (predict each context word from the centre) or CBOW (the centre from
 *     the mean of its context)
 * @param negatives negative samples per prediction; 0 for none
 * @param hierarchicalSoftmax whether to train the Huffman-tree output layer
 * @param negativePower the exponent of the unigram distribution negatives are drawn from
 * @param sample the subsampling threshold; 0 keeps every word
 * @param cbowMean whether CBOW's hidden vector is the mean of the context vectors (word2vec.c's
 *     {@code -cbow 1 -cbow_mean 1}, the default) or their sum
 */
public record Word2VecOptions(
    boolean skipGram,
    int dimension,
    int window,
    int negatives,
    boolean hierarchicalSoftmax,
    double negativePower,
    double sample,
    float alpha,
    float minAlpha,
    int epochs,
    int threads,
    long seed,
    boolean cbowMean) {

  public Word2VecOptions {
    require(dimension > 0, "dimension must be positive, got " + dimension);
    require(window > 0, "window must be positive, got " + window);
    require(negatives >= 0, "negatives must be 0 or more, got " + negatives);
    require(negatives > 0 || hierarchicalSoftmax, "choose negative sampling, hierarchical softmax or both");
    require(alpha > 0 && minAlpha >= 0 && minAlpha <= alpha, "need 0 <= minAlpha <= alpha, alpha > 0");
    require(epochs > 0, "epochs must be positive, got " + epochs);
    require(threads > 0, "threads must be positive, got " + threads);
  }

  /** gensim's defaults: skip-gram, negative sampling. */
  public static Word2VecOptions defaults() {
    return new Word2VecOptions(true, 100, 5, 5, false, 0.75, 1e-3, 0.025f, 0.0001f, 5, 1, 1, true);
  }

  public Word2VecOptions withCbow() {
    return new Word2VecOptions(false, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  public Word2VecOptions withHierarchicalSoftmax(int negatives) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, true, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  /** Negative sampling with {@code negatives} samples a prediction (0: none), hierarchical softmax, or both. */
  public Word2VecOptions withOutputLayer(int negatives, boolean hierarchicalSoftmax) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  public Word2VecOptions withDimension(int dimension) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  public Word2VecOptions withWindow(int window) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  public Word2VecOptions withEpochs(int epochs) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  public Word2VecOptions withSample(double sample) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  public Word2VecOptions withAlpha(float alpha, float minAlpha) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  public Word2VecOptions withThreads(int threads) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  public Word2VecOptions withSeed(long seed) {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  /** CBOW's hidden vector the sum of the context vectors rather than their mean. */
  public Word2VecOptions withCbowSum() {
    return new Word2VecOptions(skipGram, dimension, window, negatives, hierarchicalSoftmax, negativePower, sample, alpha, minAlpha, epochs, threads, seed, false);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
