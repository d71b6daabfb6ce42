package dev.nlpm.runtime.lstm;

import dev.nlpm.runtime.encoder.EncoderKernels;
import dev.nlpm.runtime.encoder.EncoderParameters;
import dev.nlpm.runtime.encoder.Parallel;
import dev.nlpm.runtime.layout.ParameterLayout;
import dev.nlpm.runtime.ops.CrossEntropy;
import dev.nlpm.runtime.ops.Dropout;
import dev.nlpm.runtime.ops.Linear;
import dev.nlpm.runtime.ops.LstmCell;
import java.util.Arrays;

/**
 * An LSTM language model in float: embedding, stacked LSTM layers as {@code torch.nn.LSTM}
 * computes them (gates {@code [i, f, g, o]}, weights under PyTorch's names {@code
 * lstm.weight_ih_lK}, {@code lstm.weight_hh_lK}, both biases), and an output layer ({@code
 * decoder}); the causal-LM objective, forward and backward through time over a block, with the
 * state carried from one block to the next (truncated BPTT: the carried state is an input, not
 * differentiated through).
 */
public final class LstmLanguageModel {

  /**
   * The sizes of an LSTM language model, and its dropout rate in training: applied to the input of
   * every LSTM layer (the embeddings, and between layers as {@code torch.nn.LSTM}'s {@code dropout})
   * and to the last layer's output before the output layer, as PyTorch's {@code
   * word_language_model} does.
   */
  public record Config(int vocab, int embedding, int hidden, int layers, float dropout) {
    public Config {
      if (vocab <= 0 || embedding <= 0 || hidden <= 0 || layers <= 0) {
        throw new IllegalArgumentException("LSTM sizes must be positive: " + vocab + ", " + embedding + ", " + hidden + ", " + layers);
      }
      if (!(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException("the LSTM's dropout must be in [0, 1): " + dropout);
      }
    }

    /** Sizes without dropout. */
    public Config(int vocab, int embedding, int hidden, int layers) {
      this(vocab, embedding, hidden, layers, 0f);
    }
  }

  /** The rows of an LSTM LM's parameters: the LSTM weights held transposed ({@code [in][4H]}). */
  public static EncoderParameters parameters(ParameterLayout layout) {
    return new EncoderParameters(layout, slot -> slot.name().startsWith("lstm.weight"));
  }

  /**
   * Fresh parameters for {@code layout} from {@code seed}, as PyTorch initializes the modules:
   * {@code nn.Embedding} from N(0, 1); every {@code torch.nn.LSTM} weight and bias from U(−k, k)
   * with k = 1/√hidden; {@code nn.Linear}'s weight and bias from U(−k, k) with k = 1/√in (its
   * default Kaiming-uniform bound). Tensors are drawn in layout order, each in its stored order.
   */
  public static EncoderParameters initialize(ParameterLayout layout, long seed) {
    EncoderParameters parameters = parameters(layout);
    float[] flat = new float[layout.size()];
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (var slot : layout.slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      String name = slot.name();
      boolean normal = name.equals("embedding.weight");
      double bound;
      if (name.startsWith("lstm.")) {
        bound = 1 / Math.sqrt(slot.shape().get(0) / 4.0);
      } else if (name.startsWith("decoder.")) {
        // the output layer reads the last LSTM layer's state: its width is the LSTM's hidden
        bound = 1 / Math.sqrt(layout.slot("lstm.weight_hh_l0").orElseThrow().shape().get(1));
      } else if (normal) {
        bound = 0;
      } else {
        throw new IllegalArgumentException("an LSTM language model has no tensor named " + name);
      }
      for (int i = slot.offset(); i < slot.offset() + slot.elements(); i++) {
        flat[i] = normal ? (float) gaussian(random) : (float) ((2 * random.nextDouble() - 1) * bound);
      }
    }
    parameters.importFrom(flat);
    return parameters;
  }

  /** A standard normal draw (Box–Muller; SplittableRandom has no nextGaussian on Java 17). */
  private static double gaussian(java.util.SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** The recurrent state of {@code batch} sequences, carried from block to block. */
  public static final class State {
    final float[][][] h;
    final float[][][] c;

    public State(Config config, int batch) {
      h = new float[config.layers()][batch][config.hidden()];
      c = new float[config.layers()][batch][config.hidden()];
    }

    /** Replaces this state with {@code other}'s (same sizes). */
    public void copyFrom(State other) {
      for (int l = 0; l < h.length; l++) {
        for (int b = 0; b < h[l].length; b++) {
          h[l][b] = other.h[l][b].clone();
          c[l][b] = other.c[l][b].clone();
        }
      }
    }

    public void reset() {
      for (int l = 0; l < h.length; l++) {
        for (int b = 0; b < h[l].length; b++) {
          Arrays.fill(h[l][b], 0);
          Arrays.fill(c[l][b], 0);
        }
      }
    }
  }

  private final Config config;
  private final EncoderKernels kernels;
  private final float[][] embedding;
  private final float[][][] inputWeights;
  private final float[][][] recurrentWeights;
  private final float[][] inputBias;
  private final float[][] recurrentBias;
  private final float[][] decoder;
  private final float[] decoderBias;
  private final EncoderParameters parameters;
  private final Parallel parallel;

  /** A model computed on the calling thread. */
  public LstmLanguageModel(Config config, EncoderKernels kernels, EncoderParameters parameters) {
    this(config, kernels, parameters, null);
  }

  /**
   * A model whose products are split over {@code parallel}'s threads (null: the calling thread);
   * every output element is computed by one thread in one order, so the thread count changes no
   * number.
   */
  public LstmLanguageModel(Config config, EncoderKernels kernels, EncoderParameters parameters, Parallel parallel) {
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

    Tensors(EncoderParameters p, int layers) {
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

  public Config config() {
    return config;
  }

  public EncoderParameters parameters() {
    return parameters;
  }

  /**
   * One block of {@code length} tokens for each of {@code batch} sequences (row {@code b·length +
   * t}): position {@code t} predicts token {@code t + 1}; the state goes in as {@code state} and
   * comes out as the block's final state. With {@code gradients} non-null, the backward through
   * time adds into them. Returns the mean loss.
   */
  public float run(int[] ids, int batch, int length, State state, EncoderParameters gradients) {
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
  public float train(int[] inputs, int[] targets, int batch, int length, State state, EncoderParameters gradients, long seed) {
    return run(inputs, targets, batch, length, state, gradients, config.dropout(), seed);
  }

  /** The mean loss of a block as {@link #train} reads it, without dropout or gradients; the state carries. */
  public float loss(int[] inputs, int[] targets, int batch, int length, State state) {
    return run(inputs, targets, batch, length, state, null, 0, 0);
  }

  private float run(int[] ids, int[] targets, int batch, int length, State state, EncoderParameters gradients, float dropout, long seed) {
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
        cells[l][0][b] = state.c[l][b].clone();
        hiddens[l][0][b] = state.h[l][b].clone();
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
        state.c[l][b] = cells[l][length][b].clone();
        state.h[l][b] = hiddens[l][length][b].clone();
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


  /** This model as the decoding algorithms' step: the state after the prompt, one token at a time. */
  public dev.nlpm.runtime.decode.LanguageModelStep step() {
    LstmLanguageModel model = this;
    return new dev.nlpm.runtime.decode.LanguageModelStep() {
      @Override
      public int vocabularySize() {
        return config.vocab();
      }

      @Override
      public Decoding start(int[] prompt) {
        if (prompt.length == 0) {
          throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        Decoding state = new Decoding(model, new LstmLanguageModel.State(config, 1), new float[config.vocab()]);
        for (int token : prompt) {
          state.advance(token);
        }
        return state;
      }
    };
  }

  /** One sequence's recurrent state and its next-token logits, advanced one token at a time. */
  private static final class Decoding implements dev.nlpm.runtime.decode.LanguageModelStep.State {
    private final LstmLanguageModel model;
    private final LstmLanguageModel.State state;
    private final float[] logits;

    Decoding(LstmLanguageModel model, LstmLanguageModel.State state, float[] logits) {
      this.model = model;
      this.state = state;
      this.logits = logits;
    }

    @Override
    public float[] logits() {
      return logits;
    }

    @Override
    public Decoding advance(int token) {
      model.next(token, state, logits);
      return this;
    }

    @Override
    public Decoding fork() {
      LstmLanguageModel.State copy = new LstmLanguageModel.State(model.config, 1);
      for (int l = 0; l < copy.h.length; l++) {
        copy.h[l][0] = state.h[l][0].clone();
        copy.c[l][0] = state.c[l][0].clone();
      }
      return new Decoding(model, copy, logits.clone());
    }
  }

  /** Feeds one token to a single sequence's state and writes the next token's logits. */
  void next(int token, State state, float[] logits) {
    if (token < 0 || token >= config.vocab()) {
      throw new IllegalArgumentException("token id " + token + " is outside the vocabulary 0.." + (config.vocab() - 1));
    }
    int hdim = config.hidden();
    float[] x = embedding[token];
    float[][] z = new float[1][4 * hdim];
    for (int l = 0; l < config.layers(); l++) {
      int in = l == 0 ? config.embedding() : hdim;
      kernels.linear(new float[][] {x}, inputWeights[l], in, inputBias[l], z, false, 0, 1);
      kernels.linear(new float[][] {state.h[l][0]}, recurrentWeights[l], hdim, recurrentBias[l], z, true, 0, 1);
      float[] c = state.c[l][0];
      float[] h = new float[hdim];
      LstmCell.forward(z[0], c, c, h, hdim);
      state.h[l][0] = h;
      x = h;
    }
    kernels.dotRows(new float[][] {x}, 1, decoder, decoderBias, new float[][] {logits}, false, 0, config.vocab());
  }
}
