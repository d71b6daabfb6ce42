package dev.nlpm.runtime.lstm;

import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.ops.CrossEntropy;
import dev.nlpm.runtime.ops.Dropout;
import dev.nlpm.runtime.ops.Linear;
import dev.nlpm.runtime.ops.LstmCell;
import dev.nlpm.runtime.parameters.ParameterRows;

/**
 * An LSTM language model in float, composed by hand: embedding, stacked LSTM layers as {@code
 * torch.nn.LSTM} computes them (gates {@code [i, f, g, o]}, weights under PyTorch's names {@code
 * lstm.weight_ih_lK}, {@code lstm.weight_hh_lK}, both biases), and an output layer ({@code
 * decoder}); the causal-LM objective, forward and backward through time over a block, with the
 * state carried from one block to the next (truncated BPTT: the carried state is an input, not
 * differentiated through).
 *
 * <p>The oracle of the passes the compiler generates for an {@code lstm_lm} ({@code <Model>Passes},
 * pinned to this class's bits by codegen-tests' {@code LstmPassesGeneratedTest}), and itself checked
 * against the double-precision reference LSTM and central differences. Models run on their
 * generated passes; this class serves any sizes, for those tests and the runtime's own.
 */
public final class LstmLanguageModel implements LstmPasses {

  private final LstmConfig config;
  private final ProductKernels kernels;
  private final float[][] embedding;
  private final float[][][] inputWeights;
  private final float[][][] recurrentWeights;
  private final float[][] inputBias;
  private final float[][] recurrentBias;
  private final float[][] decoder;
  private final float[] decoderBias;
  private final ParameterRows parameters;
  private final Parallel parallel;

  /** A model computed on the calling thread. */
  public LstmLanguageModel(LstmConfig config, ProductKernels kernels, ParameterRows parameters) {
    this(config, kernels, parameters, null);
  }

  /**
   * A model whose products are split over {@code parallel}'s threads (null: the calling thread);
   * every output element is computed by one thread in one order, so the thread count changes no
   * number.
   */
  public LstmLanguageModel(LstmConfig config, ProductKernels kernels, ParameterRows parameters, Parallel parallel) {
    this.config = config;
    this.kernels = kernels;
    this.parameters = parameters;
    this.parallel = parallel;
    Tensors t = new Tensors(parameters, config.layers());
    embedding = t.embedding;
    inputWeights = t.inputWeights;
    recurrentWeights = t.recurrentWeights;
    inputBias = t.inputBias;
    recurrentBias = t.recurrentBias;
    decoder = t.decoder;
    decoderBias = t.decoderBias;
  }

  private static final class Tensors {
    final float[][] embedding, decoder, inputBias, recurrentBias;
    final float[][][] inputWeights, recurrentWeights;
    final float[] decoderBias;

    Tensors(ParameterRows p, int layers) {
      embedding = p.matrix("embedding.weight");
      // tied to the embeddings, the output layer has no tensor of its own, and its gradient adds into theirs
      decoder = p.has("decoder.weight") ? p.matrix("decoder.weight") : embedding;
      decoderBias = p.vector("decoder.bias");
      inputWeights = new float[layers][][];
      recurrentWeights = new float[layers][][];
      inputBias = new float[layers][];
      recurrentBias = new float[layers][];
      for (int l = 0; l < layers; l++) {
        inputWeights[l] = p.matrix("lstm.weight_ih_l" + l);
        recurrentWeights[l] = p.matrix("lstm.weight_hh_l" + l);
        inputBias[l] = p.vector("lstm.bias_ih_l" + l);
        recurrentBias[l] = p.vector("lstm.bias_hh_l" + l);
      }
    }
  }

  @Override
  public LstmConfig config() {
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

  /**
   * One block of {@code length} tokens for each of {@code batch} sequences (row {@code b·length +
   * t}): position {@code t} predicts token {@code t + 1}; the state goes in as {@code state} and
   * comes out as the block's final state. With {@code gradients} non-null, the backward through
   * time adds into them. Returns the mean loss.
   */
  public float run(int[] ids, int batch, int length, LstmState state, ParameterRows gradients) {
    int[] targets = new int[ids.length];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < length; t++) {
        targets[b * length + t] = t == length - 1 ? -100 : ids[b * length + t + 1];
      }
    }
    return run(ids, targets, batch, length, state, gradients, 0, 0);
  }

  /**
   * A training block of truncated BPTT: position {@code t} of sequence {@code b} reads {@code
   * inputs[b·length + t]} and predicts {@code targets[b·length + t]} (-100: nothing), the state
   * carried in {@code state}; dropout at the configured rate, drawn from {@code seed} (the same seed
   * drops the same units). Gradients add into {@code gradients}; returns the mean loss.
   */
  @Override
  public float train(int[] inputs, int[] targets, int batch, int length, LstmState state, ParameterRows gradients, long seed) {
    return run(inputs, targets, batch, length, state, gradients, config.dropout(), seed);
  }

  /** The mean loss of a block as {@link #train} reads it, without dropout or gradients; the state carries. */
  @Override
  public float loss(int[] inputs, int[] targets, int batch, int length, LstmState state) {
    return run(inputs, targets, batch, length, state, null, 0, 0);
  }

  private float run(int[] ids, int[] targets, int batch, int length, LstmState state, ParameterRows gradients, float dropout, long seed) {
    if (ids.length != batch * length || targets.length != batch * length) {
      throw new IllegalArgumentException(ids.length + " inputs and " + targets.length + " targets for " + batch + " sequences of " + length);
    }
    Masks drop = new Masks(dropout, seed);
    int layers = config.layers();
    int hdim = config.hidden();
    int g4 = 4 * hdim;
    // saved activations, time-major: [t][b][…]
    float[][][][] inputs = new float[layers][length][][];
    float[][][][] gates = new float[layers][length][batch][g4];
    float[][][][] cells = new float[layers][length + 1][batch][];
    float[][][][] hiddens = new float[layers][length + 1][batch][];
    float[][][] embedded = new float[length][batch][];
    // dropout masks (null without dropout): [layer input l, or layers for the output layer's input][t][b]
    float[][][][] masks = drop.active() ? new float[layers + 1][length][][] : null;
    for (int t = 0; t < length; t++) {
      for (int b = 0; b < batch; b++) {
        int id = ids[b * length + t];
        if (id < 0 || id >= config.vocab()) {
          throw new IllegalArgumentException("token id " + id + " is outside the vocabulary 0.." + (config.vocab() - 1));
        }
        embedded[t][b] = embedding[id];
      }
    }
    for (int l = 0; l < layers; l++) {
      for (int b = 0; b < batch; b++) {
        cells[l][0][b] = state.c(l, b).clone();
        hiddens[l][0][b] = state.h(l, b).clone();
      }
      int in = l == 0 ? config.embedding() : hdim;
      int layer = l;
      for (int t = 0; t < length; t++) {
        int step = t;
        inputs[l][t] = drop.apply(l == 0 ? embedded[t] : hiddens[l - 1][t + 1], masks, l, t);
        float[][] z = gates[l][t];
        // z = x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh    [batch, 4H]
        split(batch, (f, e) -> kernels.linear(inputs[layer][step], inputWeights[layer], in, inputBias[layer], z, false, f, e));
        split(batch, (f, e) -> kernels.linear(hiddens[layer][step], recurrentWeights[layer], hdim, recurrentBias[layer], z, true, f, e));
        for (int b = 0; b < batch; b++) {
          float[] cNext = new float[hdim];
          float[] hNext = new float[hdim];
          LstmCell.forward(z[b], cells[l][t][b], cNext, hNext, hdim);
          cells[l][t + 1][b] = cNext;
          hiddens[l][t + 1][b] = hNext;
        }
      }
      for (int b = 0; b < batch; b++) {
        System.arraycopy(cells[l][length][b], 0, state.c(l, b), 0, hdim);
        System.arraycopy(hiddens[l][length][b], 0, state.h(l, b), 0, hdim);
      }
    }
    // logits and loss, position t predicting t + 1
    int rows = batch * length;
    float[][] top = new float[rows][];
    for (int t = 0; t < length; t++) {
      float[][] out = drop.apply(hiddens[layers - 1][t + 1], masks, layers, t);
      for (int b = 0; b < batch; b++) {
        top[b * length + t] = out[b];
      }
    }
    float[][] logits = new float[rows][config.vocab()];
    split(config.vocab(), (f, e) -> kernels.dotRows(top, rows, decoder, decoderBias, logits, false, f, e));
    float loss = CrossEntropy.forwardBackward(logits, targets, rows, config.vocab(), gradients == null ? null : logits);
    if (gradients == null) {
      return loss;
    }
    backward(ids, batch, length, inputs, gates, cells, hiddens, top, logits, masks, new Tensors(gradients, layers));
    return loss;
  }

  private void backward(int[] ids, int batch, int length, float[][][][] inputs, float[][][][] gates, float[][][][] cells,
      float[][][][] hiddens, float[][] top, float[][] dLogits, float[][][][] masks, Tensors g) {
    int layers = config.layers();
    int hdim = config.hidden();
    int g4 = 4 * hdim;
    int rows = batch * length;
    // decoder: d(top) = dLogits · W; dW += dLogitsᵀ · top
    float[][] dTop = new float[rows][hdim];
    split(rows, (f, e) -> kernels.linear(dLogits, decoder, config.vocab(), null, dTop, false, f, e));
    split(config.vocab(), (f, e) -> kernels.outerAccumulate(dLogits, top, rows, g.decoder, f, e));
    Linear.backwardBias(dLogits, rows, g.decoderBias);
    // d(output of layer l at t), time-major
    float[][][] dOut = new float[length][batch][];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < length; t++) {
        dOut[t][b] = dTop[b * length + t];
      }
    }
    Masks.backward(dOut, masks, layers);
    for (int l = layers - 1; l >= 0; l--) {
      int in = l == 0 ? config.embedding() : hdim;
      int layer = l;
      float[][][] dIn = new float[length][batch][in];
      float[][] dhNext = new float[batch][hdim];
      float[][] dcNext = new float[batch][hdim];
      float[][] dz = new float[batch][g4];
      for (int t = length - 1; t >= 0; t--) {
        int step = t;
        for (int b = 0; b < batch; b++) {
          LstmCell.backward(gates[l][t][b], cells[l][t][b], cells[l][t + 1][b], dOut[t][b], dhNext[b], dcNext[b], dz[b], hdim);
        }
        // weights and biases; d(input) and d(h_{t−1})
        split(in, (f, e) -> kernels.outerAccumulate(inputs[layer][step], dz, batch, g.inputWeights[layer], f, e));
        split(hdim, (f, e) -> kernels.outerAccumulate(hiddens[layer][step], dz, batch, g.recurrentWeights[layer], f, e));
        Linear.backwardBias(dz, batch, g.inputBias[l]);
        Linear.backwardBias(dz, batch, g.recurrentBias[l]);
        split(in, (f, e) -> kernels.dotRows(dz, batch, inputWeights[layer], null, dIn[step], false, f, e));
        split(hdim, (f, e) -> kernels.dotRows(dz, batch, recurrentWeights[layer], null, dhNext, false, f, e));
      }
      Masks.backward(dIn, masks, l);
      dOut = dIn;
    }
    for (int t = 0; t < length; t++) {
      for (int b = 0; b < batch; b++) {
        float[] row = g.embedding[ids[b * length + t]];
        float[] d = dOut[t][b];
        for (int i = 0; i < row.length; i++) {
          row[i] += d[i];
        }
      }
    }
  }

  /**
   * Inverted dropout ({@link Dropout}) on the rows fed to a layer, the masks kept per site and
   * step for backward. One random stream per block, drawn in the order the forward pass needs
   * them, so a seed fixes every mask.
   */
  private static final class Masks {
    private final float rate;
    private final java.util.SplittableRandom random;

    Masks(float rate, long seed) {
      this.rate = rate;
      this.random = rate > 0 ? new java.util.SplittableRandom(seed) : null;
    }

    boolean active() {
      return rate > 0;
    }

    /** The rows as the layer sees them: {@code rows} itself without dropout, masked copies with it. */
    float[][] apply(float[][] rows, float[][][][] masks, int site, int t) {
      if (!active()) {
        return rows;
      }
      int width = rows[0].length;
      float[][] mask = new float[rows.length][width];
      float[][] out = new float[rows.length][width];
      Dropout.forward(rows, mask, out, width, rate, random, 0, rows.length);
      masks[site][t] = mask;
      return out;
    }

    /** Multiplies the gradient of the rows fed to {@code site} by their masks (nothing without dropout). */
    static void backward(float[][][] d, float[][][][] masks, int site) {
      if (masks == null) {
        return;
      }
      for (int t = 0; t < d.length; t++) {
        Dropout.backward(d[t], masks[site][t], d[t], masks[site][t][0].length, false, 0, d[t].length);
      }
    }
  }

  /** Runs {@code body} over {@code [0, n)}, split over the threads when there are any. */
  private void split(int n, Parallel.Range body) {
    if (parallel == null) {
      body.run(0, n);
    } else {
      parallel.forRange(n, 8, body);
    }
  }


  @Override
  public void next(int token, LstmState state, float[] logits) {
    if (token < 0 || token >= config.vocab()) {
      throw new IllegalArgumentException("token id " + token + " is outside the vocabulary 0.." + (config.vocab() - 1));
    }
    int hdim = config.hidden();
    float[] x = embedding[token];
    float[][] z = new float[1][4 * hdim];
    for (int l = 0; l < config.layers(); l++) {
      int in = l == 0 ? config.embedding() : hdim;
      kernels.linear(new float[][] {x}, inputWeights[l], in, inputBias[l], z, false, 0, 1);
      kernels.linear(new float[][] {state.h(l, 0)}, recurrentWeights[l], hdim, recurrentBias[l], z, true, 0, 1);
      float[] c = state.c(l, 0);
      float[] h = new float[hdim];
      LstmCell.forward(z[0], c, c, h, hdim);
      System.arraycopy(h, 0, state.h(l, 0), 0, hdim);
      x = h;
    }
    kernels.dotRows(new float[][] {x}, 1, decoder, decoderBias, new float[][] {logits}, false, 0, config.vocab());
  }
}
