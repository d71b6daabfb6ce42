package dev.nlpm.runtime.math;

/**
 * GELU in the two forms the reference models use, with their derivatives, computed in double:
 * the exact form {@code x·Φ(x) = x/2·(1 + erf(x/√2))} (BERT, PyTorch's default) and the tanh
 * approximation {@code x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))} (GPT-2's {@code gelu_new},
 * PyTorch's {@code approximate='tanh'}). They differ by up to about 5e-4, so a model must use the
 * one it declares.
 */
public final class Gelu {

  private static final double INV_SQRT_2 = 0.7071067811865476;
  private static final double INV_SQRT_2PI = 0.3989422804014327;
  private static final double SQRT_2_OVER_PI = 0.7978845608028654;
  private static final double CUBIC = 0.044715;

  private Gelu() {}

  /** x·Φ(x), with Φ(x) = erfc(−x/√2)/2, which keeps its digits where 1 + erf(x/√2) would cancel. */
  public static double exact(double x) {
    return 0.5 * x * Erf.erfc(-x * INV_SQRT_2);
  }

  /** d/dx x·Φ(x) = Φ(x) + x·φ(x). */
  public static double exactDerivative(double x) {
    double cdf = 0.5 * Erf.erfc(-x * INV_SQRT_2);
    double pdf = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    return cdf + x * pdf;
  }

  /** The tanh approximation. */
  public static double tanh(double x) {
    return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + CUBIC * x * x * x)));
  }

  /** d/dx of the tanh approximation. */
  public static double tanhDerivative(double x) {
    double inner = SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
    double t = Math.tanh(inner);
    double dInner = SQRT_2_OVER_PI * (1 + 3 * CUBIC * x * x);
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner;
  }

  /**
   * {@link #exact} to float precision, fast: erfc by the Chebyshev fit of Numerical Recipes
   * ({@code erfcc}, relative error under 1.2e-7 everywhere), whose {@code exp(-z²)} is computed
   * once. The float encoder's feed-forward block spends most of its non-product time here.
   */
  public static float exactFloat(float x) {
    double z = Math.abs(x) * INV_SQRT_2;
    return (float) (0.5 * x * erfc(x, z, 1));
  }

  /** {@link #exactDerivative} to float precision; the Gaussian density reuses erfc's exponential. */
  public static float exactDerivativeFloat(float x) {
    double z = Math.abs(x) * INV_SQRT_2;
    double e = Math.exp(-z * z);
    return (float) (0.5 * erfc(x, z, e) + x * INV_SQRT_2PI * e);
  }

  /** erfc(−x/√2) from z = |x|/√2 and e = exp(−z²), or 1 to have it computed within the fit's exponential. */
  private static double erfc(float x, double z, double e) {
    double t = 1 / (1 + 0.5 * z);
    double tail = t * e * Math.exp((e == 1 ? -z * z : 0) - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    // tail = erfc(z); erfc(−x/√2) is 2 − erfc(|x|/√2) for x > 0 and erfc(|x|/√2) otherwise
    return x > 0 ? 2 - tail : tail;
  }
}
