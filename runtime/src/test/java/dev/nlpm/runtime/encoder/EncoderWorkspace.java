package dev.nlpm.runtime.encoder;

/**
 * Every activation, dropout mask and backward scratch buffer one encoder step needs, allocated
 * once for a capacity of {@code maxBatch} sequences of {@code maxLength} positions and {@code
 * maxPredictions} MLM positions in all. One caller at a time: concurrent callers each use their
 * own. A row {@code r = b·length + t} of a batch shorter than the capacity uses the first rows.
 */
public final class EncoderWorkspace implements EncoderActivations {

  /** One block's saved activations. */
  static final class Block {
    /** Pre-LayerNorm only (else null): the attention's input, {@code LN(x)}. */
    final float[][] normedInput;
    final float[][] q, k, v, context, attentionDense, attentionSum, attentionOut, inner, activated, outputDense, outputSum, out;
    final float[][] attentionDenseKeep, outputDenseKeep;
    final float[] attentionMean, attentionRstd, outputMean, outputRstd;
    /** Per (sequence, head): [position][head size]. */
    final float[][][] qh, kh, vh, contextH;
    /** Per (sequence, head): softmax [query][key], its dropout's keep factors and the dropped probabilities. */
    final float[][][] probabilities, probabilitiesKeep, dropped;

    Block(int n, int h, int f, int sequenceHeads, int maxLength, int d, boolean preNorm) {
      normedInput = preNorm ? new float[n][h] : null;
      q = new float[n][h];
      k = new float[n][h];
      v = new float[n][h];
      context = new float[n][h];
      attentionDense = new float[n][h];
      attentionDenseKeep = new float[n][h];
      attentionSum = new float[n][h];
      attentionOut = new float[n][h];
      inner = new float[n][f];
      activated = new float[n][f];
      outputDense = new float[n][h];
      outputDenseKeep = new float[n][h];
      outputSum = new float[n][h];
      out = new float[n][h];
      attentionMean = new float[n];
      attentionRstd = new float[n];
      outputMean = new float[n];
      outputRstd = new float[n];
      qh = new float[sequenceHeads][maxLength][d];
      kh = new float[sequenceHeads][maxLength][d];
      vh = new float[sequenceHeads][maxLength][d];
      contextH = new float[sequenceHeads][maxLength][d];
      probabilities = new float[sequenceHeads][maxLength][maxLength];
      probabilitiesKeep = new float[sequenceHeads][maxLength][maxLength];
      dropped = new float[sequenceHeads][maxLength][maxLength];
    }
  }

  /** A fine-tuning head's buffers over {@code rows} rows ({@link ClassificationHead}). */
  static final class HeadBuffers {
    /** The first tokens' states copied out, and their gradient (null unless the head reads them). */
    final float[][] input, dInput;
    /** Each stage's output (its dropout's, its linear layer's, its activation's) and its gradient; the last's are the logits. */
    final float[][][] out, dOut;
    /** Each dropout stage's keep factors (null at the other stages). */
    final float[][][] keep;
    /** Each stage's input in the last forward pass (what its backward reads). */
    final float[][][] inputs;

    HeadBuffers(ClassificationHead head, int rows, int hidden) {
      boolean first = head.input() == ClassificationHead.Input.FIRST_TOKEN;
      input = first ? new float[rows][hidden] : null;
      dInput = first ? new float[rows][hidden] : null;
      int stages = head.stages().size();
      out = new float[stages][][];
      dOut = new float[stages][][];
      keep = new float[stages][][];
      inputs = new float[stages][][];
      for (int k = 0; k < stages; k++) {
        ClassificationHead.Stage stage = head.stages().get(k);
        out[k] = new float[rows][stage.width()];
        dOut[k] = new float[rows][stage.width()];
        keep[k] = stage.kind() == ClassificationHead.Kind.DROPOUT ? new float[rows][stage.width()] : null;
      }
    }

    float[][] logits() {
      return out[out.length - 1];
    }

    float[][] dLogits() {
      return dOut[dOut.length - 1];
    }
  }

  final int maxBatch;
  final int maxLength;
  final int maxPredictions;

  // embeddings ([n][E]), and (factorized or ALBERT's) their mapping to the hidden width ([n][h], else null)
  final float[][] embedded, embeddingNorm, embeddingKeep, embeddingOut, mapped, dEmbedding, dEmbedded;
  final float[] embeddingMean, embeddingRstd;
  /** RoBERTa's learned position rows of the last batch (null for the others, whose rows are {@code r % length}, or none). */
  final int[] positionIds;
  final Block[] blocks;
  // pooler and heads
  final float[][] cls, pooledPre, pooled, nspLogits;
  /** The fine-tuning heads' buffers (null without the head). */
  final HeadBuffers sequence, token;
  final int[] predictionRows;
  int predictions;
  final float[][] selected, transform, transformActivated, transformOut, mlmLogits;
  final float[] transformMean, transformRstd;
  // backward scratch
  final float[][] dx, dSum, dDense, dContext, dq, dk, dv, dInner, dCls, dPooled, dPooledPre, dNsp;
  final float[][] dMlm, dTransformOut, dTransformActivated, dTransform, dSelected;
  final float[][][] dqh, dkh, dvh, dContextH, dProbabilities;
  // last step
  int batch;
  int length;

  public EncoderWorkspace(EncoderConfig config, int maxBatch, int maxLength, int maxPredictions) {
    if (maxBatch <= 0 || maxLength <= 0 || maxPredictions < 0) {
      throw new IllegalArgumentException("workspace capacity must be positive, got " + maxBatch + " × " + maxLength + ", " + maxPredictions + " predictions");
    }
    if (maxLength > config.maxLength()) {
      throw new IllegalArgumentException("sequence capacity " + maxLength + " exceeds the model's " + config.maxLength() + " positions");
    }
    this.maxBatch = maxBatch;
    this.maxLength = maxLength;
    this.maxPredictions = maxPredictions;
    int n = maxBatch * maxLength;
    int h = config.hidden();
    int f = config.intermediate();
    int d = config.headSize();
    int sh = maxBatch * config.heads();
    int v = config.vocab();
    int e = config.embeddingSize();
    EncoderShape shape = config.shape();
    embedded = new float[n][e];
    embeddingNorm = new float[n][e];
    embeddingKeep = new float[n][e];
    embeddingOut = new float[n][e];
    boolean mapping = shape.mapsEmbeddings(h);
    mapped = mapping ? new float[n][h] : null;
    dEmbedding = mapping ? new float[n][e] : null;
    dEmbedded = mapping ? new float[n][e] : null;
    positionIds = shape.positions() == EncoderShape.Positions.LEARNED && shape.names().positionOffset() > 0 ? new int[n] : null;
    embeddingMean = new float[n];
    embeddingRstd = new float[n];
    blocks = new Block[config.layers()];
    for (int l = 0; l < blocks.length; l++) {
      blocks[l] = new Block(n, h, f, sh, maxLength, d, shape.placement() == EncoderShape.Placement.PRE);
    }
    cls = new float[maxBatch][h];
    pooledPre = new float[maxBatch][h];
    pooled = new float[maxBatch][h];
    nspLogits = new float[maxBatch][2];
    ClassificationHead sequenceHead = ClassificationHead.sequence(config);
    ClassificationHead tokenHead = ClassificationHead.token(config);
    sequence = sequenceHead != null ? new HeadBuffers(sequenceHead, maxBatch, h) : null;
    token = tokenHead != null ? new HeadBuffers(tokenHead, n, h) : null;
    predictionRows = new int[maxPredictions];
    selected = new float[maxPredictions][h];
    transform = new float[maxPredictions][e];
    transformActivated = new float[maxPredictions][e];
    transformOut = new float[maxPredictions][e];
    transformMean = new float[maxPredictions];
    transformRstd = new float[maxPredictions];
    mlmLogits = new float[maxPredictions][v];
    dx = new float[n][h];
    dSum = new float[n][h];
    dDense = new float[n][h];
    dContext = new float[n][h];
    dq = new float[n][h];
    dk = new float[n][h];
    dv = new float[n][h];
    dInner = new float[n][f];
    dCls = new float[maxBatch][h];
    dPooled = new float[maxBatch][h];
    dPooledPre = new float[maxBatch][h];
    dNsp = new float[maxBatch][2];
    dMlm = new float[maxPredictions][v];
    dTransformOut = new float[maxPredictions][e];
    dTransformActivated = new float[maxPredictions][e];
    dTransform = new float[maxPredictions][e];
    dSelected = new float[maxPredictions][h];
    dqh = new float[sh][maxLength][d];
    dkh = new float[sh][maxLength][d];
    dvh = new float[sh][maxLength][d];
    dContextH = new float[sh][maxLength][d];
    dProbabilities = new float[sh][maxLength][maxLength];
  }

  public int maxBatch() {
    return maxBatch;
  }

  public int maxLength() {
    return maxLength;
  }

  public int maxPredictions() {
    return maxPredictions;
  }

  /** The last layer's hidden state at row {@code b·length + t} of the last forward pass. */
  public float[] hidden(int row) {
    float[][] out = blocks[blocks.length - 1].out;
    return out[row];
  }

  /**
   * Sequence {@code b}'s pooled output: tanh of the pooler over its {@code [CLS]} state, or (an
   * encoder without a pooler) the {@code [CLS]} hidden state itself.
   */
  public float[] pooled(int b) {
    return pooled[b];
  }

  /** The MLM logits at the {@code i}-th predicted position (see {@link #predictionRow}). */
  public float[] mlmLogits(int i) {
    return mlmLogits[i];
  }

  /** The row of the {@code i}-th predicted position. */
  public int predictionRow(int i) {
    return predictionRows[i];
  }

  /** How many positions the last forward pass predicted. */
  public int predictions() {
    return predictions;
  }

  public float[] nspLogits(int b) {
    return nspLogits[b];
  }

  public float[] sequenceLogits(int b) {
    if (sequence == null) {
      throw new UnsupportedOperationException("the encoder has no sequence-classification head");
    }
    return sequence.logits()[b];
  }

  public float[] tokenLogits(int row) {
    if (token == null) {
      throw new UnsupportedOperationException("the encoder has no token-classification head");
    }
    return token.logits()[row];
  }
}
