package dev.nlpm.runtime.ops;

import dev.nlpm.runtime.encoder.FeedForwardActivation;

/** The feed-forward block's elementwise activation ({@link FeedForwardActivation}: GELU, GELU-tanh, ReLU), forward and backward. */
public final class Activation {

  private Activation() {}

  /**
   * {@code out[r][i] = act(in[r][i])} for rows {@code [from, to)} and {@code i < width}.
   *
   * @param in  {@code [rows][width]} the pre-activation (kept for backward)
   * @param out {@code [rows][width]}
   */
  public static void forward(FeedForwardActivation activation, float[][] in, float[][] out, int width, int from, int to) {
    for (int r = from; r < to; r++) {
      float[] ir = in[r];
      float[] or = out[r];
      for (int i = 0; i < width; i++) {
        or[i] = activation.apply(ir[i]);
      }
    }
  }

  /**
   * {@code dIn[r][i] = dOut[r][i] · act′(in[r][i])} for rows {@code [from, to)} and {@code i <
   * width}; {@code dIn} may be {@code dOut} (in place).
   *
   * @param in   {@code [rows][width]} the forward pre-activation
   * @param dOut {@code [rows][width]}
   * @param dIn  {@code [rows][width]}
   */
  public static void backward(FeedForwardActivation activation, float[][] in, float[][] dOut, float[][] dIn, int width, int from, int to) {
    for (int r = from; r < to; r++) {
      float[] ir = in[r];
      float[] dor = dOut[r];
      float[] dir = dIn[r];
      for (int i = 0; i < width; i++) {
        dir[i] = dor[i] * activation.derivative(ir[i]);
      }
    }
  }
}
