package dev.nlpm.runtime.reference;

/**
 * One LSTM layer through time, as {@code torch.nn.LSTM} computes it: gates {@code [i, f, g, o] =
 * W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh} (weights {@code [4H, in]} and {@code [4H, H]}, the
 * gates stacked in that order), {@code c_t = σ(f)·c_{t−1} + σ(i)·tanh(g)}, {@code h_t =
 * σ(o)·tanh(c_t)}. Backward runs through time from the last step, taking the gradient of the
 * outputs and of the final state, as truncated BPTT with a carried state needs.
 */
public final class Lstm {

  /** What forward saves for backward: every step's gates (after their nonlinearities) and cells. */
  public record Saved(double[] gates, double[] cells, double[] hiddens) {}

  private Lstm() {}

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /**
   * @param x [t, b, in] (time first, as PyTorch's default)
   * @param h0 [b, h], c0 [b, h]: the carried state
   * @param out [t, b, h], written with every step's h
   * @param hT [b, h], cT [b, h]: written with the final state
   */
  public static Saved forward(
      double[] x, double[] h0, double[] c0, double[] wih, double[] whh, double[] bih, double[] bhh,
      double[] out, double[] hT, double[] cT, int t, int b, int in, int h) {
    double[] gates = new double[t * b * 4 * h];
    double[] cells = new double[(t + 1) * b * h];
    double[] hiddens = new double[(t + 1) * b * h];
    System.arraycopy(c0, 0, cells, 0, b * h);
    System.arraycopy(h0, 0, hiddens, 0, b * h);
    for (int s = 0; s < t; s++) {
      for (int r = 0; r < b; r++) {
        int g = (s * b + r) * 4 * h;
        for (int k = 0; k < 4 * h; k++) {
          double z = bih[k] + bhh[k];
          for (int i = 0; i < in; i++) {
            z += wih[k * in + i] * x[(s * b + r) * in + i];
          }
          for (int j = 0; j < h; j++) {
            z += whh[k * h + j] * hiddens[(s * b + r) * h + j];
          }
          gates[g + k] = k >= 2 * h && k < 3 * h ? Math.tanh(z) : sigmoid(z);
        }
        for (int j = 0; j < h; j++) {
          double c = gates[g + h + j] * cells[(s * b + r) * h + j] + gates[g + j] * gates[g + 2 * h + j];
          cells[((s + 1) * b + r) * h + j] = c;
          double hv = gates[g + 3 * h + j] * Math.tanh(c);
          hiddens[((s + 1) * b + r) * h + j] = hv;
          out[(s * b + r) * h + j] = hv;
        }
      }
    }
    System.arraycopy(hiddens, t * b * h, hT, 0, b * h);
    System.arraycopy(cells, t * b * h, cT, 0, b * h);
    return new Saved(gates, cells, hiddens);
  }

  /**
   * Accumulates the gradients of every input, weight and of the carried state.
   *
   * @param dout [t, b, h]; dhT, dcT [b, h] (zeros when the final state is not used)
   */
  public static void backward(
      Saved saved, double[] dout, double[] dhT, double[] dcT, double[] x, double[] wih, double[] whh,
      double[] dx, double[] dh0, double[] dc0, double[] dwih, double[] dwhh, double[] dbih, double[] dbhh,
      int t, int b, int in, int h) {
    double[] dhNext = dhT.clone();
    double[] dcNext = dcT.clone();
    double[] dz = new double[4 * h];
    for (int s = t - 1; s >= 0; s--) {
      double[] dhPrev = new double[b * h];
      double[] dcPrev = new double[b * h];
      for (int r = 0; r < b; r++) {
        int g = (s * b + r) * 4 * h;
        for (int j = 0; j < h; j++) {
          double dhv = dout[(s * b + r) * h + j] + dhNext[r * h + j];
          double c = saved.cells()[((s + 1) * b + r) * h + j];
          double tc = Math.tanh(c);
          double gi = saved.gates()[g + j];
          double gf = saved.gates()[g + h + j];
          double gg = saved.gates()[g + 2 * h + j];
          double go = saved.gates()[g + 3 * h + j];
          double dc = dcNext[r * h + j] + dhv * go * (1 - tc * tc);
          dz[j] = dc * gg * gi * (1 - gi);
          dz[h + j] = dc * saved.cells()[(s * b + r) * h + j] * gf * (1 - gf);
          dz[2 * h + j] = dc * gi * (1 - gg * gg);
          dz[3 * h + j] = dhv * tc * go * (1 - go);
          dcPrev[r * h + j] = dc * gf;
        }
        for (int k = 0; k < 4 * h; k++) {
          dbih[k] += dz[k];
          dbhh[k] += dz[k];
          for (int i = 0; i < in; i++) {
            dwih[k * in + i] += dz[k] * x[(s * b + r) * in + i];
            dx[(s * b + r) * in + i] += dz[k] * wih[k * in + i];
          }
          for (int j = 0; j < h; j++) {
            dwhh[k * h + j] += dz[k] * saved.hiddens()[(s * b + r) * h + j];
            dhPrev[r * h + j] += dz[k] * whh[k * h + j];
          }
        }
      }
      dhNext = dhPrev;
      dcNext = dcPrev;
    }
    for (int i = 0; i < b * h; i++) {
      dh0[i] += dhNext[i];
      dc0[i] += dcNext[i];
    }
  }
}
