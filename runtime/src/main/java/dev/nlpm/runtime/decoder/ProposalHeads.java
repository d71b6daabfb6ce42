package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.decoding.BlockwiseLanguageModel;
import dev.nlpm.runtime.encoder.EncoderBatch;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.ops.CrossEntropy;
import dev.nlpm.runtime.ops.Linear;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.parameters.TensorSlot;
import dev.nlpm.runtime.parameters.TruncatedNormalInitializer;
import java.util.Objects;

/**
 * The k proposal heads of blockwise parallel decoding (Stern et al., 2018) on a decoder's passes
 * ({@link DecoderPasses}, generated or the hand-written {@code Decoder} of the runtime's tests):
 * from {@code h}, the final LayerNorm's output at a position, head {@code i} (0-based) guesses the
 * token {@code i + 2} positions ahead (the base model itself gives the next one) as in the paper,
 * {@code z_i = h + ReLU(W_i h + b_i)}, {@code logits_i = z_i · wteᵀ} through the tied output.
 * {@code W_i}, {@code b_i} are the layout's {@code blockwise_heads.{i}.dense.weight} and {@code
 * .bias}, a linear layer stored {@code [out, in]}.
 *
 * <p>The heads train on a frozen base model, as the paper trains them first: {@link #train} runs
 * the base forward and adds gradients only into the heads' parameters, whose own layout {@link
 * #layout} gives, so that a trainer over them cannot move the base (not even by weight decay).
 * {@link #step} is the decoder with its heads as {@link dev.nlpm.runtime.decoding.Blockwise}'s model.
 */
public final class ProposalHeads {

  /** The prefix of the heads' tensor names. */
  public static final String PREFIX = "blockwise_heads.";

  /** Head {@code i}'s weight. */
  public static String weight(int head) {
    return PREFIX + head + ".dense.weight";
  }

  /** Head {@code i}'s bias. */
  public static String bias(int head) {
    return PREFIX + head + ".dense.bias";
  }

  /**
   * The {@code blockwise_heads} tensors of a model's layout alone, in its order and groups: the
   * parameters a heads trainer updates and checkpoints.
   *
   * @throws IllegalArgumentException if the layout has none (no {@code decoding blockwise} declared)
   */
  public static ParameterLayout layout(ParameterLayout model) {
    ParameterLayout.Builder builder = ParameterLayout.builder();
    int found = 0;
    for (TensorSlot slot : model.slots()) {
      if (slot.name().startsWith(PREFIX)) {
        builder.add(slot.name(), slot.role(), slot.group(), slot.shape().stream().mapToInt(Integer::intValue).toArray());
        found++;
      }
    }
    if (found == 0) {
      throw new IllegalArgumentException("the layout has no " + PREFIX + "* tensors: declare `decoding blockwise { k = K; }` with the model");
    }
    return builder.build();
  }

  /**
   * Fresh heads over {@code layout} (a model's, or {@link #layout}'s): weights truncated normal
   * with standard deviation 0.02, biases 0, from {@code seed}; held as {@link DecoderParameters#rows}.
   */
  public static ParameterRows initialize(ParameterLayout layout, long seed) {
    ParameterRows heads = DecoderParameters.rows(layout);
    float[] flat = new float[layout.size()];
    TruncatedNormalInitializer.bert().initialize(layout, flat, seed);
    heads.importFrom(flat);
    return heads;
  }

  /** The buffers of a training pass for {@code maxBatch × maxLength} blocks. */
  public static final class Workspace {
    final BoundDecoder<?> base;
    final float[][][] preActivation;
    final float[][][] proposal;
    final float[][][] logits;
    final float[][] dProposal;
    final float[][] hidden;

    Workspace(BoundDecoder<?> base, int heads, int rows, int hidden, int vocab) {
      this.base = base;
      this.hidden = new float[rows][];
      preActivation = new float[heads][rows][hidden];
      proposal = new float[heads][rows][hidden];
      logits = new float[heads][rows][vocab];
      dProposal = new float[rows][hidden];
    }
  }

  private final DecoderPasses<?> decoder;
  private final CachedDecoding decoding;
  private final ParameterRows parameters;
  private final float[][][] weights;
  private final float[][] biases;

  /**
   * The heads in {@code parameters} (a model's parameters or {@link #layout}'s, built by {@link
   * Decoder#parameters} so that each weight is held {@code [in][out]}) on {@code decoder}.
   */
  public ProposalHeads(DecoderPasses<?> decoder, ParameterRows parameters) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.decoding = decoder.decoding();
    // the heads' logits and their backward multiply a hidden-wide proposal by the output's weight directly
    if (!decoding.outputReadsHidden()) {
      throw new IllegalArgumentException("blockwise proposal heads need an output over the hidden state: this decoder's tied output reads"
          + " factorized embeddings through embedding_hidden_mapping_out; declare tie_embeddings = false, or embeddings as wide as hidden");
    }
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    int k = 0;
    while (parameters.has(weight(k))) {
      k++;
    }
    if (k == 0) {
      throw new IllegalArgumentException("the parameters hold no " + weight(0) + ": declare `decoding blockwise { k = K; }` with the model");
    }
    int h = decoder.config().hidden();
    weights = new float[k][][];
    biases = new float[k][];
    for (int i = 0; i < k; i++) {
      weights[i] = parameters.matrix(weight(i));
      biases[i] = parameters.vector(bias(i));
      if (weights[i].length != h || weights[i][0].length != h || biases[i].length != h) {
        throw new IllegalArgumentException(weight(i) + " is " + weights[i].length + " × " + weights[i][0].length + " with a bias of "
            + biases[i].length + "; the decoder's hidden size is " + h);
      }
    }
  }

  /** k, the number of heads. */
  public int count() {
    return weights.length;
  }

  public DecoderPasses<?> decoder() {
    return decoder;
  }

  public ParameterRows parameters() {
    return parameters;
  }

  /** Head {@code head}'s logits from the hidden state {@code hidden} into {@code logits}. */
  public void logits(float[] hidden, int head, float[] logits) {
    int h = hidden.length;
    float[][] pre = new float[1][h];
    decoder.kernels().linear(new float[][] {hidden}, weights[head], h, biases[head], pre, false, 0, 1);
    float[][] z = {residualRelu(hidden, pre[0], pre[0])};
    decoding.outputLogits(z, 1, new float[][] {logits});
  }

  /** Each head's most likely token (the lowest id on a tie) from {@code hidden}. */
  public int[] propose(float[] hidden) {
    int[] tokens = new int[count()];
    float[] logits = new float[decoder.config().vocab()];
    for (int i = 0; i < tokens.length; i++) {
      logits(hidden, i, logits);
      int best = 0;
      for (int v = 1; v < logits.length; v++) {
        if (logits[v] > logits[best]) {
          best = v;
        }
      }
      tokens[i] = best;
    }
    return tokens;
  }

  /** {@code out = h + ReLU(pre)} (out may be pre). */
  private static float[] residualRelu(float[] h, float[] pre, float[] out) {
    for (int j = 0; j < h.length; j++) {
      out[j] = h[j] + Math.max(pre[j], 0f);
    }
    return out;
  }

  // ================================================================================================
  // Training on a frozen base
  // ================================================================================================

  public Workspace workspace(int maxBatch, int maxLength) {
    DecoderConfig c = decoder.config();
    return new Workspace(BoundDecoder.of(decoder, maxBatch, maxLength), count(), maxBatch * maxLength, c.hidden(), c.vocab());
  }

  /**
   * The heads' loss on {@code batch} blocks of {@code length} tokens, with its gradients added into
   * {@code gradients} (over the heads' parameters' layout): the mean over heads and positions with
   * a target of the cross-entropy of head {@code i} at position {@code t} against token {@code t +
   * i + 2} of the same block. The base model is only run forward.
   */
  public float train(int[] ids, int batch, int length, Workspace ws, ParameterRows gradients) {
    return pass(ids, batch, length, ws, Objects.requireNonNull(gradients, "gradients"));
  }

  /** The heads' mean loss without gradients. */
  public float loss(int[] ids, int batch, int length, Workspace ws) {
    return pass(ids, batch, length, ws, null);
  }

  private float pass(int[] ids, int batch, int length, Workspace ws, ParameterRows gradients) {
    int k = count();
    if (length < 3) {
      throw new IllegalArgumentException("blocks of " + length + " tokens give no head a target: the first head predicts 2 ahead");
    }
    // the final LayerNorm's output of the base's forward pass, a row an array
    DecoderActivations base = ws.base.forward(ids, batch, length);
    for (int r = 0; r < batch * length; r++) {
      ws.hidden[r] = base.hidden(r);
    }
    DecoderConfig c = decoder.config();
    int n = batch * length;
    int h = c.hidden();
    int vocab = c.vocab();
    float[][] hidden = ws.hidden;
    ProductKernels kernels = decoder.kernels();
    Parallel parallel = decoding.parallel();
    float[][] wte = decoding.outputWeights();
    int[][] targets = new int[k][n];
    int[] counted = new int[k];
    int total = 0;
    for (int i = 0; i < k; i++) {
      for (int r = 0; r < n; r++) {
        int ahead = r % length + i + 2;
        targets[i][r] = ahead < length ? ids[r - r % length + ahead] : EncoderBatch.IGNORED;
        counted[i] += ahead < length ? 1 : 0;
      }
      total += counted[i];
    }
    double loss = 0;
    for (int i = 0; i < k; i++) {
      if (counted[i] == 0) {
        continue;
      }
      int head = i;
      float[][] pre = ws.preActivation[i];
      float[][] z = ws.proposal[i];
      float[][] logits = ws.logits[i];
      parallel.forRange(n, 4, (from, to) -> {
        kernels.linear(hidden, weights[head], h, biases[head], pre, false, from, to);
        for (int r = from; r < to; r++) {
          residualRelu(hidden[r], pre[r], z[r]);
        }
      });
      decoding.outputLogits(z, n, logits);
      float mean = CrossEntropy.forwardBackward(logits, targets[i], n, vocab, gradients == null ? null : logits);
      loss += (double) mean * counted[i] / total;
      if (gradients == null) {
        continue;
      }
      // the mean over every head's positions: head i's own mean weighs counted[i] / total
      float share = (float) counted[i] / total;
      float[][] dz = ws.dProposal;
      parallel.forRange(n, 4, (from, to) -> {
        for (int r = from; r < to; r++) {
          for (int v = 0; v < vocab; v++) {
            logits[r][v] *= share;
          }
        }
        // z = h + ReLU(pre), logits = z · wteᵀ: dz = dLogits · wte; d(pre) = dz where pre > 0 (h and wte are frozen)
        kernels.linear(logits, wte, vocab, null, dz, false, from, to);
        for (int r = from; r < to; r++) {
          for (int j = 0; j < h; j++) {
            if (!(pre[r][j] > 0)) {
              dz[r][j] = 0;
            }
          }
        }
      });
      float[][] gWeight = gradients.matrix(weight(i));
      parallel.forRange(h, 8, (from, to) -> kernels.outerAccumulate(hidden, dz, n, gWeight, from, to));
      Linear.backwardBias(dz, n, gradients.vector(bias(i)));
    }
    return (float) loss;
  }

  // ================================================================================================
  // Blockwise decoding
  // ================================================================================================

  /** The decoder with these heads as blockwise decoding's model, each sequence with a cache of {@code capacity} positions. */
  public BlockwiseLanguageModel step(int capacity) {
    return new BlockwiseLanguageModel() {
      @Override
      public int vocabularySize() {
        return decoder.config().vocab();
      }

      @Override
      public int proposalHeads() {
        return count();
      }

      @Override
      public State start(int[] prompt) {
        if (prompt.length == 0) {
          throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (prompt.length > capacity) {
          throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens does not fit the cache's " + capacity + " positions");
        }
        KeyValueCache cache = decoder.cache(capacity);
        return new CachedState(cache, decoder.extend(cache, prompt));
      }
    };
  }

  /** A cache and its last pass's hidden states, from which the heads guess. */
  private final class CachedState implements BlockwiseLanguageModel.State {
    private final KeyValueCache cache;
    private FedTokens last;

    CachedState(KeyValueCache cache, FedTokens last) {
      this.cache = cache;
      this.last = last;
    }

    @Override
    public int length() {
      return cache.length();
    }

    @Override
    public int room() {
      return cache.capacity() - cache.length();
    }

    @Override
    public float[] logits() {
      return cache.logits();
    }

    @Override
    public int[] proposals() {
      return propose(last.hidden()[cache.length() - 1 - last.firstPosition()]);
    }

    @Override
    public float[][] feed(int[] tokens) {
      last = decoder.extend(cache, tokens);
      return last.logits();
    }

    @Override
    public void rollBack(int length) {
      if (length - 1 < last.firstPosition() || length > cache.length()) {
        throw new IllegalArgumentException("cannot roll back to " + length + " tokens: the last pass read positions " + last.firstPosition()
            + ".." + (last.firstPosition() + last.count() - 1) + " and the heads need the hidden state of the last one kept");
      }
      cache.rollBack(length);
    }
  }

  @Override
  public String toString() {
    return "ProposalHeads[" + count() + " heads of width " + decoder.config().hidden() + "]";
  }
}
