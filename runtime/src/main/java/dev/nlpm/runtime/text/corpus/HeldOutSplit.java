package dev.nlpm.runtime.text.corpus;

/**
 * Assigns each example to training or to the held-out set by a hash of the seed and the example's
 * index, so the split needs no memory, works while streaming, and is the same on every run with
 * the same seed. About {@code fraction} of the examples are held out.
 */
public final class HeldOutSplit {

  private final long seed;
  private final double fraction;

  private HeldOutSplit(long seed, double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("the held-out fraction must be in [0, 1], got " + fraction);
    }
    this.seed = seed;
    this.fraction = fraction;
  }

  public static HeldOutSplit of(long seed, double fraction) {
    return new HeldOutSplit(seed, fraction);
  }

  /** Whether the example at {@code index} is held out. */
  public boolean isHeldOut(long index) {
    return (mix(seed ^ mix(index)) >>> 11) * 0x1.0p-53 < fraction;
  }

  public boolean isHeldOut(Example example) {
    return isHeldOut(example.index());
  }

  public double fraction() {
    return fraction;
  }

  /** SplitMix64's finalizer: a bijection of 64-bit values that spreads every bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
