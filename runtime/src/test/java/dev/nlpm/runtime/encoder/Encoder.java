package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.ops.Activation;
import dev.nlpm.runtime.ops.Attention;
import dev.nlpm.runtime.ops.AttentionMask;
import dev.nlpm.runtime.ops.CrossEntropy;
import dev.nlpm.runtime.ops.Dropout;
import dev.nlpm.runtime.ops.Embedding;
import dev.nlpm.runtime.ops.LayerNorm;
import dev.nlpm.runtime.ops.Linear;
import dev.nlpm.runtime.ops.Residual;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The generated passes' oracle, in the tests only (a model runs on its generated {@code
 * <Model>Passes}, which must compute these bits): an encoder in float, written by hand:
 * embeddings, blocks of multi-head self-attention and a feed-forward block, the pooler, and the
 * heads (MLM with its decoder tied to the word embeddings, NSP or SOP, sequence and token
 * classification as each naming scheme's reference computes them, {@link ClassificationHead}) — a composition of the {@code dev.nlpm.runtime.ops} ops
 * (attention under the padding mask), its forward and backward side by side, the products through
 * {@link ProductKernels}, the work split over {@link Parallel}'s threads. Its {@link EncoderShape}
 * picks the branches: post- ({@link #postNormBlockForward}) or pre-LayerNorm ({@link
 * #preNormBlockForward}) blocks, learned (RoBERTa's offset past the padding row), sinusoidal
 * or no positions, token types or none, a pooler or none (the pooled output is then the {@code [CLS]}
 * hidden state), factorized embeddings mapped to the hidden width (ALBERT), layers sharing one
 * stored block's tensors (their gradients then sum over the uses), and the tensors' names. BERT's
 * shape computes exactly what HuggingFace's {@code BertForPreTraining} does (the padding mask adds
 * −10000 to a padded key's score) and is checked against the double-precision {@code
 * BertReference}; the other shapes against PyTorch fixtures.
 *
 * <p>Parameters are read-only here; gradients are added into an {@link ParameterRows} of the
 * same layout. All activations live in an {@link EncoderWorkspace}, so a step allocates no arrays
 * and one encoder serves concurrent callers that each bring their own workspace.
 */
public final class Encoder implements EncoderPasses<EncoderWorkspace> {

  /** Added to a padded key's attention score, as BERT does. */
  public static final float MASKED = AttentionMask.Padding.MASKED;

  /** The tensors of one block (of parameters or of gradients). */
  private static final class BlockTensors {
    final float[][] query, key, value, attentionOutput, intermediate, output;
    final float[] queryBias, keyBias, valueBias, attentionOutputBias, attentionNormGain, attentionNormBias;
    final float[] intermediateBias, outputBias, outputNormGain, outputNormBias;

    /**
     * The tensors of a layer whose attention half is stored under {@code attention}'s names and
     * feed-forward half under {@code ffn}'s (the same layer's, or layer 0's for a shared half). The
     * attention half holds the first LayerNorm (after attention, or before it when pre-LN), the
     * feed-forward half the second.
     */
    BlockTensors(ParameterRows p, EncoderNames.Layer attention, EncoderNames.Layer ffn) {
      query = p.matrix(attention.query() + ".weight");
      queryBias = p.vector(attention.query() + ".bias");
      key = p.matrix(attention.key() + ".weight");
      keyBias = p.vector(attention.key() + ".bias");
      value = p.matrix(attention.value() + ".weight");
      valueBias = p.vector(attention.value() + ".bias");
      attentionOutput = p.matrix(attention.attentionOutput() + ".weight");
      attentionOutputBias = p.vector(attention.attentionOutput() + ".bias");
      attentionNormGain = p.vector(attention.attentionNorm() + ".weight");
      attentionNormBias = p.vector(attention.attentionNorm() + ".bias");
      intermediate = p.matrix(ffn.intermediate() + ".weight");
      intermediateBias = p.vector(ffn.intermediate() + ".bias");
      output = p.matrix(ffn.output() + ".weight");
      outputBias = p.vector(ffn.output() + ".bias");
      outputNormGain = p.vector(ffn.outputNorm() + ".weight");
      outputNormBias = p.vector(ffn.outputNorm() + ".bias");
    }
  }

  /**
   * Every tensor the encoder reads (of parameters or of gradients), looked up once under the
   * shape's names; null for what the shape has none of (positions unless learned, token types,
   * the embedding mapping, the pooler, a head). Layers sharing a stored block get its arrays.
   */
  private static final class Tensors {
    final float[][] word, position, type, mapping, pooler, transform, nsp;
    final float[] embeddingNormGain, embeddingNormBias, mappingBias, poolerBias, transformBias, transformNormGain, transformNormBias;
    final float[] decoderBias, nspBias;
    /** Each fine-tuning head's linear layers, by stage (null at a stage without weights); null without the head. */
    final float[][][] sequence, token;
    final float[][] sequenceBias, tokenBias;
    final BlockTensors[] blocks;

    Tensors(ParameterRows p, EncoderConfig c) {
      EncoderShape shape = c.shape();
      EncoderNames names = shape.names();
      word = p.matrix(names.wordEmbeddings());
      position = shape.positions() == EncoderShape.Positions.LEARNED ? p.matrix(names.positionEmbeddings()) : null;
      type = c.segments() > 0 ? p.matrix(names.typeEmbeddings()) : null;
      embeddingNormGain = p.vector(names.embeddingNorm() + ".weight");
      embeddingNormBias = p.vector(names.embeddingNorm() + ".bias");
      boolean mapped = shape.mapsEmbeddings(c.hidden());
      mapping = mapped ? p.matrix(names.embeddingMapping() + ".weight") : null;
      mappingBias = mapped ? p.vector(names.embeddingMapping() + ".bias") : null;
      blocks = new BlockTensors[c.layers()];
      for (int l = 0; l < blocks.length; l++) {
        blocks[l] = new BlockTensors(p, names.layer(shape.sharing().attention() ? 0 : l), names.layer(shape.sharing().ffn() ? 0 : l));
      }
      pooler = shape.pooler() ? p.matrix(names.pooler() + ".weight") : null;
      poolerBias = shape.pooler() ? p.vector(names.pooler() + ".bias") : null;
      transform = c.mlm() ? p.matrix(names.mlmTransform() + ".weight") : null;
      transformBias = c.mlm() ? p.vector(names.mlmTransform() + ".bias") : null;
      transformNormGain = c.mlm() ? p.vector(names.mlmNorm() + ".weight") : null;
      transformNormBias = c.mlm() ? p.vector(names.mlmNorm() + ".bias") : null;
      decoderBias = c.mlm() ? p.vector(names.mlmBias()) : null;
      String pair = names.pairClassifier(shape.sentenceOrder());
      nsp = c.nsp() ? p.matrix(pair + ".weight") : null;
      nspBias = c.nsp() ? p.vector(pair + ".bias") : null;
      ClassificationHead sequenceHead = ClassificationHead.sequence(c);
      ClassificationHead tokenHead = ClassificationHead.token(c);
      sequence = sequenceHead != null ? sequenceHead.weights(p) : null;
      sequenceBias = sequenceHead != null ? sequenceHead.biases(p) : null;
      token = tokenHead != null ? tokenHead.weights(p) : null;
      tokenBias = tokenHead != null ? tokenHead.biases(p) : null;
    }
  }

  private final EncoderConfig config;
  /** The fine-tuning heads as the shape's names compute them ({@link ClassificationHead}); null where none is declared. */
  private final ClassificationHead sequenceHead, tokenHead;
  private final ProductKernels kernels;
  private final ParameterRows parameters;
  private final Tensors w;
  private final Parallel parallel;
  /** The fixed sinusoidal position table {@code [maxPositions][E]} (null with learned positions or none). */
  private final float[][] sinusoids;
  /** The tensors of the gradient buffer last trained into, looked up once rather than every step. */
  private volatile GradientTensors gradientTensors;

  private record GradientTensors(ParameterRows buffer, Tensors tensors) {}

  public Encoder(EncoderConfig config, ProductKernels kernels, ParameterRows parameters, Parallel parallel) {
    this.config = Objects.requireNonNull(config, "config");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.parallel = Objects.requireNonNull(parallel, "parallel");
    this.w = new Tensors(parameters, config);
    this.sequenceHead = ClassificationHead.sequence(config);
    this.tokenHead = ClassificationHead.token(config);
    this.sinusoids = config.shape().positions() == EncoderShape.Positions.SINUSOIDAL
        ? Embedding.sinusoids(config.maxPositions(), config.embeddingSize()) : null;
  }

  public EncoderConfig config() {
    return config;
  }

  public ParameterRows parameters() {
    return parameters;
  }

  public ProductKernels kernels() {
    return kernels;
  }

  /** A workspace for this encoder's sizes. */
  public EncoderWorkspace workspace(int maxBatch, int maxLength, int maxPredictions) {
    return new EncoderWorkspace(config, maxBatch, maxLength, maxPredictions);
  }

  // ================================================================================================
  // Entry points
  // ================================================================================================

  /**
   * Inference (no dropout): hidden states, pooled outputs, and the heads' logits; MLM logits at
   * {@code predictionRows} (may be empty).
   */
  public void infer(EncoderBatch batch, EncoderWorkspace ws, int[] predictionRows) {
    forward(batch, ws, predictionRows, false, 0);
  }

  /** The losses on a labelled batch, without dropout or gradients (held-out evaluation). */
  public Losses evaluate(EncoderBatch batch, EncoderWorkspace ws) {
    forward(batch, ws, batch.mlmPositions(), false, 0);
    return losses(batch, ws, false);
  }

  /**
   * One training pass: forward with dropout drawn from {@code dropoutSeed}, the losses, and their
   * gradients added into {@code gradients}.
   */
  public Losses train(EncoderBatch batch, EncoderWorkspace ws, ParameterRows gradients, long dropoutSeed) {
    forward(batch, ws, batch.mlmPositions(), true, dropoutSeed);
    Losses losses = losses(batch, ws, true);
    backward(batch, ws, gradientTensors(gradients));
    return losses;
  }

  private Tensors gradientTensors(ParameterRows gradients) {
    GradientTensors cached = gradientTensors;
    if (cached == null || cached.buffer() != gradients) {
      cached = new GradientTensors(gradients, new Tensors(gradients, config));
      gradientTensors = cached;
    }
    return cached.tensors();
  }

  // ================================================================================================
  // Forward
  // ================================================================================================

  private void forward(EncoderBatch batch, EncoderWorkspace ws, int[] predictionRows, boolean training, long seed) {
    int b = batch.batch();
    int t = batch.length();
    int n = b * t;
    int h = config.hidden();
    if (b > ws.maxBatch || t > ws.maxLength) {
      throw new IllegalArgumentException("batch " + b + " × " + t + " exceeds the workspace's " + ws.maxBatch + " × " + ws.maxLength);
    }
    if (predictionRows.length > ws.maxPredictions) {
      throw new IllegalArgumentException(predictionRows.length + " MLM positions exceed the workspace's " + ws.maxPredictions);
    }
    ws.batch = b;
    ws.length = t;
    SplittableRandom random = new SplittableRandom(seed);
    float[][] x = embeddingsForward(batch, ws, training, random);
    // ---- blocks ----
    boolean preNorm = config.shape().placement() == EncoderShape.Placement.PRE;
    for (int l = 0; l < config.layers(); l++) {
      x = preNorm ? preNormBlockForward(l, x, batch, ws, training, random) : postNormBlockForward(l, x, batch, ws, training, random);
    }
    float[][] hidden = x;
    // ---- pooler: tanh(Wp · x[CLS]); without one, x[CLS] itself ----    [b, h]
    for (int s = 0; s < b; s++) {
      System.arraycopy(hidden[s * t], 0, ws.cls[s], 0, h);
    }
    if (w.pooler != null) {
      Linear.forward(kernels, ws.cls, w.pooler, h, w.poolerBias, ws.pooledPre, false, 0, b);
      for (int s = 0; s < b; s++) {
        for (int i = 0; i < h; i++) {
          ws.pooled[s][i] = (float) Math.tanh(ws.pooledPre[s][i]);
        }
      }
    } else {
      for (int s = 0; s < b; s++) {
        System.arraycopy(ws.cls[s], 0, ws.pooled[s], 0, h);
      }
    }
    // ---- NSP head ----    [b, 2]
    if (config.nsp()) {
      Linear.forward(kernels, ws.pooled, w.nsp, h, w.nspBias, ws.nspLogits, false, 0, b);
    }
    // ---- the fine-tuning heads, in the graph's order ----    [b, labels] and [n, labels]
    if (sequenceHead != null) {
      headForward(sequenceHead, w.sequence, w.sequenceBias, ws.sequence, hidden, ws, b, t, training, random);
    }
    if (tokenHead != null) {
      headForward(tokenHead, w.token, w.tokenBias, ws.token, hidden, ws, n, t, training, random);
    }
    // ---- MLM head at the predicted rows: dense (h → E), activation, LayerNorm, tied decoder ----    [m, vocab]
    int m = predictionRows.length;
    ws.predictions = m;
    if (m > 0) {
      if (!config.mlm()) {
        throw new IllegalStateException("this encoder has no MLM head");
      }
      System.arraycopy(predictionRows, 0, ws.predictionRows, 0, m);
      Embedding.forward(hidden, ws.predictionRows, ws.selected, h, false, 0, m);
      Linear.forward(kernels, ws.selected, w.transform, h, w.transformBias, ws.transform, false, 0, m);
      Activation.forward(config.activation(), ws.transform, ws.transformActivated, config.embeddingSize(), 0, m);
      LayerNorm.forward(ws.transformActivated, w.transformNormGain, w.transformNormBias, ws.transformOut, ws.transformMean, ws.transformRstd, config.eps(), 0, m);
      parallel.forRange(config.vocab(), 64,
          (from, to) -> Linear.forwardOutIn(kernels, ws.transformOut, m, w.word, w.decoderBias, ws.mlmLogits, from, to));
    }
  }

  /**
   * Embeddings: word + positions + token types, LayerNorm, dropout    [n, E]; then (factorized,
   * or ALBERT's names) the mapping to the hidden width    [n, h]. Returns the first block's input.
   */
  private float[][] embeddingsForward(EncoderBatch batch, EncoderWorkspace ws, boolean training, SplittableRandom random) {
    int t = batch.length();
    int n = batch.batch() * t;
    int e = config.embeddingSize();
    int[] ids = batch.ids();
    int[] segments = batch.segments();
    int types = Math.max(1, config.segments());
    for (int r = 0; r < n; r++) {
      if (ids[r] < 0 || ids[r] >= config.vocab()) {
        throw new IllegalArgumentException("token id " + ids[r] + " at row " + r + " is outside the vocabulary 0.." + (config.vocab() - 1));
      }
      if (segments[r] < 0 || segments[r] >= types) {
        throw new IllegalArgumentException("segment " + segments[r] + " at row " + r + " is outside 0.." + (types - 1)
            + (config.segments() == 0 ? " (the model has no token types)" : ""));
      }
    }
    if (ws.positionIds != null) {
      positionIds(batch, ws.positionIds);
    }
    float[][] positions = w.position != null ? w.position : sinusoids;
    parallel.forRange(n, 8, (from, to) -> {
      Embedding.forward(w.word, ids, ws.embedded, e, false, from, to);
      if (ws.positionIds != null) {
        Embedding.forward(positions, ws.positionIds, ws.embedded, e, true, from, to);
      } else if (positions != null) {
        Embedding.forwardPositions(positions, t, 0, ws.embedded, e, true, from, to);
      }
      if (w.type != null) {
        Embedding.forward(w.type, segments, ws.embedded, e, true, from, to);
      }
      LayerNorm.forward(ws.embedded, w.embeddingNormGain, w.embeddingNormBias, ws.embeddingNorm, ws.embeddingMean, ws.embeddingRstd, config.eps(), from, to);
    });
    float[][] x = dropout(ws.embeddingNorm, ws.embeddingKeep, ws.embeddingOut, e, n, training, random);
    if (w.mapping == null) {
      return x;
    }
    // x · W_map + b_map    [n, E] → [n, h]
    parallel.forRange(n, 4, (from, to) -> Linear.forward(kernels, x, w.mapping, e, w.mappingBias, ws.mapped, false, from, to));
    return ws.mapped;
  }

  /**
   * RoBERTa's position rows (HuggingFace's {@code create_position_ids_from_input_ids}): a real
   * token at index k of its sequence uses row {@code offset + k}, a padding token the padding row.
   */
  private void positionIds(EncoderBatch batch, int[] rows) {
    int t = batch.length();
    int[] lengths = batch.lengths();
    int offset = config.shape().names().positionOffset();
    int padding = config.shape().names().paddingPosition();
    for (int r = 0; r < batch.batch() * t; r++) {
      int k = r % t;
      rows[r] = k < lengths[r / t] ? offset + k : padding;
    }
  }

  /**
   * q, k, v from {@code input}; attention per (sequence, head) under the padding mask, its
   * probabilities dropped out; the context's output projection into {@code attentionDense}.
   */
  private void selfAttentionForward(EncoderWorkspace.Block k, BlockTensors p, float[][] input, EncoderBatch batch, boolean training,
      SplittableRandom random) {
    int b = batch.batch();
    int t = batch.length();
    int n = b * t;
    int h = config.hidden();
    int heads = config.heads();
    int d = config.headSize();
    // q, k, v = x · W + b    [n, h]
    parallel.forRange(n, 4, (from, to) -> {
      Linear.forward(kernels, input, p.query, h, p.queryBias, k.q, false, from, to);
      Linear.forward(kernels, input, p.key, h, p.keyBias, k.k, false, from, to);
      Linear.forward(kernels, input, p.value, h, p.valueBias, k.v, false, from, to);
    });
    // attention per (sequence, head): softmax(q·kᵀ/√d + padding mask) (dropped out) · v    [b·heads, t, d]
    float[][][] probabilitiesKeep = null;
    if (training && config.attentionDropout() > 0) {
      for (int sh = 0; sh < b * heads; sh++) {
        Dropout.draw(k.probabilitiesKeep[sh], t, config.attentionDropout(), random, 0, t);
      }
      probabilitiesKeep = k.probabilitiesKeep;
    }
    float[][][] keep = probabilitiesKeep;
    AttentionMask mask = AttentionMask.padding(batch.lengths());
    parallel.forRange(b * heads, 1, (from, to) -> Attention.forward(kernels, k.q, 0, k.k, 0, k.v, 0, t, heads, d, mask,
        k.qh, k.kh, k.vh, k.probabilities, keep, k.dropped, k.contextH, k.context, from, to));
    // context · Wo + bo    [n, h]
    parallel.forRange(n, 4, (from, to) -> Linear.forward(kernels, k.context, p.attentionOutput, h, p.attentionOutputBias, k.attentionDense, false, from, to));
  }

  /** The feed-forward branch over {@code input}: {@code act(input · W1 + b1) · W2 + b2} into {@code outputDense}    [n, f] then [n, h]. */
  private void feedForward(EncoderWorkspace.Block k, BlockTensors p, float[][] input, int n) {
    int h = config.hidden();
    FeedForwardActivation activation = config.activation();
    int f = config.intermediate();
    parallel.forRange(n, 4, (from, to) -> {
      Linear.forward(kernels, input, p.intermediate, h, p.intermediateBias, k.inner, false, from, to);
      Activation.forward(activation, k.inner, k.activated, f, from, to);
      Linear.forward(kernels, k.activated, p.output, f, p.outputBias, k.outputDense, false, from, to);
    });
  }

  /**
   * A pre-LayerNorm block: {@code a = x + dropout(attn(LN_attn(x)))}, {@code out = a +
   * dropout(ffn(LN_ffn(a)))}; {@code LN_attn(x)} in {@code normedInput}, {@code a} in {@code
   * attentionSum}, {@code LN_ffn(a)} in {@code attentionOut}.
   */
  private float[][] preNormBlockForward(int l, float[][] x, EncoderBatch batch, EncoderWorkspace ws, boolean training, SplittableRandom random) {
    EncoderWorkspace.Block k = ws.blocks[l];
    BlockTensors p = w.blocks[l];
    int n = batch.batch() * batch.length();
    int h = config.hidden();
    parallel.forRange(n, 8, (from, to) ->
        LayerNorm.forward(x, p.attentionNormGain, p.attentionNormBias, k.normedInput, k.attentionMean, k.attentionRstd, config.eps(), from, to));
    selfAttentionForward(k, p, k.normedInput, batch, training, random);
    float[][] attentionKeep = drawHiddenDropout(k.attentionDenseKeep, n, training, random);
    parallel.forRange(n, 8, (from, to) -> {
      Residual.forward(k.attentionDense, attentionKeep, x, k.attentionSum, h, from, to);
      LayerNorm.forward(k.attentionSum, p.outputNormGain, p.outputNormBias, k.attentionOut, k.outputMean, k.outputRstd, config.eps(), from, to);
    });
    feedForward(k, p, k.attentionOut, n);
    float[][] outputKeep = drawHiddenDropout(k.outputDenseKeep, n, training, random);
    parallel.forRange(n, 8, (from, to) -> Residual.forward(k.outputDense, outputKeep, k.attentionSum, k.out, h, from, to));
    return k.out;
  }

  /** A post-LayerNorm block (BERT's): {@code a = LN(x + dropout(attn(x)))}, {@code out = LN(a + dropout(ffn(a)))}. */
  private float[][] postNormBlockForward(int l, float[][] x, EncoderBatch batch, EncoderWorkspace ws, boolean training, SplittableRandom random) {
    EncoderWorkspace.Block k = ws.blocks[l];
    BlockTensors p = w.blocks[l];
    int n = batch.batch() * batch.length();
    int h = config.hidden();
    selfAttentionForward(k, p, x, batch, training, random);
    // attention output: LN(x + dropout(context · Wo + bo))    [n, h]
    float[][] attentionKeep = drawHiddenDropout(k.attentionDenseKeep, n, training, random);
    parallel.forRange(n, 8, (from, to) -> {
      Residual.forward(k.attentionDense, attentionKeep, x, k.attentionSum, h, from, to);
      LayerNorm.forward(k.attentionSum, p.attentionNormGain, p.attentionNormBias, k.attentionOut, k.attentionMean, k.attentionRstd, config.eps(), from, to);
    });
    // feed-forward: LN(a + dropout(act(a · W1 + b1) · W2 + b2))    [n, f] then [n, h]
    feedForward(k, p, k.attentionOut, n);
    float[][] outputKeep = drawHiddenDropout(k.outputDenseKeep, n, training, random);
    parallel.forRange(n, 8, (from, to) -> {
      Residual.forward(k.outputDense, outputKeep, k.attentionOut, k.outputSum, h, from, to);
      LayerNorm.forward(k.outputSum, p.outputNormGain, p.outputNormBias, k.out, k.outputMean, k.outputRstd, config.eps(), from, to);
    });
    return k.out;
  }

  /**
   * Hidden dropout of rows {@code [0, n)} of {@code width}: without training (or at rate 0) the
   * input itself; otherwise {@code out = in · keep}, the mask drawn into {@code keep} and saved for
   * backward.
   */
  private float[][] dropout(float[][] in, float[][] keep, float[][] out, int width, int n, boolean training, SplittableRandom random) {
    if (!training || config.hiddenDropout() == 0) {
      return in;
    }
    Dropout.forward(in, keep, out, width, config.hiddenDropout(), random, 0, n);
    return out;
  }

  /** The hidden dropout mask of rows {@code [0, n)} drawn into {@code keep}; null (no dropout) without training or at rate 0. */
  private float[][] drawHiddenDropout(float[][] keep, int n, boolean training, SplittableRandom random) {
    if (!training || config.hiddenDropout() == 0) {
      return null;
    }
    Dropout.draw(keep, config.hidden(), config.hiddenDropout(), random, 0, n);
    return keep;
  }


  // ================================================================================================
  // Fine-tuning heads
  // ================================================================================================

  /**
   * A head's forward over {@code rows} rows: its input (the pooled output, the first token's states
   * copied out, or every state), then each stage — dropout (drawn here, in order), a linear layer,
   * an activation — into the head's buffers; the last stage's output is the logits.
   */
  private void headForward(ClassificationHead head, float[][][] weights, float[][] biases, EncoderWorkspace.HeadBuffers buffers, float[][] hidden,
      EncoderWorkspace ws, int rows, int t, boolean training, SplittableRandom random) {
    float[][] x = headInput(head, buffers, hidden, ws, rows, t);
    for (int k = 0; k < head.stages().size(); k++) {
      ClassificationHead.Stage stage = head.stages().get(k);
      float[][] in = x;
      float[][] out = buffers.out[k];
      switch (stage.kind()) {
        case DROPOUT -> x = dropout(in, buffers.keep[k], out, stage.width(), rows, training, random);
        case LINEAR -> {
          float[][] weight = weights[k];
          float[] bias = biases[k];
          parallel.forRange(rows, 4, (from, to) -> Linear.forward(kernels, in, weight, stage.in(), bias, out, false, from, to));
          x = out;
        }
        case ACTIVATION -> {
          Activation.forward(stage.activation(), in, out, stage.width(), 0, rows);
          x = out;
        }
      }
      buffers.inputs[k] = in;
    }
  }

  private static float[][] headInput(ClassificationHead head, EncoderWorkspace.HeadBuffers buffers, float[][] hidden, EncoderWorkspace ws, int rows, int t) {
    return switch (head.input()) {
      case POOLED -> ws.pooled;
      case EVERY_TOKEN -> hidden;
      case FIRST_TOKEN -> {
        for (int s = 0; s < rows; s++) {
          System.arraycopy(hidden[s * t], 0, buffers.input[s], 0, hidden[s * t].length);
        }
        yield buffers.input;
      }
    };
  }

  /**
   * A head's backward from the logits' gradient, its stages last first; the gradient of its input
   * is added into {@code ws.dPooled} (the pooled output), {@code ws.dx} (every state) or, through
   * the head's own buffer, into the first rows of {@code ws.dx}.
   */
  private void headBackward(ClassificationHead head, float[][][] weights, float[][][] dWeights, float[][] dBiases, EncoderWorkspace.HeadBuffers buffers,
      EncoderWorkspace ws, int rows, int t) {
    boolean dropping = config.hiddenDropout() > 0;
    int last = head.stages().size() - 1;
    float[][] dy = buffers.dOut[last];
    for (int k = last; k >= 0; k--) {
      ClassificationHead.Stage stage = head.stages().get(k);
      float[][] in = buffers.inputs[k];
      float[][] dOut = dy;
      boolean first = k == 0;
      float[][] dIn = !first ? buffers.dOut[k - 1] : switch (head.input()) {
        case POOLED -> ws.dPooled;
        case EVERY_TOKEN -> ws.dx;
        case FIRST_TOKEN -> buffers.dInput;
      };
      boolean accumulate = first && head.input() != ClassificationHead.Input.FIRST_TOKEN;
      switch (stage.kind()) {
        case DROPOUT -> {
          float[][] keep = dropping ? buffers.keep[k] : null;
          parallel.forRange(rows, 4, (from, to) -> Dropout.backward(dOut, keep, dIn, stage.width(), accumulate, from, to));
        }
        case LINEAR -> {
          float[][] dWeight = dWeights[k];
          parallel.forRange(stage.in(), 8, (from, to) -> Linear.backwardWeights(kernels, in, dOut, rows, dWeight, from, to));
          Linear.backwardBias(dOut, rows, dBiases[k]);
          float[][] weight = weights[k];
          parallel.forRange(rows, 4, (from, to) -> Linear.backwardInput(kernels, dOut, weight, stage.in(), dIn, accumulate, from, to));
        }
        case ACTIVATION -> {
          if (accumulate) {
            throw new IllegalStateException("a head cannot start with an activation");
          }
          parallel.forRange(rows, 4, (from, to) -> Activation.backward(stage.activation(), in, dOut, dIn, stage.width(), from, to));
        }
      }
      dy = dIn;
    }
    if (head.input() == ClassificationHead.Input.FIRST_TOKEN) {
      for (int s = 0; s < rows; s++) {
        for (int i = 0; i < config.hidden(); i++) {
          ws.dx[s * t][i] += buffers.dInput[s][i];
        }
      }
    }
  }

  // ================================================================================================
  // Losses
  // ================================================================================================

  private Losses losses(EncoderBatch batch, EncoderWorkspace ws, boolean gradients) {
    int b = batch.batch();
    float mlm = 0;
    int correct = 0;
    int m = ws.predictions;
    if (m > 0) {
      int[] labels = new int[m];
      for (int i = 0; i < m; i++) {
        labels[i] = batch.mlmLabels()[ws.predictionRows[i]];
        if (CrossEntropy.argmax(ws.mlmLogits[i], config.vocab()) == labels[i]) {
          correct++;
        }
      }
      mlm = CrossEntropy.forwardBackward(ws.mlmLogits, labels, m, config.vocab(), gradients ? ws.dMlm : null);
    }
    float nsp = 0;
    if (config.nsp() && batch.nspLabels() != null) {
      nsp = CrossEntropy.forwardBackward(ws.nspLogits, batch.nspLabels(), b, 2, gradients ? ws.dNsp : null);
    }
    float sequence = 0;
    if (sequenceHead != null && batch.sequenceLabels() != null) {
      sequence = CrossEntropy.forwardBackward(ws.sequence.logits(), batch.sequenceLabels(), b, config.sequenceLabels(),
          gradients ? ws.sequence.dLogits() : null);
    }
    float token = 0;
    if (tokenHead != null && batch.tokenLabels() != null) {
      token = CrossEntropy.forwardBackward(ws.token.logits(), batch.tokenLabels(), batch.rows(), config.tokenLabels(),
          gradients ? ws.token.dLogits() : null);
    }
    return new Losses(mlm + nsp + sequence + token, mlm, nsp, sequence, token, correct, m);
  }

  // ================================================================================================
  // Backward
  // ================================================================================================

  private void backward(EncoderBatch batch, EncoderWorkspace ws, Tensors g) {
    int b = batch.batch();
    int t = batch.length();
    int n = b * t;
    int h = config.hidden();
    float[][] dx = ws.dx;
    for (int r = 0; r < n; r++) {
      Arrays.fill(dx[r], 0);
    }
    for (int s = 0; s < b; s++) {
      Arrays.fill(ws.dPooled[s], 0);
    }
    boolean pooledUsed = false;
    // ---- the heads, last first (the graph's order reversed): token, sequence, the pair head ----
    if (tokenHead != null && batch.tokenLabels() != null) {
      headBackward(tokenHead, w.token, g.token, g.tokenBias, ws.token, ws, n, t);
    }
    if (sequenceHead != null && batch.sequenceLabels() != null) {
      headBackward(sequenceHead, w.sequence, g.sequence, g.sequenceBias, ws.sequence, ws, b, t);
      pooledUsed = sequenceHead.input() == ClassificationHead.Input.POOLED;
    }
    if (config.nsp() && batch.nspLabels() != null) {
      Linear.backwardInput(kernels, ws.dNsp, w.nsp, h, ws.dPooled, true, 0, b);
      Linear.backwardWeights(kernels, ws.pooled, ws.dNsp, b, g.nsp, 0, h);
      Linear.backwardBias(ws.dNsp, b, g.nspBias);
      pooledUsed = true;
    }
    // ---- MLM head (the decoder's gradient lands on the tied word embeddings) ----
    int m = ws.predictions;
    if (m > 0) {
      parallel.forRange(config.vocab(), 64, (from, to) -> Linear.backwardWeightsOutIn(kernels, ws.dMlm, ws.transformOut, m, g.word, from, to));
      Linear.backwardBias(ws.dMlm, m, g.decoderBias);
      Linear.backwardInputOutIn(kernels, ws.dMlm, w.word, config.vocab(), ws.dTransformOut, 0, m);
      LayerNorm.backward(ws.dTransformOut, ws.transformActivated, w.transformNormGain, ws.transformMean, ws.transformRstd,
          ws.dTransformActivated, false, g.transformNormGain, g.transformNormBias, 0, m);
      Activation.backward(config.activation(), ws.transform, ws.dTransformActivated, ws.dTransform, config.embeddingSize(), 0, m);
      Linear.backwardWeights(kernels, ws.selected, ws.dTransform, m, g.transform, 0, h);
      Linear.backwardBias(ws.dTransform, m, g.transformBias);
      Linear.backwardInput(kernels, ws.dTransform, w.transform, h, ws.dSelected, false, 0, m);
      // the selected rows were gathered from the hidden states: their gradient scatters back
      Embedding.backward(ws.dSelected, ws.predictionRows, dx, h, 0, m);
    }
    // ---- pooler (without one, the pooled output is x[CLS]) ----
    if (pooledUsed && w.pooler == null) {
      for (int s = 0; s < b; s++) {
        for (int i = 0; i < h; i++) {
          dx[s * t][i] += ws.dPooled[s][i];
        }
      }
    } else if (pooledUsed) {
      for (int s = 0; s < b; s++) {
        for (int i = 0; i < h; i++) {
          float y = ws.pooled[s][i];
          ws.dPooledPre[s][i] = ws.dPooled[s][i] * (1 - y * y);
        }
      }
      Linear.backwardWeights(kernels, ws.cls, ws.dPooledPre, b, g.pooler, 0, h);
      Linear.backwardBias(ws.dPooledPre, b, g.poolerBias);
      Linear.backwardInput(kernels, ws.dPooledPre, w.pooler, h, ws.dCls, false, 0, b);
      for (int s = 0; s < b; s++) {
        for (int i = 0; i < h; i++) {
          dx[s * t][i] += ws.dCls[s][i];
        }
      }
    }
    // ---- blocks, last first ----
    boolean preNorm = config.shape().placement() == EncoderShape.Placement.PRE;
    for (int l = config.layers() - 1; l >= 0; l--) {
      float[][] input = l == 0 ? (w.mapping != null ? ws.mapped : embeddingOutput(ws)) : ws.blocks[l - 1].out;
      if (preNorm) {
        preNormBlockBackward(l, input, batch, ws, g);
      } else {
        postNormBlockBackward(l, input, batch, ws, g);
      }
    }
    embeddingsBackward(batch, ws, g);
  }

  /** On entry {@code ws.dx} holds d(first block's input); the embedding tables' gradients. */
  private void embeddingsBackward(EncoderBatch batch, EncoderWorkspace ws, Tensors g) {
    int t = batch.length();
    int n = batch.batch() * t;
    int e = config.embeddingSize();
    float[][] dEmbeddings = ws.dx;
    float[][] dEmbedded = ws.dSum;
    if (w.mapping != null) {
      // mapped = x · W_map + b_map: its weights, bias, and d(x) = dx · W_mapᵀ    [n, E]
      float[][] input = embeddingOutput(ws);
      parallel.forRange(e, 8, (from, to) -> Linear.backwardWeights(kernels, input, ws.dx, n, g.mapping, from, to));
      Linear.backwardBias(ws.dx, n, g.mappingBias);
      parallel.forRange(n, 4, (from, to) -> Linear.backwardInput(kernels, ws.dx, w.mapping, e, ws.dEmbedding, false, from, to));
      dEmbeddings = ws.dEmbedding;
      dEmbedded = ws.dEmbedded;
    }
    // dropout, then LayerNorm: d(embedded); then each table's rows
    if (config.hiddenDropout() > 0) {
      Dropout.backward(dEmbeddings, ws.embeddingKeep, dEmbeddings, e, false, 0, n);
    }
    LayerNorm.backward(dEmbeddings, ws.embedded, w.embeddingNormGain, ws.embeddingMean, ws.embeddingRstd, dEmbedded, false,
        g.embeddingNormGain, g.embeddingNormBias, 0, n);
    Embedding.backward(dEmbedded, batch.ids(), g.word, e, 0, n);
    if (g.position != null && ws.positionIds != null) {
      Embedding.backward(dEmbedded, ws.positionIds, g.position, e, 0, n);
    } else if (g.position != null) {
      Embedding.backwardPositions(dEmbedded, t, 0, g.position, e, 0, n);
    }
    if (g.type != null) {
      Embedding.backward(dEmbedded, batch.segments(), g.type, e, 0, n);
    }
  }

  private float[][] embeddingOutput(EncoderWorkspace ws) {
    return config.hiddenDropout() > 0 && ws.embeddingOut != null ? ws.embeddingOut : ws.embeddingNorm;
  }

  /**
   * A pre-LayerNorm block's backward (see {@link #preNormBlockForward}). On entry {@code ws.dx}
   * holds d(out); on exit d(x).
   */
  private void preNormBlockBackward(int l, float[][] x, EncoderBatch batch, EncoderWorkspace ws, Tensors gradients) {
    EncoderWorkspace.Block k = ws.blocks[l];
    BlockTensors p = w.blocks[l];
    BlockTensors g = gradients.blocks[l];
    int n = batch.batch() * batch.length();
    int h = config.hidden();
    boolean dropping = config.hiddenDropout() > 0;
    float[][] dx = ws.dx;
    // out = a + dropout(ffn(LN_ffn(a))): the branch's gradient; d(LN_ffn(a)) into dSum
    float[][] dOutputDense = dx;
    if (dropping) {
      parallel.forRange(n, 8, (from, to) -> Dropout.backward(dx, k.outputDenseKeep, ws.dDense, h, false, from, to));
      dOutputDense = ws.dDense;
    }
    feedForwardBackward(k, p, g, k.attentionOut, dOutputDense, ws.dSum, n, ws);
    // d(a) = d(out) (the residual) + LN_ffn's backward, added into dx
    parallel.forRange(n, 8, (from, to) -> LayerNorm.backward(ws.dSum, k.attentionSum, p.outputNormGain, k.outputMean, k.outputRstd, dx, true, null, null, from, to));
    LayerNorm.parameterGradients(ws.dSum, k.attentionSum, k.outputMean, k.outputRstd, g.outputNormGain, g.outputNormBias, 0, n);
    // a = x + dropout(attn(LN_attn(x))): d(LN_attn(x)) into dSum
    float[][] dAttentionDense = dx;
    if (dropping) {
      parallel.forRange(n, 8, (from, to) -> Dropout.backward(dx, k.attentionDenseKeep, ws.dDense, h, false, from, to));
      dAttentionDense = ws.dDense;
    }
    selfAttentionBackward(k, p, g, k.normedInput, dAttentionDense, batch, ws);
    parallel.forRange(n, 4, (from, to) -> {
      Linear.backwardInput(kernels, ws.dq, p.query, h, ws.dSum, false, from, to);
      Linear.backwardInput(kernels, ws.dk, p.key, h, ws.dSum, true, from, to);
      Linear.backwardInput(kernels, ws.dv, p.value, h, ws.dSum, true, from, to);
    });
    // d(x) = d(a) (the residual) + LN_attn's backward
    parallel.forRange(n, 8, (from, to) -> LayerNorm.backward(ws.dSum, x, p.attentionNormGain, k.attentionMean, k.attentionRstd, dx, true, null, null, from, to));
    LayerNorm.parameterGradients(ws.dSum, x, k.attentionMean, k.attentionRstd, g.attentionNormGain, g.attentionNormBias, 0, n);
  }

  /**
   * The feed-forward branch's backward from d(outputDense): W2's and W1's gradients, and
   * {@code dInput = d(act) · W1ᵀ} (written, not added).
   */
  private void feedForwardBackward(EncoderWorkspace.Block k, BlockTensors p, BlockTensors g, float[][] input, float[][] dOutputDense,
      float[][] dInput, int n, EncoderWorkspace ws) {
    int h = config.hidden();
    int f = config.intermediate();
    parallel.forRange(f, 8, (from, to) -> Linear.backwardWeights(kernels, k.activated, dOutputDense, n, g.output, from, to));
    Linear.backwardBias(dOutputDense, n, g.outputBias);
    FeedForwardActivation activation = config.activation();
    parallel.forRange(n, 4, (from, to) -> {
      Linear.backwardInput(kernels, dOutputDense, p.output, f, ws.dInner, false, from, to);
      Activation.backward(activation, k.inner, ws.dInner, ws.dInner, f, from, to);
      Linear.backwardInput(kernels, ws.dInner, p.intermediate, h, dInput, false, from, to);
    });
    parallel.forRange(h, 8, (from, to) -> Linear.backwardWeights(kernels, input, ws.dInner, n, g.intermediate, from, to));
    Linear.backwardBias(ws.dInner, n, g.intermediateBias);
  }

  /**
   * Attention's backward from d(attentionDense): the output projection's gradients, attention per
   * (sequence, head) into dq, dk, dv, and the q, k, v weights' and biases' gradients over {@code
   * input} (d(input) is left to the caller).
   */
  private void selfAttentionBackward(EncoderWorkspace.Block k, BlockTensors p, BlockTensors g, float[][] input, float[][] dAttended,
      EncoderBatch batch, EncoderWorkspace ws) {
    int b = batch.batch();
    int t = batch.length();
    int n = b * t;
    int h = config.hidden();
    int heads = config.heads();
    int d = config.headSize();
    parallel.forRange(h, 8, (from, to) -> Linear.backwardWeights(kernels, k.context, dAttended, n, g.attentionOutput, from, to));
    Linear.backwardBias(dAttended, n, g.attentionOutputBias);
    parallel.forRange(n, 4, (from, to) -> Linear.backwardInput(kernels, dAttended, p.attentionOutput, h, ws.dContext, false, from, to));
    float[][][] keep = config.attentionDropout() > 0 ? k.probabilitiesKeep : null;
    AttentionMask mask = AttentionMask.padding(batch.lengths());
    parallel.forRange(b * heads, 1, (from, to) -> Attention.backward(kernels, ws.dContext, t, heads, d, mask,
        k.qh, k.kh, k.vh, k.probabilities, keep, k.dropped, ws.dContextH, ws.dProbabilities, ws.dqh, ws.dkh, ws.dvh,
        ws.dq, 0, ws.dk, 0, ws.dv, 0, from, to));
    parallel.forRange(h, 8, (from, to) -> {
      Linear.backwardWeights(kernels, input, ws.dq, n, g.query, from, to);
      Linear.backwardWeights(kernels, input, ws.dk, n, g.key, from, to);
      Linear.backwardWeights(kernels, input, ws.dv, n, g.value, from, to);
    });
    Linear.backwardBias(ws.dq, n, g.queryBias);
    Linear.backwardBias(ws.dk, n, g.keyBias);
    Linear.backwardBias(ws.dv, n, g.valueBias);
  }

  /** A post-LayerNorm block's backward (BERT's). On entry {@code ws.dx} holds d(block output); on exit d(block input). */
  private void postNormBlockBackward(int l, float[][] x, EncoderBatch batch, EncoderWorkspace ws, Tensors gradients) {
    EncoderWorkspace.Block k = ws.blocks[l];
    BlockTensors p = w.blocks[l];
    BlockTensors g = gradients.blocks[l];
    int b = batch.batch();
    int t = batch.length();
    int n = b * t;
    int h = config.hidden();
    int f = config.intermediate();
    boolean dropping = config.hiddenDropout() > 0;
    float[][] dx = ws.dx;
    // out = LN(outputSum): d(outputSum) → dSum
    parallel.forRange(n, 8, (from, to) -> LayerNorm.backward(dx, k.outputSum, p.outputNormGain, k.outputMean, k.outputRstd, ws.dSum, false, null, null, from, to));
    LayerNorm.parameterGradients(dx, k.outputSum, k.outputMean, k.outputRstd, g.outputNormGain, g.outputNormBias, 0, n);
    // outputSum = dropout(activated · W2 + b2) + attentionOut
    float[][] dDense = ws.dSum;
    if (dropping) {
      parallel.forRange(n, 8, (from, to) -> Dropout.backward(ws.dSum, k.outputDenseKeep, ws.dDense, h, false, from, to));
      dDense = ws.dDense;
    }
    float[][] dOutputDense = dDense;
    parallel.forRange(f, 8, (from, to) -> Linear.backwardWeights(kernels, k.activated, dOutputDense, n, g.output, from, to));
    Linear.backwardBias(dOutputDense, n, g.outputBias);
    FeedForwardActivation activation = config.activation();
    parallel.forRange(n, 4, (from, to) -> {
      // d(activated) = dDense · W2ᵀ, then through the activation    [n, f]
      Linear.backwardInput(kernels, dOutputDense, p.output, f, ws.dInner, false, from, to);
      Activation.backward(activation, k.inner, ws.dInner, ws.dInner, f, from, to);
      // d(attentionOut) = dSum (the residual) + dInner · W1ᵀ, into dx    [n, h]
      for (int r = from; r < to; r++) {
        System.arraycopy(ws.dSum[r], 0, dx[r], 0, h);
      }
      Linear.backwardInput(kernels, ws.dInner, p.intermediate, h, dx, true, from, to);
    });
    parallel.forRange(h, 8, (from, to) -> Linear.backwardWeights(kernels, k.attentionOut, ws.dInner, n, g.intermediate, from, to));
    Linear.backwardBias(ws.dInner, n, g.intermediateBias);
    // attentionOut = LN(attentionSum): d(attentionSum) → dSum
    parallel.forRange(n, 8, (from, to) -> LayerNorm.backward(dx, k.attentionSum, p.attentionNormGain, k.attentionMean, k.attentionRstd, ws.dSum, false, null, null, from, to));
    LayerNorm.parameterGradients(dx, k.attentionSum, k.attentionMean, k.attentionRstd, g.attentionNormGain, g.attentionNormBias, 0, n);
    // attentionSum = dropout(context · Wo + bo) + x
    float[][] dAttentionDense = ws.dSum;
    if (dropping) {
      parallel.forRange(n, 8, (from, to) -> Dropout.backward(ws.dSum, k.attentionDenseKeep, ws.dDense, h, false, from, to));
      dAttentionDense = ws.dDense;
    }
    selfAttentionBackward(k, p, g, x, dAttentionDense, batch, ws);
    // q, k, v = x · W + b: dx = dSum (the residual) + Σ d· Wᵀ
    parallel.forRange(n, 4, (from, to) -> {
      for (int r = from; r < to; r++) {
        System.arraycopy(ws.dSum[r], 0, dx[r], 0, h);
      }
      Linear.backwardInput(kernels, ws.dq, p.query, h, dx, true, from, to);
      Linear.backwardInput(kernels, ws.dk, p.key, h, dx, true, from, to);
      Linear.backwardInput(kernels, ws.dv, p.value, h, dx, true, from, to);
    });
  }
}
