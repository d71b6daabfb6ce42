package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.encoder.EncoderKernels;
import dev.nlpm.runtime.encoder.EncoderParameters;
import dev.nlpm.runtime.encoder.FeedForwardActivation;
import dev.nlpm.runtime.encoder.Parallel;
import dev.nlpm.runtime.encoder.RowOps;
import dev.nlpm.runtime.layout.ParameterLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A GPT-2-style causal language model in float, over the same row kernels and thread splitter as
 * the encoder: token plus learned position embeddings; pre-LayerNorm blocks {@code x += proj(attn(
 * ln_1(x)))}, {@code x += mlp(ln_2(x))} with causal multi-head attention through the fused {@code
 * c_attn}; a final LayerNorm; logits through the token embeddings (tied). Weights are GPT-2's
 * Conv1D layout, {@code [in, out]}, held as stored. Dropout is not implemented (0, as at
 * inference and as in the reference comparison).
 *
 * <p>{@link #train} runs the causal-LM objective on packed blocks (every position predicts the
 * next; the last of each sequence predicts nothing) forward and backward; {@link Cache} runs one
 * token at a time against cached keys and values.
 */
public final class Decoder {

  /**
   * The rows of a decoder's parameters. GPT-2's Conv1D weights are stored {@code [in, out]} and held
   * as stored; the blockwise proposal heads ({@code blockwise_heads.{i}.dense}) are linear layers
   * stored {@code [out, in]} like PyTorch's {@code nn.Linear}, held transposed so that every weight
   * reads {@code [in][out]}.
   */
  public static EncoderParameters parameters(ParameterLayout layout) {
    return new EncoderParameters(layout, slot -> slot.name().startsWith(ProposalHeads.PREFIX));
  }

  private static final class Block {
    final float[] ln1Gain, ln1Bias, attnBias, projBias, ln2Gain, ln2Bias, fcBias, mlpProjBias;
    final float[][] attn, proj, fc, mlpProj;

    Block(EncoderParameters p, int l) {
      String n = "h." + l + ".";
      ln1Gain = p.vector(n + "ln_1.weight");
      ln1Bias = p.vector(n + "ln_1.bias");
      attn = p.matrix(n + "attn.c_attn.weight");
      attnBias = p.vector(n + "attn.c_attn.bias");
      proj = p.matrix(n + "attn.c_proj.weight");
      projBias = p.vector(n + "attn.c_proj.bias");
      ln2Gain = p.vector(n + "ln_2.weight");
      ln2Bias = p.vector(n + "ln_2.bias");
      fc = p.matrix(n + "mlp.c_fc.weight");
      fcBias = p.vector(n + "mlp.c_fc.bias");
      mlpProj = p.matrix(n + "mlp.c_proj.weight");
      mlpProjBias = p.vector(n + "mlp.c_proj.bias");
    }
  }

  private static final class Tensors {
    final float[][] wte, wpe;
    final float[] lnfGain, lnfBias;
    final Block[] blocks;

    Tensors(EncoderParameters p, int layers) {
      wte = p.matrix("wte.weight");
      wpe = p.matrix("wpe.weight");
      lnfGain = p.vector("ln_f.weight");
      lnfBias = p.vector("ln_f.bias");
      blocks = new Block[layers];
      for (int l = 0; l < layers; l++) {
        blocks[l] = new Block(p, l);
      }
    }
  }

  /** Activations of a training pass, allocated once for {@code maxBatch × maxLength}. */
  public static final class Workspace {
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

    /** The logits at row {@code b·length + t} of the last pass. */
    public float[] logits(int row) {
      return logits[row];
    }

    /** The final LayerNorm's output at a row. */
    public float[] hidden(int row) {
      return lnf[row];
    }
  }

  private final DecoderConfig config;
  private final EncoderKernels kernels;
  private final EncoderParameters parameters;
  private final Tensors w;
  private final Parallel parallel;
  /** wte transposed for the logits, remade when the parameters change. */
  private final TransposedLogits transposedLogits;
  /** The tensors of the gradient buffer last trained into, looked up once rather than every step. */
  private volatile GradientTensors gradientTensors;

  private record GradientTensors(EncoderParameters buffer, Tensors tensors) {}

  private Tensors gradientTensors(EncoderParameters gradients) {
    GradientTensors cached = gradientTensors;
    if (cached == null || cached.buffer() != gradients) {
      cached = new GradientTensors(gradients, new Tensors(gradients, config.layers()));
      gradientTensors = cached;
    }
    return cached.tensors();
  }

  public Decoder(DecoderConfig config, EncoderKernels kernels, EncoderParameters parameters, Parallel parallel) {
    this.config = Objects.requireNonNull(config, "config");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.parallel = Objects.requireNonNull(parallel, "parallel");
    this.w = new Tensors(parameters, config.layers());
    this.transposedLogits = new TransposedLogits(parameters, w.wte);
  }

  public DecoderConfig config() {
    return config;
  }

  public EncoderParameters parameters() {
    return parameters;
  }

  EncoderKernels kernels() {
    return kernels;
  }

  Parallel parallel() {
    return parallel;
  }

  /** The token embeddings, which the tied output multiplies by. */
  float[][] tokenEmbeddings() {
    return w.wte;
  }

  public Workspace workspace(int maxBatch, int maxLength) {
    if (maxLength > config.maxPositions()) {
      throw new IllegalArgumentException("sequence capacity " + maxLength + " exceeds the model's " + config.maxPositions() + " positions");
    }
    return new Workspace(config, maxBatch, maxLength);
  }

  // ================================================================================================
  // Training pass
  // ================================================================================================

  /** Logits for every position of {@code batch} sequences of {@code length} tokens, no loss, no dropout. */
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
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    int n = batch * length;
    int h = config.hidden();
    for (int r = 0; r < n; r++) {
      if (ids[r] < 0 || ids[r] >= config.vocab()) {
        throw new IllegalArgumentException("token id " + ids[r] + " at row " + r + " is outside the vocabulary 0.." + (config.vocab() - 1));
      }
      float[] e = ws.embedded[r];
      float[] token = w.wte[ids[r]];
      float[] position = w.wpe[r % length];
      for (int i = 0; i < h; i++) {
        e[i] = token[i] + position[i];
      }
    }
    if (ws.dropping) {
      draw(ws.embeddingKeep, n, random);
      multiply(ws.embedded, ws.embeddingKeep, n);
    }
    float[][] x = ws.embedded;
    for (int l = 0; l < config.layers(); l++) {
      if (ws.dropping) {
        draw(ws.projKeep[l], n, random);
        draw(ws.mlpKeep[l], n, random);
        for (int sh = 0; sh < batch * config.heads(); sh++) {
          draw(ws.probabilitiesKeep[l][sh], length, random);
        }
      }
      x = blockForward(l, x, ws);
    }
    float[][] last = x;
    parallel.forRange(n, 8, (from, to) -> RowOps.layerNorm(last, w.lnfGain, w.lnfBias, ws.lnf, ws.lnfMean, ws.lnfRstd, config.eps(), from, to));
    // logits = ln_f(x) · wteᵀ    [n, vocab], through wte transposed (remade after each optimizer step)
    tiedLogits(ws.lnf, n, ws.logits);
  }

  private float[][] blockForward(int l, float[][] x, Workspace ws) {
    Block p = w.blocks[l];
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
    parallel.forRange(n, 4, (from, to) -> {
      RowOps.layerNorm(in, p.ln1Gain, p.ln1Bias, ws.ln1[l], ws.ln1Mean[l], ws.ln1Rstd[l], config.eps(), from, to);
      kernels.linear(ws.ln1[l], p.attn, h, p.attnBias, ws.qkv[l], false, from, to);
    });
    // causal attention per (sequence, head)
    float scale = (float) (1 / Math.sqrt(d));
    parallel.forRange(b * heads, 1, (from, to) -> {
      for (int sh = from; sh < to; sh++) {
        int s = sh / heads;
        int offset = (sh % heads) * d;
        float[][] qh = ws.qh[l][sh];
        float[][] kh = ws.kh[l][sh];
        float[][] vh = ws.vh[l][sh];
        for (int i = 0; i < t; i++) {
          float[] row = ws.qkv[l][s * t + i];
          System.arraycopy(row, offset, qh[i], 0, d);
          System.arraycopy(row, h + offset, kh[i], 0, d);
          System.arraycopy(row, 2 * h + offset, vh[i], 0, d);
        }
        float[][] probabilities = ws.probabilities[l][sh];
        kernels.dotRows(qh, t, kh, null, probabilities, false, 0, t);
        for (int i = 0; i < t; i++) {
          causalSoftmax(probabilities[i], i, t, scale);
        }
        float[][] used = probabilities;
        if (ws.dropping) {
          used = ws.dropped[l][sh];
          for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
              used[i][j] = probabilities[i][j] * ws.probabilitiesKeep[l][sh][i][j];
            }
          }
        }
        kernels.linear(used, vh, t, null, ws.contextH[l][sh], false, 0, t);
        for (int i = 0; i < t; i++) {
          System.arraycopy(ws.contextH[l][sh][i], 0, ws.context[l][s * t + i], offset, d);
        }
      }
    });
    // x1 = x + context · c_proj + b; m = ln_2(x1); x2 = x1 + act(m · c_fc + b) · c_proj + b
    FeedForwardActivation activation = config.activation();
    int f = config.intermediate();
    float[][] out = ws.x1[l];
    parallel.forRange(n, 4, (from, to) -> {
      kernels.linear(ws.context[l], p.proj, h, p.projBias, out, false, from, to);
      for (int r = from; r < to; r++) {
        float[] keep = ws.dropping ? ws.projKeep[l][r] : null;
        for (int i = 0; i < h; i++) {
          out[r][i] = (keep == null ? out[r][i] : out[r][i] * keep[i]) + in[r][i];
        }
      }
      RowOps.layerNorm(out, p.ln2Gain, p.ln2Bias, ws.ln2[l], ws.ln2Mean[l], ws.ln2Rstd[l], config.eps(), from, to);
      kernels.linear(ws.ln2[l], p.fc, h, p.fcBias, ws.inner[l], false, from, to);
      for (int r = from; r < to; r++) {
        float[] i0 = ws.inner[l][r];
        float[] a0 = ws.activated[l][r];
        for (int i = 0; i < f; i++) {
          a0[i] = activation.apply(i0[i]);
        }
      }
      // the block's output goes to the embedded buffer's rows (free after the first block read them)
      kernels.linear(ws.activated[l], p.mlpProj, f, p.mlpProjBias, ws.embedded, false, from, to);
      for (int r = from; r < to; r++) {
        float[] keep = ws.dropping ? ws.mlpKeep[l][r] : null;
        for (int i = 0; i < h; i++) {
          ws.embedded[r][i] = (keep == null ? ws.embedded[r][i] : ws.embedded[r][i] * keep[i]) + out[r][i];
        }
      }
    });
    return ws.embedded;
  }

  /** Draws dropout's keep factors for rows {@code [0, n)}: 0 at the rate, else {@code 1/(1 − rate)}. */
  private void draw(float[][] keep, int n, java.util.SplittableRandom random) {
    float rate = config.dropout();
    float scale = 1 / (1 - rate);
    for (int r = 0; r < n; r++) {
      float[] row = keep[r];
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextDouble() < rate ? 0 : scale;
      }
    }
  }

  /** The gradient into a residual branch: {@code dx} itself without dropout, else {@code dx · keep} in {@code scratch}. */
  private static float[][] branch(float[][] dx, float[][] keep, float[][] scratch, int n) {
    if (keep == null) {
      return dx;
    }
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < dx[r].length; i++) {
        scratch[r][i] = dx[r][i] * keep[r][i];
      }
    }
    return scratch;
  }

  private static void multiply(float[][] x, float[][] factors, int n) {
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < x[r].length; i++) {
        x[r][i] *= factors[r][i];
      }
    }
  }

  /** Softmax of the scaled scores over keys {@code 0..i}; later keys get probability 0. */
  private static void causalSoftmax(float[] row, int i, int t, float scale) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j <= i; j++) {
      row[j] *= scale;
      max = Math.max(max, row[j]);
    }
    float sum = 0;
    for (int j = 0; j <= i; j++) {
      float e = (float) Math.exp(row[j] - max);
      row[j] = e;
      sum += e;
    }
    float inverse = 1 / sum;
    for (int j = 0; j <= i; j++) {
      row[j] *= inverse;
    }
    Arrays.fill(row, i + 1, t, 0f);
  }

  /**
   * The causal-LM loss of {@code batch} packed sequences (position {@code t} predicts token {@code
   * t + 1}; {@code labels}, when given, replace the ids as targets and may hold {@code -100}), with
   * its gradients added into {@code gradients}; returns the mean loss.
   */
  public float train(int[] ids, int[] labels, int batch, int length, Workspace ws, EncoderParameters gradients) {
    return train(ids, labels, batch, length, ws, gradients, 0);
  }

  /** As {@link #train(int[], int[], int, int, Workspace, EncoderParameters)}, with dropout drawn from {@code dropoutSeed}. */
  public float train(int[] ids, int[] labels, int batch, int length, Workspace ws, EncoderParameters gradients, long dropoutSeed) {
    forward(ids, batch, length, ws, true, dropoutSeed);
    int n = batch * length;
    int[] targets = new int[n];
    int[] source = labels == null ? ids : labels;
    for (int r = 0; r < n; r++) {
      targets[r] = r % length == length - 1 ? -100 : source[r + 1];
    }
    float loss = RowOps.crossEntropy(ws.logits, targets, n, config.vocab(), ws.logits);
    backward(ids, ws, gradientTensors(gradients));
    return loss;
  }

  /** The mean causal-LM loss without gradients. */
  public float loss(int[] ids, int batch, int length, Workspace ws) {
    forward(ids, batch, length, ws);
    int n = batch * length;
    int[] targets = new int[n];
    for (int r = 0; r < n; r++) {
      targets[r] = r % length == length - 1 ? -100 : ids[r + 1];
    }
    return RowOps.crossEntropy(ws.logits, targets, n, config.vocab(), null);
  }

  // ================================================================================================
  // Backward (ws.logits holds d(loss)/d(logits))
  // ================================================================================================

  private void backward(int[] ids, Workspace ws, Tensors g) {
    int b = ws.batch;
    int t = ws.length;
    int n = b * t;
    int h = config.hidden();
    // logits = lnf · wteᵀ: d(lnf) = dLogits · wte; d(wte) += dLogitsᵀ · lnf
    parallel.forRange(n, TiedInputGradient.BLOCK, (from, to) -> TiedInputGradient.product(ws.logits, w.wte, config.vocab(), ws.dLn, from, to));
    TiedEmbeddingGradient.transpose(ws.lnf, n, ws.lnfTransposed);
    parallel.forRange(config.vocab(), TiedEmbeddingGradient.TILE, (from, to) -> TiedEmbeddingGradient.accumulate(ws.lnfTransposed, n, ws.logits,
        ws.wteGradientTransposed, g.wte, from, to));
    // ln_f, whose input (the last block's output) is still in the embedded buffer
    float[][] finalInput = ws.embedded;
    parallel.forRange(n, 8, (from, to) -> RowOps.layerNormBackward(ws.dLn, finalInput, w.lnfGain, ws.lnfMean, ws.lnfRstd, ws.dx, false,
        null, null, from, to));
    RowOps.normParameterGradients(ws.dLn, finalInput, ws.lnfMean, ws.lnfRstd, g.lnfGain, g.lnfBias, 0, n);
    for (int l = config.layers() - 1; l >= 0; l--) {
      blockBackward(l, ws, g);
    }
    // embeddings (through their dropout)
    if (ws.dropping) {
      multiply(ws.dx, ws.embeddingKeep, n);
    }
    for (int r = 0; r < n; r++) {
      float[] dr = ws.dx[r];
      float[] token = g.wte[ids[r]];
      float[] position = g.wpe[r % t];
      for (int i = 0; i < h; i++) {
        token[i] += dr[i];
        position[i] += dr[i];
      }
    }
  }

  /** On entry {@code ws.dx} holds d(block output); on exit d(block input). */
  private void blockBackward(int l, Workspace ws, Tensors gradients) {
    Block p = w.blocks[l];
    Block g = gradients.blocks[l];
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
    parallel.forRange(f, 8, (from, to) -> kernels.outerAccumulate(ws.activated[l], dMlp, n, g.mlpProj, from, to));
    RowOps.addRows(dMlp, n, g.mlpProjBias);
    parallel.forRange(n, 4, (from, to) -> {
      kernels.dotRows(RowOps.rowsFrom(dMlp, from), to - from, p.mlpProj, null, RowOps.rowsFrom(ws.dInner, from), false, 0, f);
      for (int r = from; r < to; r++) {
        float[] di = ws.dInner[r];
        float[] in = ws.inner[l][r];
        for (int i = 0; i < f; i++) {
          di[i] *= activation.derivative(in[i]);
        }
      }
      kernels.dotRows(RowOps.rowsFrom(ws.dInner, from), to - from, p.fc, null, RowOps.rowsFrom(ws.dLn, from), false, 0, h);
      // d(x1) = dx + ln_2's backward of d(ln2), accumulated into dx
      RowOps.layerNormBackward(ws.dLn, ws.x1[l], p.ln2Gain, ws.ln2Mean[l], ws.ln2Rstd[l], dx, true, null, null, from, to);
    });
    parallel.forRange(h, 8, (from, to) -> kernels.outerAccumulate(ws.ln2[l], ws.dInner, n, g.fc, from, to));
    RowOps.addRows(ws.dInner, n, g.fcBias);
    RowOps.normParameterGradients(ws.dLn, ws.x1[l], ws.ln2Mean[l], ws.ln2Rstd[l], g.ln2Gain, g.ln2Bias, 0, n);
    // x1 = x + dropout(context · c_proj + b): d(proj) = dx (· keep); d(context) = d(proj) · c_projᵀ
    float[][] dProj = branch(dx, ws.dropping ? ws.projKeep[l] : null, ws.dBranch, n);
    parallel.forRange(h, 8, (from, to) -> kernels.outerAccumulate(ws.context[l], dProj, n, g.proj, from, to));
    RowOps.addRows(dProj, n, g.projBias);
    parallel.forRange(n, 4, (from, to) -> kernels.dotRows(RowOps.rowsFrom(dProj, from), to - from, p.proj, null, RowOps.rowsFrom(ws.dctx, from), false, 0, h));
    // causal attention per (sequence, head)
    float scale = (float) (1 / Math.sqrt(d));
    parallel.forRange(b * heads, 1, (from, to) -> {
      for (int sh = from; sh < to; sh++) {
        int s = sh / heads;
        int offset = (sh % heads) * d;
        float[][] dContextH = ws.dContextH[sh];
        for (int i = 0; i < t; i++) {
          System.arraycopy(ws.dctx[s * t + i], offset, dContextH[i], 0, d);
        }
        float[][] probabilities = ws.probabilities[l][sh];
        float[][] dp = ws.dProbabilities[sh];
        float[][] dvh = ws.dvh[sh];
        float[][] dkh = ws.dkh[sh];
        for (int j = 0; j < t; j++) {
          Arrays.fill(dvh[j], 0);
          Arrays.fill(dkh[j], 0);
        }
        kernels.dotRows(dContextH, t, ws.vh[l][sh], null, dp, false, 0, t);
        kernels.outerAccumulate(ws.dropping ? ws.dropped[l][sh] : probabilities, dContextH, t, dvh, 0, t);
        for (int i = 0; i < t; i++) {
          float[] pi = probabilities[i];
          float[] di = dp[i];
          if (ws.dropping) {
            float[] keep = ws.probabilitiesKeep[l][sh][i];
            for (int j = 0; j <= i; j++) {
              di[j] *= keep[j];
            }
          }
          float dot = 0;
          for (int j = 0; j <= i; j++) {
            dot += pi[j] * di[j];
          }
          for (int j = 0; j <= i; j++) {
            di[j] = pi[j] * (di[j] - dot) * scale;
          }
          Arrays.fill(di, i + 1, t, 0f);
        }
        kernels.linear(dp, ws.kh[l][sh], t, null, ws.dqh[sh], false, 0, t);
        kernels.outerAccumulate(dp, ws.qh[l][sh], t, dkh, 0, t);
        for (int i = 0; i < t; i++) {
          float[] row = ws.dqkv[s * t + i];
          System.arraycopy(ws.dqh[sh][i], 0, row, offset, d);
          System.arraycopy(dkh[i], 0, row, h + offset, d);
          System.arraycopy(dvh[i], 0, row, 2 * h + offset, d);
        }
      }
    });
    // qkv = ln1 · c_attn + b: d(ln1) = dqkv · c_attnᵀ; d(x) = dx + ln_1's backward
    parallel.forRange(h, 8, (from, to) -> kernels.outerAccumulate(ws.ln1[l], ws.dqkv, n, g.attn, from, to));
    RowOps.addRows(ws.dqkv, n, g.attnBias);
    parallel.forRange(n, 4, (from, to) -> {
      kernels.dotRows(RowOps.rowsFrom(ws.dqkv, from), to - from, p.attn, null, RowOps.rowsFrom(ws.dLn, from), false, 0, h);
      RowOps.layerNormBackward(ws.dLn, ws.input[l], p.ln1Gain, ws.ln1Mean[l], ws.ln1Rstd[l], dx, true, null, null, from, to);
    });
    RowOps.normParameterGradients(ws.dLn, ws.input[l], ws.ln1Mean[l], ws.ln1Rstd[l], g.ln1Gain, g.ln1Bias, 0, n);
  }

  // ================================================================================================
  // Incremental inference
  // ================================================================================================

  /** An empty cache with room for {@code capacity} positions. */
  public KeyValueCache cache(int capacity) {
    return new KeyValueCache(this, capacity);
  }

  /** This decoder as the decoding algorithms' step, each sequence with a cache of {@code capacity} positions. */
  public dev.nlpm.runtime.decode.LanguageModelStep step(int capacity) {
    Decoder decoder = this;
    return new dev.nlpm.runtime.decode.LanguageModelStep() {
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
        KeyValueCache cache = decoder.cache(capacity);
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
      if (caches[i].length >= caches[i].capacity) {
        throw new IllegalStateException("sequence " + i + " already holds " + caches[i].length
            + " tokens, the capacity its cache was created with; create a larger cache (at most " + config.maxPositions() + ")");
      }
      if (tokens[i] < 0 || tokens[i] >= config.vocab()) {
        throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary 0.." + (config.vocab() - 1));
      }
    }
    int h = config.hidden();
    int f = config.intermediate();
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
    for (int i = 0; i < s; i++) {
      float[] token = w.wte[tokens[i]];
      float[] position = w.wpe[caches[i].length];
      for (int j = 0; j < h; j++) {
        x[i][j] = token[j] + position[j];
      }
    }
    float scale = (float) (1 / Math.sqrt(d));
    FeedForwardActivation activation = config.activation();
    for (int l = 0; l < config.layers(); l++) {
      Block p = w.blocks[l];
      RowOps.layerNorm(x, p.ln1Gain, p.ln1Bias, normed, mean, rstd, config.eps(), 0, s);
      kernels.linear(normed, p.attn, h, p.attnBias, qkv, false, 0, s);
      for (int i = 0; i < s; i++) {
        KeyValueCache cache = caches[i];
        int position = cache.length;
        for (int head = 0; head < config.heads(); head++) {
          int offset = head * d;
          System.arraycopy(qkv[i], offset, cache.query, 0, d);
          System.arraycopy(qkv[i], h + offset, cache.keys[l][head][position], 0, d);
          System.arraycopy(qkv[i], 2 * h + offset, cache.values[l][head][position], 0, d);
          float[][] scores = {cache.scores};
          kernels.dotRows(new float[][] {cache.query}, 1, cache.keys[l][head], null, scores, false, 0, position + 1);
          causalSoftmax(cache.scores, position, position + 1, scale);
          kernels.linear(scores, cache.values[l][head], position + 1, null, new float[][] {cache.headContext}, false, 0, 1);
          System.arraycopy(cache.headContext, 0, context[i], offset, d);
        }
      }
      kernels.linear(context, p.proj, h, p.projBias, projected, false, 0, s);
      addInto(projected, x, s);
      RowOps.layerNorm(x, p.ln2Gain, p.ln2Bias, normed, mean, rstd, config.eps(), 0, s);
      kernels.linear(normed, p.fc, h, p.fcBias, inner, false, 0, s);
      for (int i = 0; i < s; i++) {
        for (int j = 0; j < f; j++) {
          activated[i][j] = activation.apply(inner[i][j]);
        }
      }
      kernels.linear(activated, p.mlpProj, f, p.mlpProjBias, projected, false, 0, s);
      addInto(projected, x, s);
    }
    RowOps.layerNorm(x, w.lnfGain, w.lnfBias, normed, mean, rstd, config.eps(), 0, s);
    tiedLogits(normed, s, logits);
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
    if (cache.decoder != this) {
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
    for (int j = 0; j < m; j++) {
      float[] token = w.wte[tokens[j]];
      float[] position = w.wpe[start + j];
      for (int i = 0; i < h; i++) {
        x[j][i] = token[i] + position[i];
      }
    }
    float scale = (float) (1 / Math.sqrt(d));
    FeedForwardActivation activation = config.activation();
    float[][] query = new float[1][];
    float[][] scores = {new float[cache.capacity]};
    float[][] headContext = {new float[d]};
    for (int l = 0; l < config.layers(); l++) {
      Block p = w.blocks[l];
      parallel.forRange(m, 4, (from, to) -> {
        RowOps.layerNorm(x, p.ln1Gain, p.ln1Bias, normed, mean, rstd, config.eps(), from, to);
        kernels.linear(normed, p.attn, h, p.attnBias, qkv, false, from, to);
      });
      // every new key and value first, so that each new token sees those before it
      for (int j = 0; j < m; j++) {
        for (int head = 0; head < config.heads(); head++) {
          System.arraycopy(qkv[j], h + head * d, cache.keys[l][head][start + j], 0, d);
          System.arraycopy(qkv[j], 2 * h + head * d, cache.values[l][head][start + j], 0, d);
        }
      }
      for (int j = 0; j < m; j++) {
        int position = start + j;
        for (int head = 0; head < config.heads(); head++) {
          int offset = head * d;
          query[0] = Arrays.copyOfRange(qkv[j], offset, offset + d);
          kernels.dotRows(query, 1, cache.keys[l][head], null, scores, false, 0, position + 1);
          causalSoftmax(scores[0], position, position + 1, scale);
          kernels.linear(scores, cache.values[l][head], position + 1, null, headContext, false, 0, 1);
          System.arraycopy(headContext[0], 0, context[j], offset, d);
        }
      }
      parallel.forRange(m, 4, (from, to) -> {
        kernels.linear(context, p.proj, h, p.projBias, projected, false, from, to);
        addInto(projected, x, from, to);
        RowOps.layerNorm(x, p.ln2Gain, p.ln2Bias, normed, mean, rstd, config.eps(), from, to);
        kernels.linear(normed, p.fc, h, p.fcBias, inner, false, from, to);
        for (int r = from; r < to; r++) {
          for (int i = 0; i < f; i++) {
            activated[r][i] = activation.apply(inner[r][i]);
          }
        }
        kernels.linear(activated, p.mlpProj, f, p.mlpProjBias, projected, false, from, to);
        addInto(projected, x, from, to);
      });
    }
    RowOps.layerNorm(x, w.lnfGain, w.lnfBias, normed, mean, rstd, config.eps(), 0, m);
    tiedLogits(normed, m, logits);
    cache.fed(start, normed, logits);
    return new FedTokens(start, normed, logits);
  }

  /**
   * {@code logits = x · wteᵀ} for rows {@code [0, n)}: the tied output, through wte held
   * transposed (remade when the parameters change); each logit's sum in {@code dotRows}' order, so
   * a row's bits do not depend on the other rows.
   */
  void tiedLogits(float[][] x, int n, float[][] logits) {
    float[][] transposed = transposedLogits.rows(parallel);
    parallel.forRange(config.vocab(), 64, (from, to) -> TransposedLogits.logits(x, n, transposed, logits, from, to));
  }

  private static void addInto(float[][] from, float[][] to, int first, int end) {
    for (int r = first; r < end; r++) {
      for (int i = 0; i < from[r].length; i++) {
        to[r][i] += from[r][i];
      }
    }
  }

  private static float[][] rows(KeyValueCache[] caches, java.util.function.Function<KeyValueCache, float[]> row) {
    float[][] rows = new float[caches.length][];
    for (int i = 0; i < caches.length; i++) {
      rows[i] = row.apply(caches[i]);
    }
    return rows;
  }

  private static void addInto(float[][] from, float[][] to, int n) {
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < from[r].length; i++) {
        to[r][i] += from[r][i];
      }
    }
  }
}
