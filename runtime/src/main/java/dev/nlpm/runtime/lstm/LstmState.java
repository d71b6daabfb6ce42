package dev.nlpm.runtime.lstm;

import java.util.Arrays;

/**
 * The recurrent state of {@code batch} sequences, carried from block to block: {@code h} and
 * {@code c} of every layer, {@code [layers][batch][hidden]} as {@code torch.nn.LSTM} returns {@code
 * h_n} and {@code c_n}. The passes read it at a block's start and write the block's final state
 * back into the same rows.
 */
public final class LstmState {

  private final float[][][] h;
  private final float[][][] c;

  public LstmState(LstmConfig config, int batch) {
    if (batch <= 0) {
      throw new IllegalArgumentException("an LSTM state holds at least one sequence, got " + batch);
    }
    h = new float[config.layers()][batch][config.hidden()];
    c = new float[config.layers()][batch][config.hidden()];
  }

  public int layers() {
    return h.length;
  }

  public int batch() {
    return h[0].length;
  }

  public int hidden() {
    return h[0][0].length;
  }

  /** The hidden state of {@code layer} for {@code sequence}: the row itself, which the passes read and overwrite. */
  public float[] h(int layer, int sequence) {
    return h[layer][sequence];
  }

  /** The cell state of {@code layer} for {@code sequence}: the row itself, which the passes read and overwrite. */
  public float[] c(int layer, int sequence) {
    return c[layer][sequence];
  }

  /** Replaces this state's numbers with {@code other}'s (same sizes). */
  public void copyFrom(LstmState other) {
    if (other.layers() != layers() || other.batch() != batch() || other.hidden() != hidden()) {
      throw new IllegalArgumentException("an LSTM state of " + other.layers() + " × " + other.batch() + " × " + other.hidden()
          + " copied into one of " + layers() + " × " + batch() + " × " + hidden());
    }
    for (int l = 0; l < h.length; l++) {
      for (int b = 0; b < h[l].length; b++) {
        System.arraycopy(other.h[l][b], 0, h[l][b], 0, h[l][b].length);
        System.arraycopy(other.c[l][b], 0, c[l][b], 0, c[l][b].length);
      }
    }
  }

  /** Back to zero, as at the start of the text. */
  public void reset() {
    for (int l = 0; l < h.length; l++) {
      for (int b = 0; b < h[l].length; b++) {
        Arrays.fill(h[l][b], 0);
        Arrays.fill(c[l][b], 0);
      }
    }
  }
}
