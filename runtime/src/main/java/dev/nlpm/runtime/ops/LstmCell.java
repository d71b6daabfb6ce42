package dev.nlpm.runtime.ops;

/**
 * One LSTM cell step for one row, PyTorch's gate order {@code (i, f, g, o)} in the pre-activation
 * {@code z = x · W_ihᵀ + b_ih + h_{t−1} · W_hhᵀ + b_hh} (two {@link Linear} products):
 *
 * <pre>
 *   i, f, o = σ(z_i), σ(z_f), σ(z_o);  g = tanh(z_g)      [4·hidden], in place
 *   c = f · c_{t−1} + i · g;  h = o · tanh(c)              [hidden]
 * </pre>
 */
public final class LstmCell {

  private LstmCell() {}

  /**
   * Forward: {@code z} ({@code [4·hidden]}) from pre-activations to gates in place (saved for
   * backward), then {@code c} and {@code h} ({@code [hidden]}); {@code c} may be {@code cPrev}.
   */
  public static void forward(float[] z, float[] cPrev, float[] c, float[] h, int hidden) {
    for (int k = 0; k < 4 * hidden; k++) {
      z[k] = k >= 2 * hidden && k < 3 * hidden ? (float) Math.tanh(z[k]) : sigmoid(z[k]);
    }
    for (int j = 0; j < hidden; j++) {
      float cj = z[hidden + j] * cPrev[j] + z[j] * z[2 * hidden + j];
      c[j] = cj;
      h[j] = z[3 * hidden + j] * (float) Math.tanh(cj);
    }
  }

  /**
   * Backward from the gates {@code z}, {@code cPrev} and {@code c} the forward saved: with {@code
   * dh = dOut + dhNext} (the gradient into {@code h} from above and from the next step) and {@code
   * dc} on entry the next step's gradient into {@code c}, writes {@code dz} ({@code [4·hidden]},
   * the pre-activations' gradient) and leaves in {@code dc} the gradient into {@code cPrev}.
   */
  public static void backward(float[] z, float[] cPrev, float[] c, float[] dOut, float[] dhNext, float[] dc, float[] dz, int hidden) {
    for (int j = 0; j < hidden; j++) {
      float dh = dOut[j] + dhNext[j];
      float tc = (float) Math.tanh(c[j]);
      float gi = z[j];
      float gf = z[hidden + j];
      float gg = z[2 * hidden + j];
      float go = z[3 * hidden + j];
      float dcj = dc[j] + dh * go * (1 - tc * tc);
      dz[j] = dcj * gg * gi * (1 - gi);
      dz[hidden + j] = dcj * cPrev[j] * gf * (1 - gf);
      dz[2 * hidden + j] = dcj * gi * (1 - gg * gg);
      dz[3 * hidden + j] = dh * tc * go * (1 - go);
      dc[j] = dcj * gf;
    }
  }

  /** The logistic function in float, through a double exponential. */
  public static float sigmoid(float x) {
    return (float) (1 / (1 + Math.exp(-x)));
  }
}
