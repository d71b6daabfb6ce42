package dev.nlpm.runtime.encoder;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A BERT-style encoder in float: embeddings, post-LayerNorm blocks of multi-head self-attention
 * and a feed-forward block, the pooler, and the heads (MLM with its decoder tied to the word
 * embeddings, NSP, sequence and token classification) — each layer's forward and backward side by
 * side, the products through {@link EncoderKernels}, the work split over {@link Parallel}'s
 * threads. It computes exactly what HuggingFace's {@code BertForPreTraining} does (the padding
 * mask adds −10000 to a padded key's score) and is checked against the double-precision {@code
 * BertReference}.
 *
 * <p>Parameters are read-only here; gradients are added into an {@link EncoderParameters} of the
 * same layout. All activations live in an {@link EncoderWorkspace}, so a step allocates no arrays
 * and one encoder serves concurrent callers that each bring their own workspace.
 */
public final class Encoder {

  /** Added to a padded key's attention score, as BERT does. */
  public static final float MASKED = -10000f;

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
      for (int r = from; r < to; r++) {
        float[] e = ws.embedded[r];
        float[] word = w.word[ids[r]];
        float[] position = w.position[r % t];
        float[] type = w.type[segments[r]];
        for (int i = 0; i < e.length; i++) {
          e[i] = word[i] + position[i] + type[i];
        }
      }
      RowOps.layerNorm(ws.embedded, w.embeddingNormGain, w.embeddingNormBias, ws.embeddingNorm, ws.embeddingMean, ws.embeddingRstd, config.eps(), from, to);
    });
    float[][] x = dropout(ws.embeddingNorm, ws.embeddingKeep, ws.embeddingOut, n, config.hiddenDropout(), training, random);
    // ---- blocks ----
    for (int l = 0; l < config.layers(); l++) {
      x = blockForward(l, x, batch, ws, training, random);
    }
    float[][] hidden = x;
    // ---- pooler: tanh(Wp · x[CLS]) ----    [b, h]
    for (int s = 0; s < b; s++) {
      System.arraycopy(hidden[s * t], 0, ws.cls[s], 0, config.hidden());
    }
    kernels.linear(ws.cls, w.pooler, config.hidden(), w.poolerBias, ws.pooledPre, false, 0, b);
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < config.hidden(); i++) {
        ws.pooled[s][i] = (float) Math.tanh(ws.pooledPre[s][i]);
      }
    }
    // ---- NSP head ----    [b, 2]
    if (config.nsp()) {
      kernels.linear(ws.pooled, w.nsp, config.hidden(), w.nspBias, ws.nspLogits, false, 0, b);
    }
    // ---- sequence classification: dropout, then a linear layer over the pooled output ----    [b, labels]
    if (config.sequenceHead() != null) {
      float[][] in = dropout(ws.pooled, ws.pooledKeep, ws.pooledDropped, b, config.hiddenDropout(), training, random);
      kernels.linear(in, w.sequence, config.hidden(), w.sequenceBias, ws.sequenceLogits, false, 0, b);
    }
    // ---- token classification: dropout, then a linear layer over every hidden state ----    [n, labels]
    if (config.tokenHead() != null) {
      float[][] in = dropout(hidden, ws.tokenKeep, ws.tokenDropped, n, config.hiddenDropout(), training, random);
      parallel.forRange(n, 4, (from, to) -> kernels.linear(in, w.token, config.hidden(), w.tokenBias, ws.tokenLogits, false, from, to));
    }
    // ---- MLM head at the predicted rows: dense, activation, LayerNorm, tied decoder ----    [m, vocab]
    int m = predictionRows.length;
    ws.predictions = m;
    if (m > 0) {
      if (!config.mlm()) {
        throw new IllegalStateException("this encoder has no MLM head");
      }
      for (int i = 0; i < m; i++) {
        ws.predictionRows[i] = predictionRows[i];
        System.arraycopy(hidden[predictionRows[i]], 0, ws.selected[i], 0, config.hidden());
      }
      kernels.linear(ws.selected, w.transform, config.hidden(), w.transformBias, ws.transform, false, 0, m);
      FeedForwardActivation activation = config.activation();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < config.hidden(); j++) {
          ws.transformActivated[i][j] = activation.apply(ws.transform[i][j]);
        }
      }
      RowOps.layerNorm(ws.transformActivated, w.transformNormGain, w.transformNormBias, ws.transformOut, ws.transformMean, ws.transformRstd, config.eps(), 0, m);
      parallel.forRange(config.vocab(), 64,
          (from, to) -> kernels.dotRows(ws.transformOut, m, w.word, w.decoderBias, ws.mlmLogits, false, from, to));
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
      kernels.linear(x, p.query, h, p.queryBias, k.q, false, from, to);
      kernels.linear(x, p.key, h, p.keyBias, k.k, false, from, to);
      kernels.linear(x, p.value, h, p.valueBias, k.v, false, from, to);
    });
    // attention per (sequence, head): softmax(q·kᵀ/√d + mask) (dropped out) · v    [b·heads, t, d]
    boolean dropping = training && config.attentionDropout() > 0;
    if (dropping) {
      float p0 = config.attentionDropout();
      float scale = 1 / (1 - p0);
      for (int sh = 0; sh < b * heads; sh++) {
        for (int i = 0; i < t; i++) {
          float[] keep = k.probabilitiesKeep[sh][i];
          for (int j = 0; j < t; j++) {
            keep[j] = random.nextDouble() < p0 ? 0 : scale;
          }
        }
      }
    }
    float scale = (float) (1 / Math.sqrt(d));
    int[] lengths = batch.lengths();
    parallel.forRange(b * heads, 1, (from, to) -> {
      for (int sh = from; sh < to; sh++) {
        int s = sh / heads;
        int offset = (sh % heads) * d;
        float[][] qh = k.qh[sh];
        float[][] kh = k.kh[sh];
        float[][] vh = k.vh[sh];
        for (int i = 0; i < t; i++) {
          System.arraycopy(k.q[s * t + i], offset, qh[i], 0, d);
          System.arraycopy(k.k[s * t + i], offset, kh[i], 0, d);
          System.arraycopy(k.v[s * t + i], offset, vh[i], 0, d);
        }
        float[][] probabilities = k.probabilities[sh];
        kernels.dotRows(qh, t, kh, null, probabilities, false, 0, t);
        int real = lengths[s];
        for (int i = 0; i < t; i++) {
          RowOps.softmaxRow(probabilities[i], t, real, scale);
        }
        float[][] used = probabilities;
        if (dropping) {
          used = k.dropped[sh];
          for (int i = 0; i < t; i++) {
            float[] keep = k.probabilitiesKeep[sh][i];
            for (int j = 0; j < t; j++) {
              used[i][j] = probabilities[i][j] * keep[j];
            }
          }
        }
        kernels.linear(used, vh, t, null, k.contextH[sh], false, 0, t);
        for (int i = 0; i < t; i++) {
          System.arraycopy(k.contextH[sh][i], 0, k.context[s * t + i], offset, d);
        }
      }
    });
    // attention output: LN(x + dropout(context · Wo + bo))    [n, h]
    parallel.forRange(n, 4, (from, to) -> kernels.linear(k.context, p.attentionOutput, h, p.attentionOutputBias, k.attentionDense, false, from, to));
    float[][] attended = dropout(k.attentionDense, k.attentionDenseKeep, k.attentionSum, n, config.hiddenDropout(), training, random);
    parallel.forRange(n, 8, (from, to) -> {
      for (int r = from; r < to; r++) {
        float[] sum = k.attentionSum[r];
        float[] a = attended[r];
        float[] in = x[r];
        for (int i = 0; i < h; i++) {
          sum[i] = a[i] + in[i];
        }
      }
      RowOps.layerNorm(k.attentionSum, p.attentionNormGain, p.attentionNormBias, k.attentionOut, k.attentionMean, k.attentionRstd, config.eps(), from, to);
    });
    // feed-forward: LN(a + dropout(act(a · W1 + b1) · W2 + b2))    [n, f] then [n, h]
    FeedForwardActivation activation = config.activation();
    int f = config.intermediate();
    parallel.forRange(n, 4, (from, to) -> {
      kernels.linear(k.attentionOut, p.intermediate, h, p.intermediateBias, k.inner, false, from, to);
      for (int r = from; r < to; r++) {
        float[] in = k.inner[r];
        float[] out = k.activated[r];
        for (int i = 0; i < f; i++) {
          out[i] = activation.apply(in[i]);
        }
      }
      kernels.linear(k.activated, p.output, f, p.outputBias, k.outputDense, false, from, to);
    });
    float[][] fed = dropout(k.outputDense, k.outputDenseKeep, k.outputSum, n, config.hiddenDropout(), training, random);
    parallel.forRange(n, 8, (from, to) -> {
      for (int r = from; r < to; r++) {
        float[] sum = k.outputSum[r];
        float[] a = fed[r];
        float[] in = k.attentionOut[r];
        for (int i = 0; i < h; i++) {
          sum[i] = a[i] + in[i];
        }
      }
      RowOps.layerNorm(k.outputSum, p.outputNormGain, p.outputNormBias, k.out, k.outputMean, k.outputRstd, config.eps(), from, to);
    });
    return k.out;
  }

  /**
   * Dropout of rows {@code [0, n)}: without training (or at rate 0) the input itself; otherwise
   * {@code out = in · keep} with {@code keep} drawn as 0 (rate p) or {@code 1/(1−p)}, saved for
   * backward. In the rows the sums are written into when the caller passes them as {@code out}.
   */
  private float[][] dropout(float[][] in, float[][] keep, float[][] out, int n, float rate, boolean training, SplittableRandom random) {
    if (!training || rate == 0) {
      return in;
    }
    float scale = 1 / (1 - rate);
    for (int r = 0; r < n; r++) {
      float[] kr = keep[r];
      float[] ir = in[r];
      float[] or = out[r];
      for (int i = 0; i < kr.length; i++) {
        kr[i] = random.nextDouble() < rate ? 0 : scale;
        or[i] = ir[i] * kr[i];
      }
    }
    return out;
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
        if (RowOps.argmax(ws.mlmLogits[i], config.vocab()) == labels[i]) {
          correct++;
        }
      }
      mlm = RowOps.crossEntropy(ws.mlmLogits, labels, m, config.vocab(), gradients ? ws.dMlm : null);
    }
    float nsp = 0;
    if (config.nsp() && batch.nspLabels() != null) {
      nsp = RowOps.crossEntropy(ws.nspLogits, batch.nspLabels(), b, 2, gradients ? ws.dNsp : null);
    }
    float sequence = 0;
    if (config.sequenceHead() != null && batch.sequenceLabels() != null) {
      sequence = RowOps.crossEntropy(ws.sequenceLogits, batch.sequenceLabels(), b, config.sequenceLabels(), gradients ? ws.dSequence : null);
    }
    float token = 0;
    if (config.tokenHead() != null && batch.tokenLabels() != null) {
      token = RowOps.crossEntropy(ws.tokenLogits, batch.tokenLabels(), batch.rows(), config.tokenLabels(), gradients ? ws.dToken : null);
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
    // ---- NSP head ----
    if (config.nsp() && batch.nspLabels() != null) {
      kernels.dotRows(ws.dNsp, b, w.nsp, null, ws.dPooled, true, 0, h);
      kernels.outerAccumulate(ws.pooled, ws.dNsp, b, g.nsp, 0, h);
      RowOps.addRows(ws.dNsp, b, g.nspBias);
      pooledUsed = true;
    }
    // ---- sequence classification ----
    if (config.sequenceHead() != null && batch.sequenceLabels() != null) {
      float[][] in = config.hiddenDropout() > 0 ? ws.pooledDropped : ws.pooled;
      kernels.outerAccumulate(in, ws.dSequence, b, g.sequence, 0, h);
      RowOps.addRows(ws.dSequence, b, g.sequenceBias);
      kernels.dotRows(ws.dSequence, b, w.sequence, null, ws.dCls, false, 0, h);
      for (int s = 0; s < b; s++) {
        for (int i = 0; i < h; i++) {
          ws.dPooled[s][i] += config.hiddenDropout() > 0 ? ws.dCls[s][i] * ws.pooledKeep[s][i] : ws.dCls[s][i];
        }
      }
      pooledUsed = true;
    }
    // ---- token classification ----
    if (config.tokenHead() != null && batch.tokenLabels() != null) {
      float[][] in = config.hiddenDropout() > 0 ? ws.tokenDropped : hidden;
      parallel.forRange(h, 8, (from, to) -> kernels.outerAccumulate(in, ws.dToken, n, g.token, from, to));
      RowOps.addRows(ws.dToken, n, g.tokenBias);
      parallel.forRange(n, 4, (from, to) -> {
        kernels.dotRows(RowOps.rowsFrom(ws.dToken, from), to - from, w.token, null, RowOps.rowsFrom(ws.dTokenDropped, from), false, 0, h);
        for (int r = from; r < to; r++) {
          for (int i = 0; i < h; i++) {
            dx[r][i] += config.hiddenDropout() > 0 ? ws.dTokenDropped[r][i] * ws.tokenKeep[r][i] : ws.dTokenDropped[r][i];
          }
        }
      });
    }
    // ---- MLM head (the decoder's gradient lands on the tied word embeddings) ----
    int m = ws.predictions;
    if (m > 0) {
      parallel.forRange(config.vocab(), 64, (from, to) -> kernels.outerAccumulate(ws.dMlm, ws.transformOut, m, g.word, from, to));
      RowOps.addRows(ws.dMlm, m, g.decoderBias);
      kernels.linear(ws.dMlm, w.word, config.vocab(), null, ws.dTransformOut, false, 0, m);
      RowOps.layerNormBackward(ws.dTransformOut, ws.transformActivated, w.transformNormGain, ws.transformMean, ws.transformRstd,
          ws.dTransformActivated, false, g.transformNormGain, g.transformNormBias, 0, m);
      FeedForwardActivation activation = config.activation();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < h; j++) {
          ws.dTransform[i][j] = ws.dTransformActivated[i][j] * activation.derivative(ws.transform[i][j]);
        }
      }
      kernels.outerAccumulate(ws.selected, ws.dTransform, m, g.transform, 0, h);
      RowOps.addRows(ws.dTransform, m, g.transformBias);
      kernels.dotRows(ws.dTransform, m, w.transform, null, ws.dSelected, false, 0, h);
      for (int i = 0; i < m; i++) {
        float[] target = dx[ws.predictionRows[i]];
        for (int j = 0; j < h; j++) {
          target[j] += ws.dSelected[i][j];
        }
      }
    }
    // ---- pooler ----
    if (pooledUsed) {
      for (int s = 0; s < b; s++) {
        for (int i = 0; i < h; i++) {
          float y = ws.pooled[s][i];
          ws.dPooledPre[s][i] = ws.dPooled[s][i] * (1 - y * y);
        }
      }
      kernels.outerAccumulate(ws.cls, ws.dPooledPre, b, g.pooler, 0, h);
      RowOps.addRows(ws.dPooledPre, b, g.poolerBias);
      kernels.dotRows(ws.dPooledPre, b, w.pooler, null, ws.dCls, false, 0, h);
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
    // dropout, then LayerNorm: dx → d(embedded) in dSum
    if (config.hiddenDropout() > 0) {
      RowOps.multiplyRows(dx, ws.embeddingKeep, n);
    }
    RowOps.layerNormBackward(dx, ws.embedded, w.embeddingNormGain, ws.embeddingMean, ws.embeddingRstd, ws.dSum, false,
        g.embeddingNormGain, g.embeddingNormBias, 0, n);
    int[] ids = batch.ids();
    int[] segments = batch.segments();
    for (int r = 0; r < n; r++) {
      float[] d = ws.dSum[r];
      float[] word = g.word[ids[r]];
      float[] position = g.position[r % t];
      float[] type = g.type[segments[r]];
      for (int i = 0; i < h; i++) {
        word[i] += d[i];
        position[i] += d[i];
        type[i] += d[i];
      }
    }
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
    parallel.forRange(n, 8, (from, to) -> RowOps.layerNormBackward(dx, k.outputSum, p.outputNormGain, k.outputMean, k.outputRstd, ws.dSum, false, null, null, from, to));
    RowOps.normParameterGradients(dx, k.outputSum, k.outputMean, k.outputRstd, g.outputNormGain, g.outputNormBias, n);
    // outputSum = dropout(activated · W2 + b2) + attentionOut
    float[][] dDense = ws.dSum;
    if (dropping) {
      parallel.forRange(n, 8, (from, to) -> RowOps.multiplyRows(ws.dSum, k.outputDenseKeep, ws.dDense, from, to));
      dDense = ws.dDense;
    }
    float[][] dOutputDense = dDense;
    parallel.forRange(f, 8, (from, to) -> kernels.outerAccumulate(k.activated, dOutputDense, n, g.output, from, to));
    RowOps.addRows(dOutputDense, n, g.outputBias);
    FeedForwardActivation activation = config.activation();
    parallel.forRange(n, 4, (from, to) -> {
      // d(activated) = dDense · W2ᵀ, then through the activation    [n, f]
      kernels.dotRows(RowOps.rowsFrom(dOutputDense, from), to - from, p.output, null, RowOps.rowsFrom(ws.dInner, from), false, 0, f);
      for (int r = from; r < to; r++) {
        float[] di = ws.dInner[r];
        float[] in = k.inner[r];
        for (int i = 0; i < f; i++) {
          di[i] *= activation.derivative(in[i]);
        }
      }
      // d(attentionOut) = dSum (the residual) + dInner · W1ᵀ, into dx    [n, h]
      for (int r = from; r < to; r++) {
        System.arraycopy(ws.dSum[r], 0, dx[r], 0, h);
      }
      kernels.dotRows(RowOps.rowsFrom(ws.dInner, from), to - from, p.intermediate, null, RowOps.rowsFrom(dx, from), true, 0, h);
    });
    parallel.forRange(h, 8, (from, to) -> kernels.outerAccumulate(k.attentionOut, ws.dInner, n, g.intermediate, from, to));
    RowOps.addRows(ws.dInner, n, g.intermediateBias);
    // attentionOut = LN(attentionSum): d(attentionSum) → dSum
    parallel.forRange(n, 8, (from, to) -> RowOps.layerNormBackward(dx, k.attentionSum, p.attentionNormGain, k.attentionMean, k.attentionRstd, ws.dSum, false, null, null, from, to));
    RowOps.normParameterGradients(dx, k.attentionSum, k.attentionMean, k.attentionRstd, g.attentionNormGain, g.attentionNormBias, n);
    // attentionSum = dropout(context · Wo + bo) + x
    float[][] dAttentionDense = ws.dSum;
    if (dropping) {
      parallel.forRange(n, 8, (from, to) -> RowOps.multiplyRows(ws.dSum, k.attentionDenseKeep, ws.dDense, from, to));
      dAttentionDense = ws.dDense;
    }
    float[][] dAttended = dAttentionDense;
    parallel.forRange(h, 8, (from, to) -> kernels.outerAccumulate(k.context, dAttended, n, g.attentionOutput, from, to));
    RowOps.addRows(dAttended, n, g.attentionOutputBias);
    parallel.forRange(n, 4, (from, to) -> kernels.dotRows(RowOps.rowsFrom(dAttended, from), to - from, p.attentionOutput, null, RowOps.rowsFrom(ws.dContext, from), false, 0, h));
    // attention per (sequence, head)
    boolean attentionDropping = config.attentionDropout() > 0;
    float scale = (float) (1 / Math.sqrt(d));
    parallel.forRange(b * heads, 1, (from, to) -> {
      for (int sh = from; sh < to; sh++) {
        int s = sh / heads;
        int offset = (sh % heads) * d;
        float[][] dContextH = ws.dContextH[sh];
        for (int i = 0; i < t; i++) {
          System.arraycopy(ws.dContext[s * t + i], offset, dContextH[i], 0, d);
        }
        float[][] probabilities = k.probabilities[sh];
        float[][] used = attentionDropping ? k.dropped[sh] : probabilities;
        float[][] dp = ws.dProbabilities[sh];
        // context = used · v: d(used) = dContext · vᵀ, dv = usedᵀ · dContext
        kernels.dotRows(dContextH, t, k.vh[sh], null, dp, false, 0, t);
        float[][] dvh = ws.dvh[sh];
        float[][] dkh = ws.dkh[sh];
        for (int j = 0; j < t; j++) {
          Arrays.fill(dvh[j], 0);
          Arrays.fill(dkh[j], 0);
        }
        kernels.outerAccumulate(used, dContextH, t, dvh, 0, t);
        // softmax: dS_j = P_j (dP_j − Σ P·dP), times the score scale
        for (int i = 0; i < t; i++) {
          float[] pi = probabilities[i];
          float[] di = dp[i];
          if (attentionDropping) {
            float[] keep = k.probabilitiesKeep[sh][i];
            for (int j = 0; j < t; j++) {
              di[j] *= keep[j];
            }
          }
          float dot = 0;
          for (int j = 0; j < t; j++) {
            dot += pi[j] * di[j];
          }
          for (int j = 0; j < t; j++) {
            di[j] = pi[j] * (di[j] - dot) * scale;
          }
        }
        // scores = q · kᵀ: dq = dS · k, dk = dSᵀ · q
        kernels.linear(dp, k.kh[sh], t, null, ws.dqh[sh], false, 0, t);
        kernels.outerAccumulate(dp, k.qh[sh], t, dkh, 0, t);
        for (int i = 0; i < t; i++) {
          System.arraycopy(ws.dqh[sh][i], 0, ws.dq[s * t + i], offset, d);
          System.arraycopy(dkh[i], 0, ws.dk[s * t + i], offset, d);
          System.arraycopy(dvh[i], 0, ws.dv[s * t + i], offset, d);
        }
      }
    });
    // q, k, v = x · W + b: weights, biases, and dx = dSum (the residual) + Σ d· Wᵀ
    parallel.forRange(h, 8, (from, to) -> {
      kernels.outerAccumulate(x, ws.dq, n, g.query, from, to);
      kernels.outerAccumulate(x, ws.dk, n, g.key, from, to);
      kernels.outerAccumulate(x, ws.dv, n, g.value, from, to);
    });
    RowOps.addRows(ws.dq, n, g.queryBias);
    RowOps.addRows(ws.dk, n, g.keyBias);
    RowOps.addRows(ws.dv, n, g.valueBias);
    parallel.forRange(n, 4, (from, to) -> {
      for (int r = from; r < to; r++) {
        System.arraycopy(ws.dSum[r], 0, dx[r], 0, h);
      }
      kernels.dotRows(RowOps.rowsFrom(ws.dq, from), to - from, p.query, null, RowOps.rowsFrom(dx, from), true, 0, h);
      kernels.dotRows(RowOps.rowsFrom(ws.dk, from), to - from, p.key, null, RowOps.rowsFrom(dx, from), true, 0, h);
      kernels.dotRows(RowOps.rowsFrom(ws.dv, from), to - from, p.value, null, RowOps.rowsFrom(dx, from), true, 0, h);
    });
  }
}
