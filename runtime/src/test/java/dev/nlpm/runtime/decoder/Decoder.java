package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.encoder.FeedForwardActivation;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.kernels.TiedEmbeddingGradient;
import dev.nlpm.runtime.kernels.TiedInputGradient;
import dev.nlpm.runtime.kernels.TransposedLogits;
import dev.nlpm.runtime.ops.Activation;
import dev.nlpm.runtime.ops.Attention;
import dev.nlpm.runtime.ops.AttentionMask;
import dev.nlpm.runtime.ops.CrossEntropy;
import dev.nlpm.runtime.ops.Dropout;
import dev.nlpm.runtime.ops.Embedding;
import dev.nlpm.runtime.ops.LayerNorm;
import dev.nlpm.runtime.ops.Linear;
import dev.nlpm.runtime.ops.Residual;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A GPT-2-style causal language model in float, composed of the same {@code dev.nlpm.runtime.ops}
 * ops, kernels and thread splitter as the encoder: token plus learned position embeddings;
 * pre-LayerNorm blocks {@code x += proj(attn(ln_1(x)))}, {@code x += mlp(ln_2(x))} with causal
 * multi-head attention through the fused {@code c_attn}; a final LayerNorm; logits through the
 * token embeddings (tied) or through {@code lm_head.weight}, a tensor of its own with its own
 * gradient ({@link DecoderConfig#tieEmbeddings} false). Weights are GPT-2's Conv1D layout, {@code [in, out]}, held as stored.
 * With a dropout rate, training drops out the embeddings, both residual branches and the
 * attention probabilities, the masks drawn from the call's seed.
 *
 * <p>{@link #train} runs the causal-LM objective on packed blocks (every position predicts the
 * next; the last of each sequence predicts nothing) forward and backward; its {@link #decoding}
 * feeds tokens against a {@link KeyValueCache} ({@code Attention.cachedStep}).
 *
 * <p>The hand-written composition of the GPT-2 shape, and the oracle of the generated {@code
 * <Model>Passes} that the facades hand out (codegen-tests' {@code DecoderPassesGeneratedTest} pins
 * them to this class's bits); the PyTorch fixtures pin this class ({@code DecoderInteropTest}).
 */
public final class Decoder implements DecoderPasses<Decoder.Workspace> {

  /** The rows of a decoder's parameters: {@link DecoderParameters#rows}. */
  public static ParameterRows parameters(ParameterLayout layout) {
    return DecoderParameters.rows(layout);
  }

  /** Activations of a training pass, allocated once for {@code maxBatch × maxLength}. */
  public static final class Workspace implements DecoderActivations {
    final int maxBatch;
    final int maxLength;
    final float[][] embedded, lnf, logits, dx, dLn, dAttnIn, dqkv, dctx;
    /** ln_f's output transposed, and the tied embeddings' gradient transposed: see {@link TiedEmbeddingGradient}. */
    final float[][] lnfTransposed, wteGradientTransposed;
    final float[] lnfMean, lnfRstd;
    final float[][][] input, ln1, qkv, context, x1, ln2, inner, activated;
    final float[][] ln1Mean, ln1Rstd, ln2Mean, ln2Rstd;
    final float[][][][] qh, kh, vh, probabilities, contextH;
    final float[][][] dqh, dkh, dvh, dContextH, dProbabilities;
    final float[][] dInner, dBranch;
    // dropout's keep factors (0 or 1/(1-p)) and the dropped probabilities; null without dropout
    final float[][] embeddingKeep;
    final float[][][] projKeep, mlpKeep;
    final float[][][][] probabilitiesKeep, dropped;
    boolean dropping;
    int batch;
    int length;

    Workspace(DecoderConfig c, int maxBatch, int maxLength) {
      this.maxBatch = maxBatch;
      this.maxLength = maxLength;
      int n = maxBatch * maxLength;
      int h = c.hidden();
      int f = c.intermediate();
      int d = c.headSize();
      int l = c.layers();
      int sh = maxBatch * c.heads();
      embedded = new float[n][h];
      lnf = new float[n][h];
      logits = new float[n][c.vocab()];
      lnfTransposed = new float[h][n];
      wteGradientTransposed = new float[h][c.vocab()];
      dx = new float[n][h];
      dLn = new float[n][h];
      dAttnIn = new float[n][h];
      dqkv = new float[n][3 * h];
      dctx = new float[n][h];
      dInner = new float[n][f];
      lnfMean = new float[n];
      lnfRstd = new float[n];
      input = new float[l][n][h];
      ln1 = new float[l][n][h];
      qkv = new float[l][n][3 * h];
      context = new float[l][n][h];
      x1 = new float[l][n][h];
      ln2 = new float[l][n][h];
      inner = new float[l][n][f];
      activated = new float[l][n][f];
      ln1Mean = new float[l][n];
      ln1Rstd = new float[l][n];
      ln2Mean = new float[l][n];
      ln2Rstd = new float[l][n];
      qh = new float[l][sh][maxLength][d];
      kh = new float[l][sh][maxLength][d];
      vh = new float[l][sh][maxLength][d];
      contextH = new float[l][sh][maxLength][d];
      probabilities = new float[l][sh][maxLength][maxLength];
      dqh = new float[sh][maxLength][d];
      dkh = new float[sh][maxLength][d];
      dvh = new float[sh][maxLength][d];
      dContextH = new float[sh][maxLength][d];
      dProbabilities = new float[sh][maxLength][maxLength];
      dBranch = new float[n][h];
      boolean dropout = c.dropout() > 0;
      embeddingKeep = dropout ? new float[n][h] : null;
      projKeep = dropout ? new float[l][n][h] : null;
      mlpKeep = dropout ? new float[l][n][h] : null;
      probabilitiesKeep = dropout ? new float[l][sh][maxLength][maxLength] : null;
      dropped = dropout ? new float[l][sh][maxLength][maxLength] : null;
    }

    @Override
    public int maxBatch() {
      return maxBatch;
    }

    @Override
    public int maxLength() {
      return maxLength;
    }

    @Override
    public float[] logits(int row) {
      return logits[row];
    }

    @Override
    public float[] hidden(int row) {
      return lnf[row];
    }
  }

  private final DecoderConfig config;
  private final ProductKernels kernels;
  private final ParameterRows parameters;
  private final DecoderTensors w;
  private final Parallel parallel;
  /** Cached decoding over the same parameters; its output logits (the output's weight held transposed) serve the training pass too. */
  private final CachedDecoding decoding;
  /** The tensors of the gradient buffer last trained into, looked up once rather than every step. */
  private volatile GradientTensors gradientTensors;

  private record GradientTensors(ParameterRows buffer, DecoderTensors tensors) {}

  private DecoderTensors gradientTensors(ParameterRows gradients) {
    GradientTensors cached = gradientTensors;
    if (cached == null || cached.buffer() != gradients) {
      cached = new GradientTensors(gradients, new DecoderTensors(gradients, config, DecoderShape.gpt2(config.hidden())));
      gradientTensors = cached;
    }
    return cached.tensors();
  }

  public Decoder(DecoderConfig config, ProductKernels kernels, ParameterRows parameters, Parallel parallel) {
    this.config = Objects.requireNonNull(config, "config");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.parallel = Objects.requireNonNull(parallel, "parallel");
    this.w = new DecoderTensors(parameters, config, DecoderShape.gpt2(config.hidden()));
    this.decoding = new CachedDecoding(config, kernels, parameters, parallel);
  }

  @Override
  public DecoderConfig config() {
    return config;
  }

  @Override
  public ParameterRows parameters() {
    return parameters;
  }

  @Override
  public ProductKernels kernels() {
    return kernels;
  }

  @Override
  public CachedDecoding decoding() {
    return decoding;
  }

  @Override
  public Workspace workspace(int maxBatch, int maxLength) {
    if (maxLength > config.maxPositions()) {
      throw new IllegalArgumentException("sequence capacity " + maxLength + " exceeds the model's " + config.maxPositions() + " positions");
    }
    return new Workspace(config, maxBatch, maxLength);
  }

  // ================================================================================================
  // Training pass
  // ================================================================================================

  @Override
  public void forward(int[] ids, int batch, int length, Workspace ws) {
    forward(ids, batch, length, ws, false, 0);
  }

  private void forward(int[] ids, int batch, int length, Workspace ws, boolean training, long seed) {
    if (batch > ws.maxBatch || length > ws.maxLength) {
      throw new IllegalArgumentException("batch " + batch + " × " + length + " exceeds the workspace's " + ws.maxBatch + " × " + ws.maxLength);
    }
    if (ids.length != batch * length) {
      throw new IllegalArgumentException(ids.length + " ids for " + batch + " × " + length);
    }
    ws.batch = batch;
    ws.length = length;
    ws.dropping = training && config.dropout() > 0;
    SplittableRandom random = new SplittableRandom(seed);
    int n = batch * length;
    int h = config.hidden();
    for (int r = 0; r < n; r++) {
      if (ids[r] < 0 || ids[r] >= config.vocab()) {
        throw new IllegalArgumentException("token id " + ids[r] + " at row " + r + " is outside the vocabulary 0.." + (config.vocab() - 1));
      }
    }
    // x = wte[ids] + wpe[positions], dropped out    [n, h]
    Embedding.forward(w.wte, ids, ws.embedded, h, false, 0, n);
    Embedding.forwardPositions(w.positions, length, 0, ws.embedded, h, true, 0, n);
    float rate = config.dropout();
    if (ws.dropping) {
      Dropout.draw(ws.embeddingKeep, h, rate, random, 0, n);
      Dropout.apply(ws.embedded, ws.embeddingKeep, ws.embedded, h, 0, n);
    }
    float[][] x = ws.embedded;
    for (int l = 0; l < config.layers(); l++) {
      if (ws.dropping) {
        // a block's masks drawn before it runs: the projection's, the MLP's, then attention's per (sequence, head),
        // each of attention's rows over the workspace's whole capacity (as they always were, so a seed keeps its masks)
        Dropout.draw(ws.projKeep[l], h, rate, random, 0, n);
        Dropout.draw(ws.mlpKeep[l], h, rate, random, 0, n);
        for (int sh = 0; sh < batch * config.heads(); sh++) {
          Dropout.draw(ws.probabilitiesKeep[l][sh], ws.maxLength, rate, random, 0, length);
        }
      }
      x = blockForward(l, x, ws);
    }
    float[][] last = x;
    parallel.forRange(n, 8, (from, to) -> LayerNorm.forward(last, w.lnfGain, w.lnfBias, ws.lnf, ws.lnfMean, ws.lnfRstd, config.eps(), from, to));
    // logits = ln_f(x) · Wᵀ    [n, vocab] (W = wte, or lm_head untied), through W transposed (remade after each optimizer step)
    decoding.outputLogits(ws.lnf, n, ws.logits);
  }

  private float[][] blockForward(int l, float[][] x, Workspace ws) {
    DecoderTensors.Block p = w.blocks[l];
    int b = ws.batch;
    int t = ws.length;
    int n = b * t;
    int h = config.hidden();
    int heads = config.heads();
    int d = config.headSize();
    float[][] in = ws.input[l];
    for (int r = 0; r < n; r++) {
      System.arraycopy(x[r], 0, in[r], 0, h);
    }
    // a = ln_1(x); qkv = a · c_attn + b    [n, 3h]
    float[][] qkv = ws.qkv[l];
    parallel.forRange(n, 4, (from, to) -> {
      LayerNorm.forward(in, p.ln1Gain, p.ln1Bias, ws.ln1[l], ws.ln1Mean[l], ws.ln1Rstd[l], config.eps(), from, to);
      Linear.forward(kernels, ws.ln1[l], p.attn, h, p.attnBias, qkv, false, from, to);
    });
    // causal attention per (sequence, head), q, k and v at columns 0, h and 2h of qkv    [b·heads, t, d]
    float[][][] keep = ws.dropping ? ws.probabilitiesKeep[l] : null;
    float[][][] dropped = ws.dropping ? ws.dropped[l] : null;
    parallel.forRange(b * heads, 1, (from, to) -> Attention.forward(kernels, qkv, 0, qkv, h, qkv, 2 * h, t, heads, d, AttentionMask.causal(),
        ws.qh[l], ws.kh[l], ws.vh[l], ws.probabilities[l], keep, dropped, ws.contextH[l], ws.context[l], from, to));
    // x1 = x + dropout(context · c_proj + b); m = ln_2(x1); x2 = x1 + dropout(act(m · c_fc + b) · c_proj + b)
    FeedForwardActivation activation = config.activation();
    int f = config.intermediate();
    float[][] out = ws.x1[l];
    float[][] projKeep = ws.dropping ? ws.projKeep[l] : null;
    float[][] mlpKeep = ws.dropping ? ws.mlpKeep[l] : null;
    parallel.forRange(n, 4, (from, to) -> {
      Linear.forward(kernels, ws.context[l], p.proj, h, p.projBias, out, false, from, to);
      Residual.forward(out, projKeep, in, out, h, from, to);
      LayerNorm.forward(out, p.ln2Gain, p.ln2Bias, ws.ln2[l], ws.ln2Mean[l], ws.ln2Rstd[l], config.eps(), from, to);
      Linear.forward(kernels, ws.ln2[l], p.fc, h, p.fcBias, ws.inner[l], false, from, to);
      Activation.forward(activation, ws.inner[l], ws.activated[l], f, from, to);
      // the block's output goes to the embedded buffer's rows (free after the first block read them)
      Linear.forward(kernels, ws.activated[l], p.mlpProj, f, p.mlpProjBias, ws.embedded, false, from, to);
      Residual.forward(ws.embedded, mlpKeep, out, ws.embedded, h, from, to);
    });
    return ws.embedded;
  }

  @Override
  public float train(int[] ids, int[] labels, int batch, int length, Workspace ws, ParameterRows gradients, long dropoutSeed) {
    forward(ids, batch, length, ws, true, dropoutSeed);
    int n = batch * length;
    int[] targets = new int[n];
    int[] source = labels == null ? ids : labels;
    for (int r = 0; r < n; r++) {
      targets[r] = r % length == length - 1 ? -100 : source[r + 1];
    }
    float loss = CrossEntropy.forwardBackward(ws.logits, targets, n, config.vocab(), ws.logits);
    backward(ids, ws, gradientTensors(gradients));
    return loss;
  }

  @Override
  public float loss(int[] ids, int batch, int length, Workspace ws) {
    forward(ids, batch, length, ws);
    int n = batch * length;
    int[] targets = new int[n];
    for (int r = 0; r < n; r++) {
      targets[r] = r % length == length - 1 ? -100 : ids[r + 1];
    }
    return CrossEntropy.forwardBackward(ws.logits, targets, n, config.vocab(), null);
  }

  // ================================================================================================
  // Backward (ws.logits holds d(loss)/d(logits))
  // ================================================================================================

  private void backward(int[] ids, Workspace ws, DecoderTensors g) {
    int b = ws.batch;
    int t = ws.length;
    int n = b * t;
    int h = config.hidden();
    // logits = lnf · Wᵀ (W = wte, or lm_head when untied): d(lnf) = dLogits · W; d(W) += dLogitsᵀ · lnf
    parallel.forRange(n, TiedInputGradient.BLOCK, (from, to) -> TiedInputGradient.product(ws.logits, w.output, config.vocab(), ws.dLn, from, to));
    TiedEmbeddingGradient.transpose(ws.lnf, n, ws.lnfTransposed);
    parallel.forRange(config.vocab(), TiedEmbeddingGradient.TILE, (from, to) -> TiedEmbeddingGradient.accumulate(ws.lnfTransposed, n, ws.logits,
        ws.wteGradientTransposed, g.output, from, to));
    // ln_f, whose input (the last block's output) is still in the embedded buffer
    float[][] finalInput = ws.embedded;
    parallel.forRange(n, 8, (from, to) -> LayerNorm.backward(ws.dLn, finalInput, w.lnfGain, ws.lnfMean, ws.lnfRstd, ws.dx, false,
        null, null, from, to));
    LayerNorm.parameterGradients(ws.dLn, finalInput, ws.lnfMean, ws.lnfRstd, g.lnfGain, g.lnfBias, 0, n);
    for (int l = config.layers() - 1; l >= 0; l--) {
      blockBackward(l, ws, g);
    }
    // embeddings (through their dropout)
    if (ws.dropping) {
      Dropout.backward(ws.dx, ws.embeddingKeep, ws.dx, h, false, 0, n);
    }
    Embedding.backward(ws.dx, ids, g.wte, h, 0, n);
    Embedding.backwardPositions(ws.dx, t, 0, g.positions, h, 0, n);
  }

  /** On entry {@code ws.dx} holds d(block output); on exit d(block input). */
  private void blockBackward(int l, Workspace ws, DecoderTensors gradients) {
    DecoderTensors.Block p = w.blocks[l];
    DecoderTensors.Block g = gradients.blocks[l];
    int b = ws.batch;
    int t = ws.length;
    int n = b * t;
    int h = config.hidden();
    int f = config.intermediate();
    int heads = config.heads();
    int d = config.headSize();
    float[][] dx = ws.dx;
    FeedForwardActivation activation = config.activation();
    // x2 = x1 + dropout(mlp): d(mlp) = dx (· keep); d(activated) = d(mlp) · mlpProjᵀ; through the activation; d(ln2) = dInner · fcᵀ
    float[][] dMlp = branch(dx, ws.dropping ? ws.mlpKeep[l] : null, ws.dBranch, n);
    parallel.forRange(f, 8, (from, to) -> Linear.backwardWeights(kernels, ws.activated[l], dMlp, n, g.mlpProj, from, to));
    Linear.backwardBias(dMlp, n, g.mlpProjBias);
    parallel.forRange(n, 4, (from, to) -> {
      Linear.backwardInput(kernels, dMlp, p.mlpProj, f, ws.dInner, false, from, to);
      Activation.backward(activation, ws.inner[l], ws.dInner, ws.dInner, f, from, to);
      Linear.backwardInput(kernels, ws.dInner, p.fc, h, ws.dLn, false, from, to);
      // d(x1) = dx + ln_2's backward of d(ln2), accumulated into dx
      LayerNorm.backward(ws.dLn, ws.x1[l], p.ln2Gain, ws.ln2Mean[l], ws.ln2Rstd[l], dx, true, null, null, from, to);
    });
    parallel.forRange(h, 8, (from, to) -> Linear.backwardWeights(kernels, ws.ln2[l], ws.dInner, n, g.fc, from, to));
    Linear.backwardBias(ws.dInner, n, g.fcBias);
    LayerNorm.parameterGradients(ws.dLn, ws.x1[l], ws.ln2Mean[l], ws.ln2Rstd[l], g.ln2Gain, g.ln2Bias, 0, n);
    // x1 = x + dropout(context · c_proj + b): d(proj) = dx (· keep); d(context) = d(proj) · c_projᵀ
    float[][] dProj = branch(dx, ws.dropping ? ws.projKeep[l] : null, ws.dBranch, n);
    parallel.forRange(h, 8, (from, to) -> Linear.backwardWeights(kernels, ws.context[l], dProj, n, g.proj, from, to));
    Linear.backwardBias(dProj, n, g.projBias);
    parallel.forRange(n, 4, (from, to) -> Linear.backwardInput(kernels, dProj, p.proj, h, ws.dctx, false, from, to));
    // causal attention per (sequence, head), into dqkv's columns 0, h and 2h
    float[][][] keep = ws.dropping ? ws.probabilitiesKeep[l] : null;
    float[][][] dropped = ws.dropping ? ws.dropped[l] : null;
    parallel.forRange(b * heads, 1, (from, to) -> Attention.backward(kernels, ws.dctx, t, heads, d, AttentionMask.causal(),
        ws.qh[l], ws.kh[l], ws.vh[l], ws.probabilities[l], keep, dropped, ws.dContextH, ws.dProbabilities, ws.dqh, ws.dkh, ws.dvh,
        ws.dqkv, 0, ws.dqkv, h, ws.dqkv, 2 * h, from, to));
    // qkv = ln1 · c_attn + b: d(ln1) = dqkv · c_attnᵀ; d(x) = dx + ln_1's backward
    parallel.forRange(h, 8, (from, to) -> Linear.backwardWeights(kernels, ws.ln1[l], ws.dqkv, n, g.attn, from, to));
    Linear.backwardBias(ws.dqkv, n, g.attnBias);
    parallel.forRange(n, 4, (from, to) -> {
      Linear.backwardInput(kernels, ws.dqkv, p.attn, h, ws.dLn, false, from, to);
      LayerNorm.backward(ws.dLn, ws.input[l], p.ln1Gain, ws.ln1Mean[l], ws.ln1Rstd[l], dx, true, null, null, from, to);
    });
    LayerNorm.parameterGradients(ws.dLn, ws.input[l], ws.ln1Mean[l], ws.ln1Rstd[l], g.ln1Gain, g.ln1Bias, 0, n);
  }

  /** The gradient into a residual branch: {@code dx} itself without dropout, else {@code dx · keep} in {@code scratch}. */
  private float[][] branch(float[][] dx, float[][] keep, float[][] scratch, int n) {
    if (keep == null) {
      return dx;
    }
    Dropout.backward(dx, keep, scratch, config.hidden(), false, 0, n);
    return scratch;
  }
}
