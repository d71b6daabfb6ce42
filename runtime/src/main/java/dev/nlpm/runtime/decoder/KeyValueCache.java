package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.decode.LanguageModelStep;

/**
 * One sequence's past keys and values in every layer and head, with room for a fixed number of
 * positions set at creation, and the logits after its last token. {@link Decoder#advance} adds a
 * token at a cost linear in the length so far; a token past the capacity is refused with a
 * message, not written out of bounds.
 */
public final class KeyValueCache implements LanguageModelStep.State {

  final Decoder decoder;
  final float[][][][] keys;
  final float[][][][] values;
  final int capacity;
  int length;
  final float[] logits;
  // one row of scratch per cache, so that advancing allocates nothing
  final float[] x, normed, qkv, context, projected, inner, activated, scores, query, headContext;
  final float[] mean = new float[1];
  final float[] rstd = new float[1];

  KeyValueCache(Decoder decoder, int capacity) {
    DecoderConfig c = decoder.config();
    if (capacity <= 0 || capacity > c.maxPositions()) {
      throw new IllegalArgumentException("cache capacity " + capacity + " must be between 1 and the model's " + c.maxPositions() + " positions");
    }
    this.decoder = decoder;
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
    scores = new float[capacity];
    query = new float[d];
    headContext = new float[d];
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
    return logits;
  }

  @Override
  public KeyValueCache advance(int token) {
    decoder.advance(new KeyValueCache[] {this}, new int[] {token});
    return this;
  }

  @Override
  public KeyValueCache fork() {
    KeyValueCache copy = new KeyValueCache(decoder, capacity);
    for (int l = 0; l < keys.length; l++) {
      for (int h = 0; h < keys[l].length; h++) {
        for (int p = 0; p < length; p++) {
          System.arraycopy(keys[l][h][p], 0, copy.keys[l][h][p], 0, keys[l][h][p].length);
          System.arraycopy(values[l][h][p], 0, copy.values[l][h][p], 0, values[l][h][p].length);
        }
      }
    }
    copy.length = length;
    System.arraycopy(logits, 0, copy.logits, 0, logits.length);
    return copy;
  }
}
