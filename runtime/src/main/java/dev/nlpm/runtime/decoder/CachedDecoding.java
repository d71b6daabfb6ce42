package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.decoding.LanguageModelStep;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.kernels.TransposedLogits;
import dev.nlpm.runtime.ops.Activation;
import dev.nlpm.runtime.ops.Attention;
import dev.nlpm.runtime.ops.Embedding;
import dev.nlpm.runtime.ops.LayerNorm;
import dev.nlpm.runtime.ops.Linear;
import dev.nlpm.runtime.ops.Residual;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Objects;
import java.util.function.Function;

/**
 * Cached incremental decoding of a GPT-2-named decoder (token embeddings plus positions — learned,
 * sinusoidal or none —, blocks with causal attention through the fused {@code c_attn}, their
 * LayerNorms pre or post, a shared half read from layer 0, the final LayerNorm after pre-LayerNorm
 * blocks, the output tied or untied, factorized embeddings mapped to the hidden width and, before a
 * tied output, back), as its {@link DecoderShape} says: tokens fed against a {@link KeyValueCache},
 * each attending to the cached keys and values through {@code Attention.cachedStep}, and the output
 * logits, through the output's weight held transposed, that the training pass shares.
 *
 * <p>One class for both compositions of a decoder's passes, the hand-written {@code Decoder} of the runtime's tests and a
 * model's generated {@code <Model>Passes}: whichever computed the training pass, decoding runs here
 * ({@link DecoderPasses#decoding}), so the cache's bookkeeping, its batching over sequences of
 * different lengths and the prompt's one-pass extension exist once. Its rows are the training
 * forward's rows, op for op; they may differ in the last bits only where a kernel sums a row in
 * another order.
 */
public final class CachedDecoding {

  private final DecoderConfig config;
  private final DecoderShape shape;
  private final ProductKernels kernels;
  private final Parallel parallel;
  private final DecoderTensors w;
  /** The output's weight transposed for the logits, remade when the parameters change. */
  private final TransposedLogits transposedLogits;

  /** Decoding with {@code config}'s GPT-2-shaped model over {@code parameters} (a GPT-2 layout, see {@link DecoderParameters#rows}). */
  public CachedDecoding(DecoderConfig config, ProductKernels kernels, ParameterRows parameters, Parallel parallel) {
    this(config, DecoderShape.gpt2(config.hidden()), kernels, parameters, parallel);
  }

  /** Decoding with {@code config}'s model of {@code shape} over {@code parameters} (its generated Layout's). */
  public CachedDecoding(DecoderConfig config, DecoderShape shape, ProductKernels kernels, ParameterRows parameters, Parallel parallel) {
    this.config = Objects.requireNonNull(config, "config");
    this.shape = Objects.requireNonNull(shape, "shape");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.parallel = Objects.requireNonNull(parallel, "parallel");
    this.w = new DecoderTensors(Objects.requireNonNull(parameters, "parameters"), config, shape);
    this.transposedLogits = new TransposedLogits(parameters, w.output);
  }

  public DecoderConfig config() {
    return config;
  }

  public DecoderShape shape() {
    return shape;
  }

  public ProductKernels kernels() {
    return kernels;
  }

  public Parallel parallel() {
    return parallel;
  }

  /** The output's weight: the token embeddings [vocab, embedding] when tied, {@code lm_head.weight} [vocab, hidden] when not. */
  float[][] outputWeights() {
    return w.output;
  }

  /** Whether the output multiplies the hidden state itself, not its map back to factorized embeddings. */
  boolean outputReadsHidden() {
    return w.mappingOut == null;
  }

  /**
   * {@code logits = x · Wᵀ} for rows {@code [0, n)}: the output (W = wte tied, {@code
   * lm_head.weight} untied; x is the hidden state, or tied to factorized embeddings its map back to
   * their width), through W held transposed (remade when the parameters change); each
   * logit's sum in {@code dotRows}' order, so a row's bits do not depend on the other rows.
   */
  public void outputLogits(float[][] x, int n, float[][] logits) {
    float[][] transposed = transposedLogits.rows(parallel);
    parallel.forRange(config.vocab(), 64, (from, to) -> TransposedLogits.logits(x, n, transposed, logits, from, to));
  }

  /** An empty cache with room for {@code capacity} positions. */
  public KeyValueCache cache(int capacity) {
    return new KeyValueCache(this, capacity);
  }

  /** This decoder as the decoding algorithms' step, each sequence with a cache of {@code capacity} positions. */
  public LanguageModelStep step(int capacity) {
    CachedDecoding decoding = this;
    return new LanguageModelStep() {
      @Override
      public int vocabularySize() {
        return config.vocab();
      }

      @Override
      public KeyValueCache start(int[] prompt) {
        if (prompt.length == 0) {
          throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (prompt.length > capacity) {
          throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens does not fit the cache's " + capacity + " positions");
        }
        KeyValueCache cache = decoding.cache(capacity);
        for (int token : prompt) {
          cache.advance(token);
        }
        return cache;
      }
    };
  }

  /**
   * Feeds one token to each of {@code caches} (sequences of any lengths): the projections run over
   * all of them as one batch of rows, attention over each one's own past; afterwards each cache's
   * {@code logits()} are the next token's.
   *
   * @throws IllegalStateException if a cache is full, before anything changes
   */
  public void advance(KeyValueCache[] caches, int[] tokens) {
    int s = caches.length;
    if (tokens.length != s) {
      throw new IllegalArgumentException(tokens.length + " tokens for " + s + " sequences");
    }
    for (int i = 0; i < s; i++) {
      if (caches[i].decoding != this) {
        throw new IllegalArgumentException("the cache of sequence " + i + " belongs to another decoder");
      }
      if (caches[i].length >= caches[i].capacity) {
        throw new IllegalStateException("sequence " + i + " already holds " + caches[i].length
            + " tokens, the capacity its cache was created with; create a larger cache (at most " + config.maxPositions() + ")");
      }
      if (tokens[i] < 0 || tokens[i] >= config.vocab()) {
        throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary 0.." + (config.vocab() - 1));
      }
    }
    int h = config.hidden();
    int d = config.headSize();
    float[][] x = rows(caches, c -> c.x);
    float[][] normed = rows(caches, c -> c.normed);
    float[][] qkv = rows(caches, c -> c.qkv);
    float[][] context = rows(caches, c -> c.context);
    float[][] projected = rows(caches, c -> c.projected);
    float[][] inner = rows(caches, c -> c.inner);
    float[][] activated = rows(caches, c -> c.activated);
    float[][] logits = rows(caches, c -> c.logits);
    float[] mean = new float[s];
    float[] rstd = new float[s];
    int[] positions = new int[s];
    for (int i = 0; i < s; i++) {
      positions[i] = caches[i].length;
    }
    int e = shape.embeddingSize();
    float[][] embedded = embeddingRows(x, s);
    Embedding.forward(w.wte, tokens, embedded, e, false, 0, s);
    if (w.positions != null) {
      Embedding.forward(w.positions, positions, embedded, e, true, 0, s);
    }
    mapToHidden(embedded, x, 0, s);
    Rows rows = new Rows(x, normed, qkv, context, projected, inner, activated, mean, rstd);
    for (int l = 0; l < config.layers(); l++) {
      attentionInput(w.blocks[l], rows, 0, s);
      for (int i = 0; i < s; i++) {
        KeyValueCache cache = caches[i];
        Attention.cacheKeyValue(qkv[i], h, qkv[i], 2 * h, cache.keys[l], cache.values[l], positions[i], config.heads(), d);
        Attention.cachedStep(kernels, qkv[i], 0, cache.keys[l], cache.values[l], positions[i], config.heads(), d,
            cache.query, cache.scores, cache.headContext, context[i]);
      }
      afterAttention(w.blocks[l], rows, 0, s);
    }
    outputLogits(outputInput(hidden(rows, s), s), s, logits);
    for (KeyValueCache cache : caches) {
      cache.length++;
    }
  }

  /**
   * Feeds {@code tokens} to one cache in a single pass: every projection runs over the new tokens
   * as one batch of rows, each attends causally to the cached past and to the new tokens before it.
   * Each row's arithmetic is {@link #advance}'s for that position, call for call, so feeding tokens
   * here or one at a time gives the same bits (the kernels promise a row's result whatever range it
   * is computed in). Afterwards the cache's {@code logits()} are those after the last token.
   *
   * @return the final LayerNorm's output and the logits at every fed position
   * @throws IllegalStateException if the tokens do not fit the cache, before anything changes
   */
  public FedTokens extend(KeyValueCache cache, int[] tokens) {
    int m = tokens.length;
    if (m == 0) {
      throw new IllegalArgumentException("no tokens to feed");
    }
    if (cache.decoding != this) {
      throw new IllegalArgumentException("the cache belongs to another decoder");
    }
    if (cache.length + m > cache.capacity) {
      throw new IllegalStateException("the cache holds " + cache.length + " of its " + cache.capacity + " positions; " + m
          + " more tokens do not fit; create a larger cache (at most " + config.maxPositions() + ")");
    }
    for (int j = 0; j < m; j++) {
      if (tokens[j] < 0 || tokens[j] >= config.vocab()) {
        throw new IllegalArgumentException("token id " + tokens[j] + " at " + j + " is outside the vocabulary 0.." + (config.vocab() - 1));
      }
    }
    int h = config.hidden();
    int f = config.intermediate();
    int d = config.headSize();
    int start = cache.length;
    float[][] x = new float[m][h];
    float[][] normed = new float[m][h];
    float[][] qkv = new float[m][3 * h];
    float[][] context = new float[m][h];
    float[][] projected = new float[m][h];
    float[][] inner = new float[m][f];
    float[][] activated = new float[m][f];
    float[][] logits = new float[m][config.vocab()];
    float[] mean = new float[m];
    float[] rstd = new float[m];
    int e = shape.embeddingSize();
    float[][] embedded = embeddingRows(x, m);
    Embedding.forward(w.wte, tokens, embedded, e, false, 0, m);
    if (w.positions != null) {
      Embedding.forwardPositions(w.positions, m, start, embedded, e, true, 0, m);
    }
    mapToHidden(embedded, x, 0, m);
    Rows rows = new Rows(x, normed, qkv, context, projected, inner, activated, mean, rstd);
    float[][] query = new float[1][d];
    float[][] scores = {new float[cache.capacity]};
    float[][] headContext = {new float[d]};
    for (int l = 0; l < config.layers(); l++) {
      DecoderTensors.Block p = w.blocks[l];
      parallel.forRange(m, 4, (from, to) -> attentionInput(p, rows, from, to));
      // every new key and value first, so that each new token sees those before it
      for (int j = 0; j < m; j++) {
        Attention.cacheKeyValue(qkv[j], h, qkv[j], 2 * h, cache.keys[l], cache.values[l], start + j, config.heads(), d);
      }
      for (int j = 0; j < m; j++) {
        Attention.cachedStep(kernels, qkv[j], 0, cache.keys[l], cache.values[l], start + j, config.heads(), d, query, scores, headContext, context[j]);
      }
      parallel.forRange(m, 4, (from, to) -> afterAttention(p, rows, from, to));
    }
    float[][] hidden = hidden(rows, m);
    outputLogits(outputInput(hidden, m), m, logits);
    cache.fed(start, hidden, logits);
    return new FedTokens(start, hidden, logits);
  }

  /** Where the embeddings of {@code n} rows are summed: the stream {@code x} itself, or rows of their own when factorized. */
  private float[][] embeddingRows(float[][] x, int n) {
    return w.mapping == null ? x : new float[n][shape.embeddingSize()];
  }

  /** Factorized embeddings mapped to the hidden width into {@code x} ({@code embedding_hidden_mapping_in}); nothing otherwise. */
  private void mapToHidden(float[][] embedded, float[][] x, int from, int to) {
    if (w.mapping != null) {
      Linear.forward(kernels, embedded, w.mapping, shape.embeddingSize(), w.mappingBias, x, false, from, to);
    }
  }

  /**
   * What the output multiplies for the first {@code n} rows of {@code hidden}: the hidden states, or
   * (tied to factorized embeddings) their map back to the embeddings' width ({@code
   * embedding_hidden_mapping_out}).
   */
  private float[][] outputInput(float[][] hidden, int n) {
    if (w.mappingOut == null) {
      return hidden;
    }
    float[][] projected = new float[n][shape.embeddingSize()];
    Linear.forward(kernels, hidden, w.mappingOut, config.hidden(), w.mappingOutBias, projected, false, 0, n);
    return projected;
  }

  /** The rows one block step works in, for the tokens being fed (one row each). */
  private record Rows(float[][] x, float[][] normed, float[][] qkv, float[][] context, float[][] projected, float[][] inner,
      float[][] activated, float[] mean, float[] rstd) {}

  /**
   * Rows {@code [from, to)} up to attention: the query, key and value of the stream (pre-LayerNorm:
   * of its LayerNorm {@code ln_1}) through {@code c_attn}.
   */
  private void attentionInput(DecoderTensors.Block p, Rows r, int from, int to) {
    float[][] in = r.x;
    if (shape.preNorm()) {
      LayerNorm.forward(r.x, p.ln1Gain, p.ln1Bias, r.normed, r.mean, r.rstd, config.eps(), from, to);
      in = r.normed;
    }
    Linear.forward(kernels, in, p.attn, config.hidden(), p.attnBias, r.qkv, false, from, to);
  }

  /**
   * Rows {@code [from, to)} from attention's context to the block's output in {@code x}: the
   * projection and its residual, the feed-forward block and its residual, each sublayer's LayerNorm
   * on its input (pre) or on its residual sum (post, in place).
   */
  private void afterAttention(DecoderTensors.Block p, Rows r, int from, int to) {
    int h = config.hidden();
    int f = config.intermediate();
    boolean pre = shape.preNorm();
    Linear.forward(kernels, r.context, p.proj, h, p.projBias, r.projected, false, from, to);
    Residual.forward(r.projected, null, r.x, r.x, h, from, to);
    float[][] in = r.x;
    if (pre) {
      LayerNorm.forward(r.x, p.ln2Gain, p.ln2Bias, r.normed, r.mean, r.rstd, config.eps(), from, to);
      in = r.normed;
    } else {
      LayerNorm.forward(r.x, p.ln1Gain, p.ln1Bias, r.x, r.mean, r.rstd, config.eps(), from, to);
    }
    Linear.forward(kernels, in, p.fc, h, p.fcBias, r.inner, false, from, to);
    Activation.forward(config.activation(), r.inner, r.activated, f, from, to);
    Linear.forward(kernels, r.activated, p.mlpProj, f, p.mlpProjBias, r.projected, false, from, to);
    Residual.forward(r.projected, null, r.x, r.x, h, from, to);
    if (!pre) {
      LayerNorm.forward(r.x, p.ln2Gain, p.ln2Bias, r.x, r.mean, r.rstd, config.eps(), from, to);
    }
  }

  /** The hidden states of the first {@code n} rows: the final LayerNorm's output after pre-LayerNorm blocks, the last block's output after post. */
  private float[][] hidden(Rows r, int n) {
    if (!shape.preNorm()) {
      return r.x;
    }
    LayerNorm.forward(r.x, w.lnfGain, w.lnfBias, r.normed, r.mean, r.rstd, config.eps(), 0, n);
    return r.normed;
  }

  private static float[][] rows(KeyValueCache[] caches, Function<KeyValueCache, float[]> row) {
    float[][] rows = new float[caches.length][];
    for (int i = 0; i < caches.length; i++) {
      rows[i] = row.apply(caches[i]);
    }
    return rows;
  }
}
