package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.ops.Activation;
import dev.nlpm.runtime.ops.Attention;
import dev.nlpm.runtime.ops.AttentionMask;
import dev.nlpm.runtime.ops.CrossEntropy;
import dev.nlpm.runtime.ops.Dropout;
import dev.nlpm.runtime.ops.Embedding;
import dev.nlpm.runtime.ops.LayerNorm;
import dev.nlpm.runtime.ops.Linear;
import dev.nlpm.runtime.ops.Residual;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A BERT-style encoder in float: embeddings, post-LayerNorm blocks of multi-head self-attention
 * and a feed-forward block, the pooler, and the heads (MLM with its decoder tied to the word
 * embeddings, NSP, sequence and token classification) — a composition of the {@code
 * dev.nlpm.runtime.ops} ops (attention under the padding mask), its forward and backward side by
 * side, the products through {@link EncoderKernels}, the work split over {@link Parallel}'s
 * threads. It computes exactly what HuggingFace's {@code BertForPreTraining} does (the padding
 * mask adds −10000 to a padded key's score) and is checked against the double-precision {@code
 * BertReference}.
 *
 * <p>Parameters are read-only here; gradients are added into an {@link EncoderParameters} of the
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

    BlockTensors(EncoderParameters p, int l) {
      String prefix = "encoder.layer." + l + ".";
      query = p.matrix(prefix + "attention.self.query.weight");
      queryBias = p.vector(prefix + "attention.self.query.bias");
      key = p.matrix(prefix + "attention.self.key.weight");
      keyBias = p.vector(prefix + "attention.self.key.bias");
      value = p.matrix(prefix + "attention.self.value.weight");
      valueBias = p.vector(prefix + "attention.self.value.bias");
      attentionOutput = p.matrix(prefix + "attention.output.dense.weight");
      attentionOutputBias = p.vector(prefix + "attention.output.dense.bias");
      attentionNormGain = p.vector(prefix + "attention.output.LayerNorm.weight");
      attentionNormBias = p.vector(prefix + "attention.output.LayerNorm.bias");
      intermediate = p.matrix(prefix + "intermediate.dense.weight");
      intermediateBias = p.vector(prefix + "intermediate.dense.bias");
      output = p.matrix(prefix + "output.dense.weight");
      outputBias = p.vector(prefix + "output.dense.bias");
      outputNormGain = p.vector(prefix + "output.LayerNorm.weight");
      outputNormBias = p.vector(prefix + "output.LayerNorm.bias");
    }
  }

  /** Every tensor the encoder reads (of parameters or of gradients), looked up once. */
  private static final class Tensors {
    final float[][] word, position, type, pooler, transform, nsp, sequence, token;
    final float[] embeddingNormGain, embeddingNormBias, poolerBias, transformBias, transformNormGain, transformNormBias;
    final float[] decoderBias, nspBias, sequenceBias, tokenBias;
    final BlockTensors[] blocks;

    Tensors(EncoderParameters p, EncoderConfig c) {
      word = p.matrix("embeddings.word_embeddings.weight");
      position = p.matrix("embeddings.position_embeddings.weight");
      type = p.matrix("embeddings.token_type_embeddings.weight");
      embeddingNormGain = p.vector("embeddings.LayerNorm.weight");
      embeddingNormBias = p.vector("embeddings.LayerNorm.bias");
      blocks = new BlockTensors[c.layers()];
      for (int l = 0; l < blocks.length; l++) {
        blocks[l] = new BlockTensors(p, l);
      }
      pooler = p.matrix("pooler.dense.weight");
      poolerBias = p.vector("pooler.dense.bias");
      transform = c.mlm() ? p.matrix("cls.predictions.transform.dense.weight") : null;
      transformBias = c.mlm() ? p.vector("cls.predictions.transform.dense.bias") : null;
      transformNormGain = c.mlm() ? p.vector("cls.predictions.transform.LayerNorm.weight") : null;
      transformNormBias = c.mlm() ? p.vector("cls.predictions.transform.LayerNorm.bias") : null;
      decoderBias = c.mlm() ? p.vector("cls.predictions.bias") : null;
      nsp = c.nsp() ? p.matrix("cls.seq_relationship.weight") : null;
      nspBias = c.nsp() ? p.vector("cls.seq_relationship.bias") : null;
      sequence = c.sequenceHead() != null ? p.matrix(c.sequenceHead() + ".weight") : null;
      sequenceBias = c.sequenceHead() != null ? p.vector(c.sequenceHead() + ".bias") : null;
      token = c.tokenHead() != null ? p.matrix(c.tokenHead() + ".weight") : null;
      tokenBias = c.tokenHead() != null ? p.vector(c.tokenHead() + ".bias") : null;
    }
  }

  /** The losses of one forward pass (0 for a head the batch has no labels for), and the MLM hits. */
  public record Losses(float total, float mlm, float nsp, float sequence, float token, int mlmCorrect, int mlmCounted) {}

  private final EncoderConfig config;
  private final EncoderKernels kernels;
  private final EncoderParameters parameters;
  private final Tensors w;
  private final Parallel parallel;
  /** The tensors of the gradient buffer last trained into, looked up once rather than every step. */
  private volatile GradientTensors gradientTensors;

  private record GradientTensors(EncoderParameters buffer, Tensors tensors) {}

  public Encoder(EncoderConfig config, EncoderKernels kernels, EncoderParameters parameters, Parallel parallel) {
    this.config = Objects.requireNonNull(config, "config");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.parallel = Objects.requireNonNull(parallel, "parallel");
    this.w = new Tensors(parameters, config);
  }

  public EncoderConfig config() {
    return config;
  }

  public EncoderParameters parameters() {
    return parameters;
  }

  public EncoderKernels kernels() {
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
  public Losses train(EncoderBatch batch, EncoderWorkspace ws, EncoderParameters gradients, long dropoutSeed) {
    forward(batch, ws, batch.mlmPositions(), true, dropoutSeed);
    Losses losses = losses(batch, ws, true);
    backward(batch, ws, gradientTensors(gradients));
    return losses;
  }

  private Tensors gradientTensors(EncoderParameters gradients) {
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
    // ---- embeddings: word + position + type, LayerNorm, dropout ----    [n, h]
    int[] ids = batch.ids();
    int[] segments = batch.segments();
    for (int r = 0; r < n; r++) {
      if (ids[r] < 0 || ids[r] >= config.vocab()) {
        throw new IllegalArgumentException("token id " + ids[r] + " at row " + r + " is outside the vocabulary 0.." + (config.vocab() - 1));
      }
      if (segments[r] < 0 || segments[r] >= config.segments()) {
        throw new IllegalArgumentException("segment " + segments[r] + " at row " + r + " is outside 0.." + (config.segments() - 1));
      }
    }
    parallel.forRange(n, 8, (from, to) -> {
      Embedding.forward(w.word, ids, ws.embedded, h, false, from, to);
      Embedding.forwardPositions(w.position, t, 0, ws.embedded, h, true, from, to);
      Embedding.forward(w.type, segments, ws.embedded, h, true, from, to);
      LayerNorm.forward(ws.embedded, w.embeddingNormGain, w.embeddingNormBias, ws.embeddingNorm, ws.embeddingMean, ws.embeddingRstd, config.eps(), from, to);
    });
    float[][] x = dropout(ws.embeddingNorm, ws.embeddingKeep, ws.embeddingOut, n, training, random);
    // ---- blocks ----
    for (int l = 0; l < config.layers(); l++) {
      x = blockForward(l, x, batch, ws, training, random);
    }
    float[][] hidden = x;
    // ---- pooler: tanh(Wp · x[CLS]) ----    [b, h]
    for (int s = 0; s < b; s++) {
      System.arraycopy(hidden[s * t], 0, ws.cls[s], 0, h);
    }
    Linear.forward(kernels, ws.cls, w.pooler, h, w.poolerBias, ws.pooledPre, false, 0, b);
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < h; i++) {
        ws.pooled[s][i] = (float) Math.tanh(ws.pooledPre[s][i]);
      }
    }
    // ---- NSP head ----    [b, 2]
    if (config.nsp()) {
      Linear.forward(kernels, ws.pooled, w.nsp, h, w.nspBias, ws.nspLogits, false, 0, b);
    }
    // ---- sequence classification: dropout, then a linear layer over the pooled output ----    [b, labels]
    if (config.sequenceHead() != null) {
      float[][] in = dropout(ws.pooled, ws.pooledKeep, ws.pooledDropped, b, training, random);
      Linear.forward(kernels, in, w.sequence, h, w.sequenceBias, ws.sequenceLogits, false, 0, b);
    }
    // ---- token classification: dropout, then a linear layer over every hidden state ----    [n, labels]
    if (config.tokenHead() != null) {
      float[][] in = dropout(hidden, ws.tokenKeep, ws.tokenDropped, n, training, random);
      parallel.forRange(n, 4, (from, to) -> Linear.forward(kernels, in, w.token, h, w.tokenBias, ws.tokenLogits, false, from, to));
    }
    // ---- MLM head at the predicted rows: dense, activation, LayerNorm, tied decoder ----    [m, vocab]
    int m = predictionRows.length;
    ws.predictions = m;
    if (m > 0) {
      if (!config.mlm()) {
        throw new IllegalStateException("this encoder has no MLM head");
      }
      System.arraycopy(predictionRows, 0, ws.predictionRows, 0, m);
      Embedding.forward(hidden, ws.predictionRows, ws.selected, h, false, 0, m);
      Linear.forward(kernels, ws.selected, w.transform, h, w.transformBias, ws.transform, false, 0, m);
      Activation.forward(config.activation(), ws.transform, ws.transformActivated, h, 0, m);
      LayerNorm.forward(ws.transformActivated, w.transformNormGain, w.transformNormBias, ws.transformOut, ws.transformMean, ws.transformRstd, config.eps(), 0, m);
      parallel.forRange(config.vocab(), 64,
          (from, to) -> Linear.forwardOutIn(kernels, ws.transformOut, m, w.word, w.decoderBias, ws.mlmLogits, from, to));
    }
  }

  private float[][] blockForward(int l, float[][] x, EncoderBatch batch, EncoderWorkspace ws, boolean training, SplittableRandom random) {
    EncoderWorkspace.Block k = ws.blocks[l];
    BlockTensors p = w.blocks[l];
    int b = batch.batch();
    int t = batch.length();
    int n = b * t;
    int h = config.hidden();
    int heads = config.heads();
    int d = config.headSize();
    // q, k, v = x · W + b    [n, h]
    parallel.forRange(n, 4, (from, to) -> {
      Linear.forward(kernels, x, p.query, h, p.queryBias, k.q, false, from, to);
      Linear.forward(kernels, x, p.key, h, p.keyBias, k.k, false, from, to);
      Linear.forward(kernels, x, p.value, h, p.valueBias, k.v, false, from, to);
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
    // attention output: LN(x + dropout(context · Wo + bo))    [n, h]
    parallel.forRange(n, 4, (from, to) -> Linear.forward(kernels, k.context, p.attentionOutput, h, p.attentionOutputBias, k.attentionDense, false, from, to));
    float[][] attentionKeep = drawHiddenDropout(k.attentionDenseKeep, n, training, random);
    parallel.forRange(n, 8, (from, to) -> {
      Residual.forward(k.attentionDense, attentionKeep, x, k.attentionSum, h, from, to);
      LayerNorm.forward(k.attentionSum, p.attentionNormGain, p.attentionNormBias, k.attentionOut, k.attentionMean, k.attentionRstd, config.eps(), from, to);
    });
    // feed-forward: LN(a + dropout(act(a · W1 + b1) · W2 + b2))    [n, f] then [n, h]
    FeedForwardActivation activation = config.activation();
    int f = config.intermediate();
    parallel.forRange(n, 4, (from, to) -> {
      Linear.forward(kernels, k.attentionOut, p.intermediate, h, p.intermediateBias, k.inner, false, from, to);
      Activation.forward(activation, k.inner, k.activated, f, from, to);
      Linear.forward(kernels, k.activated, p.output, f, p.outputBias, k.outputDense, false, from, to);
    });
    float[][] outputKeep = drawHiddenDropout(k.outputDenseKeep, n, training, random);
    parallel.forRange(n, 8, (from, to) -> {
      Residual.forward(k.outputDense, outputKeep, k.attentionOut, k.outputSum, h, from, to);
      LayerNorm.forward(k.outputSum, p.outputNormGain, p.outputNormBias, k.out, k.outputMean, k.outputRstd, config.eps(), from, to);
    });
    return k.out;
  }

  /**
   * Hidden dropout of rows {@code [0, n)}: without training (or at rate 0) the input itself;
   * otherwise {@code out = in · keep}, the mask drawn into {@code keep} and saved for backward.
   */
  private float[][] dropout(float[][] in, float[][] keep, float[][] out, int n, boolean training, SplittableRandom random) {
    if (!training || config.hiddenDropout() == 0) {
      return in;
    }
    Dropout.forward(in, keep, out, config.hidden(), config.hiddenDropout(), random, 0, n);
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
    if (config.sequenceHead() != null && batch.sequenceLabels() != null) {
      sequence = CrossEntropy.forwardBackward(ws.sequenceLogits, batch.sequenceLabels(), b, config.sequenceLabels(), gradients ? ws.dSequence : null);
    }
    float token = 0;
    if (config.tokenHead() != null && batch.tokenLabels() != null) {
      token = CrossEntropy.forwardBackward(ws.tokenLogits, batch.tokenLabels(), batch.rows(), config.tokenLabels(), gradients ? ws.dToken : null);
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
    float[][] hidden = ws.blocks[config.layers() - 1].out;
    float[][] dx = ws.dx;
    for (int r = 0; r < n; r++) {
      Arrays.fill(dx[r], 0);
    }
    for (int s = 0; s < b; s++) {
      Arrays.fill(ws.dPooled[s], 0);
    }
    boolean pooledUsed = false;
    boolean dropping = config.hiddenDropout() > 0;
    // ---- NSP head ----
    if (config.nsp() && batch.nspLabels() != null) {
      Linear.backwardInput(kernels, ws.dNsp, w.nsp, h, ws.dPooled, true, 0, b);
      Linear.backwardWeights(kernels, ws.pooled, ws.dNsp, b, g.nsp, 0, h);
      Linear.backwardBias(ws.dNsp, b, g.nspBias);
      pooledUsed = true;
    }
    // ---- sequence classification ----
    if (config.sequenceHead() != null && batch.sequenceLabels() != null) {
      float[][] in = dropping ? ws.pooledDropped : ws.pooled;
      Linear.backwardWeights(kernels, in, ws.dSequence, b, g.sequence, 0, h);
      Linear.backwardBias(ws.dSequence, b, g.sequenceBias);
      Linear.backwardInput(kernels, ws.dSequence, w.sequence, h, ws.dCls, false, 0, b);
      Dropout.backward(ws.dCls, dropping ? ws.pooledKeep : null, ws.dPooled, h, true, 0, b);
      pooledUsed = true;
    }
    // ---- token classification ----
    if (config.tokenHead() != null && batch.tokenLabels() != null) {
      float[][] in = dropping ? ws.tokenDropped : hidden;
      parallel.forRange(h, 8, (from, to) -> Linear.backwardWeights(kernels, in, ws.dToken, n, g.token, from, to));
      Linear.backwardBias(ws.dToken, n, g.tokenBias);
      parallel.forRange(n, 4, (from, to) -> {
        Linear.backwardInput(kernels, ws.dToken, w.token, h, ws.dTokenDropped, false, from, to);
        Dropout.backward(ws.dTokenDropped, dropping ? ws.tokenKeep : null, dx, h, true, from, to);
      });
    }
    // ---- MLM head (the decoder's gradient lands on the tied word embeddings) ----
    int m = ws.predictions;
    if (m > 0) {
      parallel.forRange(config.vocab(), 64, (from, to) -> Linear.backwardWeightsOutIn(kernels, ws.dMlm, ws.transformOut, m, g.word, from, to));
      Linear.backwardBias(ws.dMlm, m, g.decoderBias);
      Linear.backwardInputOutIn(kernels, ws.dMlm, w.word, config.vocab(), ws.dTransformOut, 0, m);
      LayerNorm.backward(ws.dTransformOut, ws.transformActivated, w.transformNormGain, ws.transformMean, ws.transformRstd,
          ws.dTransformActivated, false, g.transformNormGain, g.transformNormBias, 0, m);
      Activation.backward(config.activation(), ws.transform, ws.dTransformActivated, ws.dTransform, h, 0, m);
      Linear.backwardWeights(kernels, ws.selected, ws.dTransform, m, g.transform, 0, h);
      Linear.backwardBias(ws.dTransform, m, g.transformBias);
      Linear.backwardInput(kernels, ws.dTransform, w.transform, h, ws.dSelected, false, 0, m);
      // the selected rows were gathered from the hidden states: their gradient scatters back
      Embedding.backward(ws.dSelected, ws.predictionRows, dx, h, 0, m);
    }
    // ---- pooler ----
    if (pooledUsed) {
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
    for (int l = config.layers() - 1; l >= 0; l--) {
      float[][] input = l == 0 ? embeddingOutput(ws) : ws.blocks[l - 1].out;
      blockBackward(l, input, batch, ws, g);
    }
    // ---- embeddings ----
    // dropout, then LayerNorm: dx → d(embedded) in dSum; then each table's rows
    if (dropping) {
      Dropout.backward(dx, ws.embeddingKeep, dx, h, false, 0, n);
    }
    LayerNorm.backward(dx, ws.embedded, w.embeddingNormGain, ws.embeddingMean, ws.embeddingRstd, ws.dSum, false,
        g.embeddingNormGain, g.embeddingNormBias, 0, n);
    Embedding.backward(ws.dSum, batch.ids(), g.word, h, 0, n);
    Embedding.backwardPositions(ws.dSum, t, 0, g.position, h, 0, n);
    Embedding.backward(ws.dSum, batch.segments(), g.type, h, 0, n);
  }

  private float[][] embeddingOutput(EncoderWorkspace ws) {
    return config.hiddenDropout() > 0 && ws.embeddingOut != null ? ws.embeddingOut : ws.embeddingNorm;
  }

  /** On entry {@code ws.dx} holds d(block output); on exit d(block input). */
  private void blockBackward(int l, float[][] x, EncoderBatch batch, EncoderWorkspace ws, Tensors gradients) {
    EncoderWorkspace.Block k = ws.blocks[l];
    BlockTensors p = w.blocks[l];
    BlockTensors g = gradients.blocks[l];
    int b = batch.batch();
    int t = batch.length();
    int n = b * t;
    int h = config.hidden();
    int f = config.intermediate();
    int heads = config.heads();
    int d = config.headSize();
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
    float[][] dAttended = dAttentionDense;
    parallel.forRange(h, 8, (from, to) -> Linear.backwardWeights(kernels, k.context, dAttended, n, g.attentionOutput, from, to));
    Linear.backwardBias(dAttended, n, g.attentionOutputBias);
    parallel.forRange(n, 4, (from, to) -> Linear.backwardInput(kernels, dAttended, p.attentionOutput, h, ws.dContext, false, from, to));
    // attention per (sequence, head)
    float[][][] keep = config.attentionDropout() > 0 ? k.probabilitiesKeep : null;
    AttentionMask mask = AttentionMask.padding(batch.lengths());
    parallel.forRange(b * heads, 1, (from, to) -> Attention.backward(kernels, ws.dContext, t, heads, d, mask,
        k.qh, k.kh, k.vh, k.probabilities, keep, k.dropped, ws.dContextH, ws.dProbabilities, ws.dqh, ws.dkh, ws.dvh,
        ws.dq, 0, ws.dk, 0, ws.dv, 0, from, to));
    // q, k, v = x · W + b: weights, biases, and dx = dSum (the residual) + Σ d· Wᵀ
    parallel.forRange(h, 8, (from, to) -> {
      Linear.backwardWeights(kernels, x, ws.dq, n, g.query, from, to);
      Linear.backwardWeights(kernels, x, ws.dk, n, g.key, from, to);
      Linear.backwardWeights(kernels, x, ws.dv, n, g.value, from, to);
    });
    Linear.backwardBias(ws.dq, n, g.queryBias);
    Linear.backwardBias(ws.dk, n, g.keyBias);
    Linear.backwardBias(ws.dv, n, g.valueBias);
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
