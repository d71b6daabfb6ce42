package dev.nlpm.runtime.reference;

import dev.nlpm.runtime.math.Gelu;
import java.util.HashMap;
import java.util.Map;

/**
 * BERT for pretraining (HuggingFace's {@code BertForPreTraining}, dropout off) on the reference
 * layers, in double: the oracle for the generated encoder. Parameters and gradients are maps from
 * the pretraining checkpoint's names ({@code bert.embeddings.word_embeddings.weight}, {@code
 * cls.predictions.bias}, …); the MLM decoder is tied to the word embeddings.
 *
 * <p>Post-LayerNorm blocks: {@code x = LN(x + Wo·Attn(x))}, {@code x = LN(x + W2·gelu(W1·x))};
 * the pooler is {@code tanh(Wp·x[CLS])}; the loss is the MLM cross-entropy over labelled positions
 * plus the NSP cross-entropy.
 */
public final class BertReference {

  /** The sizes of a BERT. */
  public record Config(int vocab, int hidden, int layers, int heads, int intermediate, int maxPositions, int typeVocab, double eps) {}

  /** What a forward pass produces. */
  public record Output(double[] hidden, double[] pooled, double[] mlmLogits, double[] nspLogits, double loss) {}

  private final Config config;
  private final Map<String, double[]> p;

  public BertReference(Config config, Map<String, double[]> parameters) {
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
    return "bert.encoder.layer." + l + "." + rest;
  }

  /** Saved activations of one block, for backward. */
  private static final class Block {
    double[] input, q, k, v, probabilities, context, attentionSum, attentionOut, attentionMean, attentionRstd;
    double[] inner, activated, outputSum, out, outputMean, outputRstd;
  }

  /** The forward pass; with {@code gradients} non-null, the backward too, accumulating into it. */
  public Output run(int[] ids, int[] types, int[] padding, int[] mlmLabels, int[] nspLabels, int b, int t, Map<String, double[]> gradients) {
    int h = config.hidden();
    int n = b * t;
    int heads = config.heads();
    int d = h / heads;
    // ---- embeddings: word + position + type, then LayerNorm ----
    double[] word = w("bert.embeddings.word_embeddings.weight");
    double[] position = w("bert.embeddings.position_embeddings.weight");
    double[] type = w("bert.embeddings.token_type_embeddings.weight");
    double[] embedded = new double[n * h];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < h; i++) {
        embedded[r * h + i] = word[ids[r] * h + i] + position[(r % t) * h + i] + type[types[r] * h + i];
      }
    }
    double[] x = new double[n * h];
    double[] embMean = new double[n];
    double[] embRstd = new double[n];
    LayerNorm.forward(embedded, w("bert.embeddings.LayerNorm.weight"), w("bert.embeddings.LayerNorm.bias"), x, embMean, embRstd, n, h, config.eps());
    // ---- blocks ----
    Block[] blocks = new Block[config.layers()];
    for (int l = 0; l < config.layers(); l++) {
      Block k = new Block();
      blocks[l] = k;
      k.input = x;
      k.q = new double[n * h];
      k.k = new double[n * h];
      k.v = new double[n * h];
      Linear.forward(x, w(layer(l, "attention.self.query.weight")), w(layer(l, "attention.self.query.bias")), k.q, n, h, h);
      Linear.forward(x, w(layer(l, "attention.self.key.weight")), w(layer(l, "attention.self.key.bias")), k.k, n, h, h);
      Linear.forward(x, w(layer(l, "attention.self.value.weight")), w(layer(l, "attention.self.value.bias")), k.v, n, h, h);
      k.probabilities = new double[b * heads * t * t];
      k.context = new double[n * h];
      SelfAttention.forward(k.q, k.k, k.v, padding, false, k.probabilities, k.context, b, t, heads, d);
      k.attentionSum = new double[n * h];
      Linear.forward(k.context, w(layer(l, "attention.output.dense.weight")), w(layer(l, "attention.output.dense.bias")), k.attentionSum, n, h, h);
      for (int i = 0; i < n * h; i++) {
        k.attentionSum[i] += x[i];
      }
      k.attentionOut = new double[n * h];
      k.attentionMean = new double[n];
      k.attentionRstd = new double[n];
      LayerNorm.forward(k.attentionSum, w(layer(l, "attention.output.LayerNorm.weight")), w(layer(l, "attention.output.LayerNorm.bias")),
          k.attentionOut, k.attentionMean, k.attentionRstd, n, h, config.eps());
      int f = config.intermediate();
      k.inner = new double[n * f];
      Linear.forward(k.attentionOut, w(layer(l, "intermediate.dense.weight")), w(layer(l, "intermediate.dense.bias")), k.inner, n, h, f);
      k.activated = new double[n * f];
      for (int i = 0; i < n * f; i++) {
        k.activated[i] = Gelu.exact(k.inner[i]);
      }
      k.outputSum = new double[n * h];
      Linear.forward(k.activated, w(layer(l, "output.dense.weight")), w(layer(l, "output.dense.bias")), k.outputSum, n, f, h);
      for (int i = 0; i < n * h; i++) {
        k.outputSum[i] += k.attentionOut[i];
      }
      k.out = new double[n * h];
      k.outputMean = new double[n];
      k.outputRstd = new double[n];
      LayerNorm.forward(k.outputSum, w(layer(l, "output.LayerNorm.weight")), w(layer(l, "output.LayerNorm.bias")), k.out, k.outputMean, k.outputRstd, n, h, config.eps());
      x = k.out;
    }
    // ---- pooler: tanh(Wp · x[CLS]) ----
    double[] cls = new double[b * h];
    for (int bi = 0; bi < b; bi++) {
      System.arraycopy(x, bi * t * h, cls, bi * h, h);
    }
    double[] pooled = new double[b * h];
    Linear.forward(cls, w("bert.pooler.dense.weight"), w("bert.pooler.dense.bias"), pooled, b, h, h);
    for (int i = 0; i < pooled.length; i++) {
      pooled[i] = Math.tanh(pooled[i]);
    }
    // ---- MLM head: dense, GELU, LayerNorm, decoder tied to the word embeddings, bias ----
    double[] transform = new double[n * h];
    Linear.forward(x, w("cls.predictions.transform.dense.weight"), w("cls.predictions.transform.dense.bias"), transform, n, h, h);
    double[] transformActivated = new double[n * h];
    for (int i = 0; i < n * h; i++) {
      transformActivated[i] = Gelu.exact(transform[i]);
    }
    double[] transformOut = new double[n * h];
    double[] headMean = new double[n];
    double[] headRstd = new double[n];
    LayerNorm.forward(transformActivated, w("cls.predictions.transform.LayerNorm.weight"), w("cls.predictions.transform.LayerNorm.bias"),
        transformOut, headMean, headRstd, n, h, config.eps());
    int v = config.vocab();
    double[] mlmLogits = new double[n * v];
    Linear.forward(transformOut, word, w("cls.predictions.bias"), mlmLogits, n, h, v);
    // ---- NSP head ----
    double[] nspLogits = new double[b * 2];
    Linear.forward(pooled, w("cls.seq_relationship.weight"), w("cls.seq_relationship.bias"), nspLogits, b, h, 2);
    double[] dMlm = gradients == null ? null : new double[n * v];
    double[] dNsp = gradients == null ? null : new double[b * 2];
    double loss = CrossEntropy.forwardBackward(mlmLogits, mlmLabels, dMlm, n, v)
        + CrossEntropy.forwardBackward(nspLogits, nspLabels, dNsp, b, 2);
    Output output = new Output(x, pooled, mlmLogits, nspLogits, loss);
    if (gradients == null) {
      return output;
    }
    // ================= backward =================
    Map<String, double[]> g = gradients;
    java.util.function.Function<String, double[]> grad = name -> g.computeIfAbsent(name, key -> new double[w(key).length]);
    double[] dx = new double[n * h];
    // NSP head
    double[] dPooled = new double[b * h];
    Linear.backward(dNsp, pooled, w("cls.seq_relationship.weight"), dPooled, grad.apply("cls.seq_relationship.weight"), grad.apply("cls.seq_relationship.bias"), b, h, 2);
    // MLM head (decoder gradient lands on the tied word embeddings)
    double[] dTransformOut = new double[n * h];
    Linear.backward(dMlm, transformOut, word, dTransformOut, grad.apply("bert.embeddings.word_embeddings.weight"), grad.apply("cls.predictions.bias"), n, h, v);
    double[] dTransformActivated = new double[n * h];
    LayerNorm.backward(dTransformOut, transformActivated, w("cls.predictions.transform.LayerNorm.weight"), headMean, headRstd,
        dTransformActivated, grad.apply("cls.predictions.transform.LayerNorm.weight"), grad.apply("cls.predictions.transform.LayerNorm.bias"), n, h);
    double[] dTransform = new double[n * h];
    for (int i = 0; i < n * h; i++) {
      dTransform[i] = dTransformActivated[i] * Gelu.exactDerivative(transform[i]);
    }
    Linear.backward(dTransform, x, w("cls.predictions.transform.dense.weight"), dx, grad.apply("cls.predictions.transform.dense.weight"),
        grad.apply("cls.predictions.transform.dense.bias"), n, h, h);
    // pooler
    double[] dPre = new double[b * h];
    for (int i = 0; i < b * h; i++) {
      dPre[i] = dPooled[i] * (1 - pooled[i] * pooled[i]);
    }
    double[] dCls = new double[b * h];
    Linear.backward(dPre, cls, w("bert.pooler.dense.weight"), dCls, grad.apply("bert.pooler.dense.weight"), grad.apply("bert.pooler.dense.bias"), b, h, h);
    for (int bi = 0; bi < b; bi++) {
      for (int i = 0; i < h; i++) {
        dx[bi * t * h + i] += dCls[bi * h + i];
      }
    }
    // blocks, last first
    for (int l = config.layers() - 1; l >= 0; l--) {
      Block k = blocks[l];
      int f = config.intermediate();
      double[] dOutputSum = new double[n * h];
      LayerNorm.backward(dx, k.outputSum, w(layer(l, "output.LayerNorm.weight")), k.outputMean, k.outputRstd, dOutputSum,
          grad.apply(layer(l, "output.LayerNorm.weight")), grad.apply(layer(l, "output.LayerNorm.bias")), n, h);
      double[] dActivated = new double[n * f];
      Linear.backward(dOutputSum, k.activated, w(layer(l, "output.dense.weight")), dActivated, grad.apply(layer(l, "output.dense.weight")),
          grad.apply(layer(l, "output.dense.bias")), n, f, h);
      double[] dInner = new double[n * f];
      for (int i = 0; i < n * f; i++) {
        dInner[i] = dActivated[i] * Gelu.exactDerivative(k.inner[i]);
      }
      double[] dAttentionOut = dOutputSum.clone(); // the residual
      Linear.backward(dInner, k.attentionOut, w(layer(l, "intermediate.dense.weight")), dAttentionOut, grad.apply(layer(l, "intermediate.dense.weight")),
          grad.apply(layer(l, "intermediate.dense.bias")), n, h, f);
      double[] dAttentionSum = new double[n * h];
      LayerNorm.backward(dAttentionOut, k.attentionSum, w(layer(l, "attention.output.LayerNorm.weight")), k.attentionMean, k.attentionRstd,
          dAttentionSum, grad.apply(layer(l, "attention.output.LayerNorm.weight")), grad.apply(layer(l, "attention.output.LayerNorm.bias")), n, h);
      double[] dContext = new double[n * h];
      Linear.backward(dAttentionSum, k.context, w(layer(l, "attention.output.dense.weight")), dContext, grad.apply(layer(l, "attention.output.dense.weight")),
          grad.apply(layer(l, "attention.output.dense.bias")), n, h, h);
      double[] dq = new double[n * h];
      double[] dk = new double[n * h];
      double[] dv = new double[n * h];
      SelfAttention.backward(dContext, k.q, k.k, k.v, k.probabilities, dq, dk, dv, b, t, heads, d);
      double[] dInput = dAttentionSum.clone(); // the residual
      Linear.backward(dq, k.input, w(layer(l, "attention.self.query.weight")), dInput, grad.apply(layer(l, "attention.self.query.weight")), grad.apply(layer(l, "attention.self.query.bias")), n, h, h);
      Linear.backward(dk, k.input, w(layer(l, "attention.self.key.weight")), dInput, grad.apply(layer(l, "attention.self.key.weight")), grad.apply(layer(l, "attention.self.key.bias")), n, h, h);
      Linear.backward(dv, k.input, w(layer(l, "attention.self.value.weight")), dInput, grad.apply(layer(l, "attention.self.value.weight")), grad.apply(layer(l, "attention.self.value.bias")), n, h, h);
      dx = dInput;
    }
    // embeddings
    double[] dEmbedded = new double[n * h];
    LayerNorm.backward(dx, embedded, w("bert.embeddings.LayerNorm.weight"), embMean, embRstd, dEmbedded,
        grad.apply("bert.embeddings.LayerNorm.weight"), grad.apply("bert.embeddings.LayerNorm.bias"), n, h);
    double[] dWord = grad.apply("bert.embeddings.word_embeddings.weight");
    double[] dPosition = grad.apply("bert.embeddings.position_embeddings.weight");
    double[] dType = grad.apply("bert.embeddings.token_type_embeddings.weight");
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < h; i++) {
        double gi = dEmbedded[r * h + i];
        dWord[ids[r] * h + i] += gi;
        dPosition[(r % t) * h + i] += gi;
        dType[types[r] * h + i] += gi;
      }
    }
    return output;
  }

  /** A fresh map for {@link #run}'s gradients. */
  public static Map<String, double[]> gradients() {
    return new HashMap<>();
  }
}
