package dev.nlpm.runtime.math;

/**
 * The error function in double precision, which {@link Math} lacks: a Taylor series near zero
 * and Lentz's continued fraction for {@code erfc} further out, each run until its terms stop
 * changing the sum. Accurate to a few units in the last place of a double, far below the float
 * rounding of the kernels that use it (GELU's exact form).
 */
public final class Erf {

  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

  private Erf() {}

  /** erf(x). */
  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double a = Math.abs(x);
    if (a < 2.5) {
      return series(x);
    }
    double value = 1 - erfcContinuedFraction(a);
    return x < 0 ? -value : value;
  }

  /** erfc(x) = 1 − erf(x), without the cancellation for large x. */
  public static double erfc(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    // Below 1.5, 1 − erf(x) loses at most a few bits; above, the continued fraction converges fast.
    if (Math.abs(x) < 1.5) {
      return 1 - series(x);
    }
    return x > 0 ? erfcContinuedFraction(x) : 2 - erfcContinuedFraction(-x);
  }

  /** erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), summed until a term no longer counts. */
  private static double series(double x) {
    double x2 = x * x;
    double term = x;
    double sum = x;
    for (int n = 1; n < 200; n++) {
      term *= -x2 / n;
      double add = term / (2 * n + 1);
      double next = sum + add;
      if (next == sum) {
        break;
      }
      sum = next;
    }
    return TWO_OVER_SQRT_PI * sum;
  }

  /**
   * erfc(x) for x ≥ 1.5: {@code exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))} by
   * modified Lentz.
   */
  private static double erfcContinuedFraction(double x) {
    if (x > 27) {
      return 0; // below the smallest double
    }
    double tiny = 1e-300;
    double f = x;
    double c = x;
    double d = 0;
    for (int n = 1; n < 5000; n++) {
      double an = n / 2.0;
      d = x + an * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = x + an / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
  }
}
