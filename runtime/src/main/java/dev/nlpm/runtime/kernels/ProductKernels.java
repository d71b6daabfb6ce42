package dev.nlpm.runtime.kernels;

/**
 * The arithmetic of an encoder step that grows with the model's sizes: the linear layers forward
 * and backward, and attention's products (scores, context and their gradients are the same three
 * shapes). A model's generated
 * {@code <Model>Kernels} implements these with every declared size a literal and its loops shaped
 * for C2 to vectorize; {@link #plain()} is the twin they are tested against (EJML's matrix
 * products), which serves any shape and which {@code -Dnlpm.plainKernels=true} forces.
 *
 * <p>Every matrix is an array of rows (C2 on JDK 17 does not vectorize a loop whose two arrays are
 * read and written at run-time offsets, because it cannot rule out that they overlap). A linear
 * layer's weight is held transposed, {@code w[in][out]}, so that its forward pass adds whole
 * weight rows into an output row.
 *
 * <p>Implementations must give the same result for a row, or a weight row, whichever range it is
 * computed in, so that splitting work over threads never changes a number.
 */
public interface ProductKernels {

  /**
   * {@code y[r] = b + x[r][0, in) · w[0, in)} (or {@code y[r] += …} when {@code accumulate};
   * {@code b} may be null) for the rows {@code r} in {@code [from, to)}; {@code w} is {@code
   * [in][out]} (or longer), the output width {@code out} is {@code w[0].length}.
   */
  void linear(float[][] x, float[][] w, int in, float[] b, float[][] y, boolean accumulate, int from, int to);

  /**
   * {@code y[r][j] = b[j] + x[r] · w[j]} (or {@code +=} when {@code accumulate}; {@code b} may be
   * null) for every row {@code r < rows} and the weight rows {@code j} in {@code [from, to)}: a
   * linear layer through a weight held as {@code [out][in]} (the tied MLM decoder), or the input
   * gradient {@code dx = dy · wᵀ} of one held as {@code [in][out]}.
   */
  void dotRows(float[][] x, int rows, float[][] w, float[] b, float[][] y, boolean accumulate, int from, int to);

  /**
   * {@code dw[i] += Σ_{r < rows} x[r][i] · dy[r]} for the weight rows {@code i} in {@code [from,
   * to)}: the weight gradient of a linear layer held as {@code [in][out]}.
   */
  void outerAccumulate(float[][] x, float[][] dy, int rows, float[][] dw, int from, int to);

  /** The reference twin: EJML's products, any shape. */
  static ProductKernels plain() {
    return PlainProductKernels.INSTANCE;
  }

  /** {@code generated}, unless {@code -Dnlpm.plainKernels=true} asks for {@link #plain()}. */
  static ProductKernels choose(ProductKernels generated) {
    return Boolean.getBoolean("nlpm.plainKernels") ? plain() : generated;
  }
}
