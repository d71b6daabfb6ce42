package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.decoding.LanguageModelStep;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterRows;

/**
 * A causal decoder's passes: the forward pass to the logits, the causal-LM loss, the training pass
 * (forward with dropout, loss, backward), over parameters it only reads, the activations in a
 * workspace {@code W} each caller brings; and cached incremental decoding over the same
 * parameters. What the CLI, the examples and the benchmarks run, and what a decoder facade hands
 * out ({@code dev.nlpm.runtime.model.DecoderFacade}).
 *
 * <p>Implemented by a model's generated {@code <Model>Passes} (its composition written out by the
 * compiler, every size a literal) and by the hand-written {@code Decoder} (runtime test sources), the generated passes'
 * oracle. The two compute the same numbers, bit for bit. Both decode through {@link
 * CachedDecoding}.
 *
 * @param <W> the workspace type the passes fill
 */
public interface DecoderPasses<W extends DecoderActivations> {

  /** The sizes and choices the passes run with. */
  DecoderConfig config();

  /** The parameters the passes read. */
  ParameterRows parameters();

  /** The products' kernels. */
  ProductKernels kernels();

  /** A workspace for {@code maxBatch} sequences of up to {@code maxLength} tokens. */
  W workspace(int maxBatch, int maxLength);

  /** Logits for every position of {@code batch} sequences of {@code length} tokens, no loss, no dropout. */
  void forward(int[] ids, int batch, int length, W workspace);

  /**
   * The causal-LM loss of {@code batch} packed sequences (position {@code t} predicts token {@code
   * t + 1}; {@code labels}, when given, replace the ids as targets and may hold {@code -100}), with
   * dropout drawn from {@code dropoutSeed} and its gradients added into {@code gradients}; returns
   * the mean loss.
   */
  float train(int[] ids, int[] labels, int batch, int length, W workspace, ParameterRows gradients, long dropoutSeed);

  /** As {@link #train(int[], int[], int, int, DecoderActivations, ParameterRows, long)} with dropout seed 0. */
  default float train(int[] ids, int[] labels, int batch, int length, W workspace, ParameterRows gradients) {
    return train(ids, labels, batch, length, workspace, gradients, 0);
  }

  /** The mean causal-LM loss without dropout or gradients. */
  float loss(int[] ids, int batch, int length, W workspace);

  /** Cached incremental decoding over these parameters. */
  CachedDecoding decoding();

  /** An empty cache with room for {@code capacity} positions. */
  default KeyValueCache cache(int capacity) {
    return decoding().cache(capacity);
  }

  /** This decoder as the decoding algorithms' step, each sequence with a cache of {@code capacity} positions. */
  default LanguageModelStep step(int capacity) {
    return decoding().step(capacity);
  }

  /** Feeds one token to each of {@code caches}; see {@link CachedDecoding#advance}. */
  default void advance(KeyValueCache[] caches, int[] tokens) {
    decoding().advance(caches, tokens);
  }

  /** Feeds {@code tokens} to one cache in a single pass; see {@link CachedDecoding#extend}. */
  default FedTokens extend(KeyValueCache cache, int[] tokens) {
    return decoding().extend(cache, tokens);
  }
}
