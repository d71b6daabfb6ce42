package dev.nlpm.runtime.reference;

import dev.nlpm.runtime.math.Gelu;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A GPT-2 language model (HuggingFace's {@code GPT2LMHeadModel}, dropout off) on the reference
 * layers, in double: the oracle for the generated decoder. Parameters and gradients are maps from
 * GPT-2's checkpoint names ({@code transformer.wte.weight}, {@code transformer.h.0.attn.c_attn.weight},
 * …); the LM head is tied to the token embeddings and has no bias, so there is no {@code
 * lm_head.weight} entry.
 *
 * <p>The embedding is token plus learned position ({@code wte[id] + wpe[i]}). Pre-LayerNorm blocks:
 * {@code x = x + c_proj(Attn(ln_1(x)))}, {@code x = x + mlp.c_proj(gelu(mlp.c_fc(ln_2(x))))}, with
 * causal multi-head attention; then {@code transformer.ln_f} and {@code logits = ln_f(x)·wteᵀ}. The
 * projections are {@link Conv1D}s, weights stored {@code [in, out]}: {@code attn.c_attn.weight} is
 * {@code [H, 3H]} with q, k and v side by side along the output, {@code attn.c_proj.weight} {@code
 * [H, H]}, {@code mlp.c_fc.weight} {@code [H, I]} and {@code mlp.c_proj.weight} {@code [I, H]}.
 *
 * <p>The loss is HuggingFace's causal-LM loss: the labels are shifted inside the model, so position
 * {@code i}'s logits predict label {@code i + 1} of the same sequence; the last position of each
 * sequence predicts nothing, labels {@link CrossEntropy#IGNORED} count for nothing, and the loss is
 * the mean cross-entropy over what remains.
 */
public final class Gpt2Reference {

  /** The GELU a GPT-2 declares: GPT-2's own is the tanh approximation ({@code gelu_new}). */
  public enum Activation {
    /** {@code x·Φ(x)}, with erf. */
    GELU,
    /** The tanh approximation, HuggingFace's {@code gelu_new}. */
    GELU_TANH;

    double apply(double x) {
      return this == GELU ? Gelu.exact(x) : Gelu.tanh(x);
    }

    double derivative(double x) {
      return this == GELU ? Gelu.exactDerivative(x) : Gelu.tanhDerivative(x);
    }
  }

  /** The sizes of a GPT-2; {@code eps} is the LayerNorm epsilon (GPT-2's is 1e-5). */
  public record Config(int vocab, int hidden, int layers, int heads, int intermediate, int maxPositions, double eps, Activation activation) {
    public Config {
      if (vocab <= 0 || hidden <= 0 || layers < 0 || heads <= 0 || intermediate <= 0 || maxPositions <= 0) {
        throw new IllegalArgumentException("sizes must be positive (layers may be 0)");
      }
      if (hidden % heads != 0) {
        throw new IllegalArgumentException("hidden " + hidden + " is not divisible by heads " + heads);
      }
      if (activation == null) {
        throw new IllegalArgumentException("no activation");
      }
    }
  }

  /**
   * What a forward pass produces.
   *
   * @param hidden [b, t, H], after {@code ln_f}
   * @param logits [b, t, V]
   * @param loss the causal-LM loss; NaN when run without labels
   */
  public record Output(double[] hidden, double[] logits, double loss) {}

  private final Config config;
  private final Map<String, double[]> p;

  public Gpt2Reference(Config config, Map<String, double[]> parameters) {
    this.config = config;
    this.p = parameters;
  }

  private double[] w(String name) {
    double[] value = p.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no parameter named " + name);
    }
    return value;
  }

  private static String layer(int l, String rest) {
    return "transformer.h." + l + "." + rest;
  }

  /** Saved activations of one block, for backward. */
  private static final class Block {
    double[] input, ln1, ln1Mean, ln1Rstd, q, k, v, probabilities, context, mid, ln2, ln2Mean, ln2Rstd, inner, activated;
  }

  /**
   * The forward pass; with {@code gradients} non-null, the backward too, accumulating into it.
   *
   * @param ids [b, t] token ids
   * @param labels [b, t], unshifted (typically the ids), {@link CrossEntropy#IGNORED} where nothing
   *     counts; null for no loss
   */
  public Output run(int[] ids, int b, int t, int[] labels, Map<String, double[]> gradients) {
    int h = config.hidden();
    int n = b * t;
    int heads = config.heads();
    int d = h / heads;
    int f = config.intermediate();
    int vocab = config.vocab();
    if (ids.length != n || (labels != null && labels.length != n)) {
      throw new IllegalArgumentException("ids and labels must hold b·t = " + n + " entries");
    }
    if (t > config.maxPositions()) {
      throw new IllegalArgumentException("sequence length " + t + " exceeds the " + config.maxPositions() + " positions");
    }
    if (gradients != null && labels == null) {
      throw new IllegalArgumentException("gradients need labels");
    }
    for (int r = 0; r < n; r++) {
      if (ids[r] < 0 || ids[r] >= vocab) {
        throw new IllegalArgumentException("id " + ids[r] + " at " + r + " is outside 0.." + (vocab - 1));
      }
    }
    // ---- embeddings: token + position ----
    double[] wte = w("transformer.wte.weight");
    double[] wpe = w("transformer.wpe.weight");
    double[] x = new double[n * h];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < h; i++) {
        x[r * h + i] = wte[ids[r] * h + i] + wpe[(r % t) * h + i];
      }
    }
    // ---- blocks ----
    Block[] blocks = new Block[config.layers()];
    for (int l = 0; l < config.layers(); l++) {
      Block k = new Block();
      blocks[l] = k;
      k.input = x;
      k.ln1 = new double[n * h];
      k.ln1Mean = new double[n];
      k.ln1Rstd = new double[n];
      LayerNorm.forward(x, w(layer(l, "ln_1.weight")), w(layer(l, "ln_1.bias")), k.ln1, k.ln1Mean, k.ln1Rstd, n, h, config.eps());
      double[] qkv = new double[n * 3 * h];
      Conv1D.forward(k.ln1, w(layer(l, "attn.c_attn.weight")), w(layer(l, "attn.c_attn.bias")), qkv, n, h, 3 * h);
      k.q = new double[n * h];
      k.k = new double[n * h];
      k.v = new double[n * h];
      for (int r = 0; r < n; r++) {
        System.arraycopy(qkv, r * 3 * h, k.q, r * h, h);
        System.arraycopy(qkv, r * 3 * h + h, k.k, r * h, h);
        System.arraycopy(qkv, r * 3 * h + 2 * h, k.v, r * h, h);
      }
      k.probabilities = new double[b * heads * t * t];
      k.context = new double[n * h];
      SelfAttention.forward(k.q, k.k, k.v, null, true, k.probabilities, k.context, b, t, heads, d);
      k.mid = new double[n * h];
      Conv1D.forward(k.context, w(layer(l, "attn.c_proj.weight")), w(layer(l, "attn.c_proj.bias")), k.mid, n, h, h);
      for (int i = 0; i < n * h; i++) {
        k.mid[i] += x[i];
      }
      k.ln2 = new double[n * h];
      k.ln2Mean = new double[n];
      k.ln2Rstd = new double[n];
      LayerNorm.forward(k.mid, w(layer(l, "ln_2.weight")), w(layer(l, "ln_2.bias")), k.ln2, k.ln2Mean, k.ln2Rstd, n, h, config.eps());
      k.inner = new double[n * f];
      Conv1D.forward(k.ln2, w(layer(l, "mlp.c_fc.weight")), w(layer(l, "mlp.c_fc.bias")), k.inner, n, h, f);
      k.activated = new double[n * f];
      for (int i = 0; i < n * f; i++) {
        k.activated[i] = config.activation().apply(k.inner[i]);
      }
      double[] out = new double[n * h];
      Conv1D.forward(k.activated, w(layer(l, "mlp.c_proj.weight")), w(layer(l, "mlp.c_proj.bias")), out, n, f, h);
      for (int i = 0; i < n * h; i++) {
        out[i] += k.mid[i];
      }
      x = out;
    }
    // ---- final LayerNorm, LM head tied to wte ----
    double[] hidden = new double[n * h];
    double[] fMean = new double[n];
    double[] fRstd = new double[n];
    LayerNorm.forward(x, w("transformer.ln_f.weight"), w("transformer.ln_f.bias"), hidden, fMean, fRstd, n, h, config.eps());
    double[] logits = new double[n * vocab];
    Linear.forward(hidden, wte, null, logits, n, h, vocab);
    if (labels == null) {
      return new Output(hidden, logits, Double.NaN);
    }
    // ---- causal-LM loss: position i predicts label i + 1 ----
    int[] shifted = new int[n];
    for (int r = 0; r < n; r++) {
      shifted[r] = r % t == t - 1 ? CrossEntropy.IGNORED : labels[r + 1];
    }
    double[] dLogits = gradients == null ? null : new double[n * vocab];
    double loss = CrossEntropy.forwardBackward(logits, shifted, dLogits, n, vocab);
    Output output = new Output(hidden, logits, loss);
    if (gradients == null) {
      return output;
    }
    // ================= backward =================
    Map<String, double[]> g = gradients;
    Function<String, double[]> grad = name -> g.computeIfAbsent(name, key -> new double[w(key).length]);
    double[] dWte = grad.apply("transformer.wte.weight");
    double[] dHidden = new double[n * h];
    Linear.backward(dLogits, hidden, wte, dHidden, dWte, null, n, h, vocab);
    double[] dx = new double[n * h];
    LayerNorm.backward(dHidden, x, w("transformer.ln_f.weight"), fMean, fRstd, dx,
        grad.apply("transformer.ln_f.weight"), grad.apply("transformer.ln_f.bias"), n, h);
    // blocks, last first; dx is the gradient of the block's output
    for (int l = config.layers() - 1; l >= 0; l--) {
      Block k = blocks[l];
      // x = mid + c_proj(gelu(c_fc(ln_2(mid))))
      double[] dActivated = new double[n * f];
      Conv1D.backward(dx, k.activated, w(layer(l, "mlp.c_proj.weight")), dActivated,
          grad.apply(layer(l, "mlp.c_proj.weight")), grad.apply(layer(l, "mlp.c_proj.bias")), n, f, h);
      double[] dInner = new double[n * f];
      for (int i = 0; i < n * f; i++) {
        dInner[i] = dActivated[i] * config.activation().derivative(k.inner[i]);
      }
      double[] dLn2 = new double[n * h];
      Conv1D.backward(dInner, k.ln2, w(layer(l, "mlp.c_fc.weight")), dLn2,
          grad.apply(layer(l, "mlp.c_fc.weight")), grad.apply(layer(l, "mlp.c_fc.bias")), n, h, f);
      double[] dMid = dx.clone(); // the residual
      LayerNorm.backward(dLn2, k.mid, w(layer(l, "ln_2.weight")), k.ln2Mean, k.ln2Rstd, dMid,
          grad.apply(layer(l, "ln_2.weight")), grad.apply(layer(l, "ln_2.bias")), n, h);
      // mid = input + c_proj(attn(c_attn(ln_1(input))))
      double[] dContext = new double[n * h];
      Conv1D.backward(dMid, k.context, w(layer(l, "attn.c_proj.weight")), dContext,
          grad.apply(layer(l, "attn.c_proj.weight")), grad.apply(layer(l, "attn.c_proj.bias")), n, h, h);
      double[] dq = new double[n * h];
      double[] dk = new double[n * h];
      double[] dv = new double[n * h];
      SelfAttention.backward(dContext, k.q, k.k, k.v, k.probabilities, dq, dk, dv, b, t, heads, d);
      double[] dQkv = new double[n * 3 * h];
      for (int r = 0; r < n; r++) {
        System.arraycopy(dq, r * h, dQkv, r * 3 * h, h);
        System.arraycopy(dk, r * h, dQkv, r * 3 * h + h, h);
        System.arraycopy(dv, r * h, dQkv, r * 3 * h + 2 * h, h);
      }
      double[] dLn1 = new double[n * h];
      Conv1D.backward(dQkv, k.ln1, w(layer(l, "attn.c_attn.weight")), dLn1,
          grad.apply(layer(l, "attn.c_attn.weight")), grad.apply(layer(l, "attn.c_attn.bias")), n, h, 3 * h);
      double[] dInput = dMid.clone(); // the residual
      LayerNorm.backward(dLn1, k.input, w(layer(l, "ln_1.weight")), k.ln1Mean, k.ln1Rstd, dInput,
          grad.apply(layer(l, "ln_1.weight")), grad.apply(layer(l, "ln_1.bias")), n, h);
      dx = dInput;
    }
    // embeddings (the token embedding's gradient adds to the LM head's)
    double[] dWpe = grad.apply("transformer.wpe.weight");
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < h; i++) {
        dWte[ids[r] * h + i] += dx[r * h + i];
        dWpe[(r % t) * h + i] += dx[r * h + i];
      }
    }
    return output;
  }

  /** A fresh map for {@link #run}'s gradients. */
  public static Map<String, double[]> gradients() {
    return new HashMap<>();
  }
}
