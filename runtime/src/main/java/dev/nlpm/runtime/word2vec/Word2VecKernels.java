package dev.nlpm.runtime.word2vec;

/**
 * The vector operations word2vec spends its time in, over one row of a weight matrix at a time
 * (every row its own {@code float[]} of {@link #dimension()} floats).
 *
 * <p>The compiler generates an implementation for each word2vec declaration with the dimension a
 * literal ({@code <Model>Kernels}); {@link #plain(int)} is the plain twin it is tested against
 * and that {@link #orPlain} substitutes when the system property {@value #FORCE_PLAIN} is {@code
 * true}. Both sum a dot product in the same order, so they train to the same bits.
 *
 * <p>The dot product's order is chosen for C2, which does not reorder a float reduction and so
 * does not vectorize {@code s += x[i] * y[i]}: summing each of sixteen lanes over the chunks is
 * element-wise work it can vectorize, and only the last sixteen floats are folded one by one.
 *
 * <p>Rows are separate arrays, not offsets into one flat array, on purpose: HotSpot's C2 does not
 * vectorize {@code y[yo + i] += a * x[xo + i]} when {@code xo} and {@code yo} are run-time values
 * (it cannot rule out that the two ranges overlap in one array), while it does vectorize {@code
 * y[i] += a * x[i]}.
 */
public interface Word2VecKernels {

  /** The system property that makes {@link #orPlain} choose the plain kernels. */
  String FORCE_PLAIN = "nlpm.plainKernels";

  /** The length of every vector these kernels take. */
  int dimension();

  /** The length of the scratch array {@link #dot} takes: sixteen floats, one AVX-512 register. */
  int LANES = 16;

  /**
   * {@code x · y}, summed in a fixed order that vectorizes: with {@code C = dimension / LANES}
   * full chunks, lane {@code j} sums {@code x[c·LANES + j] · y[c·LANES + j]} over {@code c = 0..C-1}
   * left to right into {@code lanes[j]}; the lanes are then folded by halves ({@code lanes[j] +=
   * lanes[j + 8]}, then {@code + 4}, {@code + 2}, {@code + 1}); the elements after the last full
   * chunk are summed left to right, and that sum is added to {@code lanes[0]}.
   *
   * @param lanes scratch of {@link #LANES} floats, overwritten; one per thread
   */
  float dot(float[] x, float[] y, float[] lanes);

  /** {@code y += a · x}. */
  void axpy(float a, float[] x, float[] y);

  /**
   * One output row's step: {@code error += g · output}, then {@code output += g · hidden}, with
   * each element of {@code output} read before it is written.
   */
  void update(float g, float[] hidden, float[] output, float[] error);

  /** {@code x *= a}. */
  void scale(float a, float[] x);

  /** The plain kernels for vectors of {@code dimension} floats: loops with a run-time bound. */
  static Word2VecKernels plain(int dimension) {
    return new PlainKernels(dimension);
  }

  /**
   * {@code specialized}, or the plain kernels of the same dimension when the system property
   * {@value #FORCE_PLAIN} is {@code true}.
   */
  static Word2VecKernels orPlain(Word2VecKernels specialized) {
    return Boolean.getBoolean(FORCE_PLAIN) ? plain(specialized.dimension()) : specialized;
  }
}
