package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.decoding.LanguageModelStep;

/**
 * One sequence's past keys and values in every layer and head, with room for a fixed number of
 * positions set at creation, and the logits after its last token. {@link CachedDecoding#advance} adds a
 * token at a cost linear in the length so far, {@link CachedDecoding#extend} several in one pass, and
 * {@link #rollBack} forgets the last ones; a token past the capacity is refused with a message,
 * not written out of bounds.
 */
public final class KeyValueCache implements LanguageModelStep.State {

  final CachedDecoding decoding;
  final float[][][][] keys;
  final float[][][][] values;
  final int capacity;
  int length;
  final float[] logits;
  // one row of scratch per cache, so that advancing allocates nothing
  final float[] x, normed, qkv, context, projected, inner, activated;
  // attention's scratch rows, as one-row matrices for the kernels
  final float[][] scores, query, headContext;
  final float[] mean = new float[1];
  final float[] rstd = new float[1];
  // the last CachedDecoding.extend's rows (its own copies), from which rollBack restores the logits of a kept position;
  // its positions below extensionIntact still hold the tokens it fed (a roll back and new tokens replace the rest)
  private FedTokens lastExtension;
  private int extensionIntact;
  // the length a roll back left without logits (those of a forgotten position); -1 when the logits are current
  private int forgottenAt = -1;

  KeyValueCache(CachedDecoding decoding, int capacity) {
    DecoderConfig c = decoding.config();
    if (capacity <= 0 || capacity > c.maxPositions()) {
      throw new IllegalArgumentException("cache capacity " + capacity + " must be between 1 and the model's " + c.maxPositions() + " positions");
    }
    this.decoding = decoding;
    this.capacity = capacity;
    int d = c.headSize();
    keys = new float[c.layers()][c.heads()][capacity][d];
    values = new float[c.layers()][c.heads()][capacity][d];
    logits = new float[c.vocab()];
    x = new float[c.hidden()];
    normed = new float[c.hidden()];
    qkv = new float[3 * c.hidden()];
    context = new float[c.hidden()];
    projected = new float[c.hidden()];
    inner = new float[c.intermediate()];
    activated = new float[c.intermediate()];
    scores = new float[1][capacity];
    query = new float[1][d];
    headContext = new float[1][d];
  }

  /** Tokens seen so far. */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  @Override
  public float[] logits() {
    if (length == 0) {
      throw new IllegalStateException("no token has been fed yet");
    }
    if (length == forgottenAt) {
      throw new IllegalStateException("rolled back to " + length + " tokens, past the last extend's positions: the logits after position "
          + (length - 1) + " are gone; roll back less or feed a token");
    }
    return logits;
  }

  /** Called by {@link CachedDecoding#extend}: keeps copies of its rows and the last row's logits as the next token's. */
  void fed(int firstPosition, float[][] hidden, float[][] rows) {
    float[][] hiddenCopy = new float[hidden.length][];
    float[][] logitsCopy = new float[rows.length][];
    for (int j = 0; j < rows.length; j++) {
      hiddenCopy[j] = hidden[j].clone();
      logitsCopy[j] = rows[j].clone();
    }
    lastExtension = new FedTokens(firstPosition, hiddenCopy, logitsCopy);
    length = firstPosition + rows.length;
    extensionIntact = length;
    System.arraycopy(rows[rows.length - 1], 0, logits, 0, logits.length);
    forgottenAt = -1;
  }

  /**
   * Forgets every position from {@code length} on (proposals that verification rejected); the
   * next token goes to position {@code length}. When position {@code length − 1} was fed by the
   * last {@link CachedDecoding#extend}, {@link #logits()} become the logits after it; otherwise they are
   * unavailable until a token is fed.
   */
  public void rollBack(int length) {
    if (length < 1 || length > this.length) {
      throw new IllegalArgumentException("cannot roll back to " + length + " tokens: the cache holds " + this.length
          + " and keeps at least 1");
    }
    this.length = length;
    FedTokens last = lastExtension;
    extensionIntact = Math.min(extensionIntact, length);
    if (last != null && length - 1 >= last.firstPosition() && length - 1 < extensionIntact) {
      System.arraycopy(last.logits()[length - 1 - last.firstPosition()], 0, logits, 0, logits.length);
      forgottenAt = -1;
    } else {
      forgottenAt = length;
    }
  }

  @Override
  public KeyValueCache advance(int token) {
    decoding.advance(new KeyValueCache[] {this}, new int[] {token});
    return this;
  }

  @Override
  public KeyValueCache fork() {
    KeyValueCache copy = new KeyValueCache(decoding, capacity);
    for (int l = 0; l < keys.length; l++) {
      for (int h = 0; h < keys[l].length; h++) {
        for (int p = 0; p < length; p++) {
          System.arraycopy(keys[l][h][p], 0, copy.keys[l][h][p], 0, keys[l][h][p].length);
          System.arraycopy(values[l][h][p], 0, copy.values[l][h][p], 0, values[l][h][p].length);
        }
      }
    }
    copy.length = length;
    copy.forgottenAt = forgottenAt;
    System.arraycopy(logits, 0, copy.logits, 0, logits.length);
    return copy;
  }
}
