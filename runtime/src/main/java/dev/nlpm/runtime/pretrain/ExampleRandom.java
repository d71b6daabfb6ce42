package dev.nlpm.runtime.pretrain;

import java.util.SplittableRandom;

/**
 * The random stream of one example in one epoch, derived from (seed, example, epoch) alone: the
 * draws for an example do not depend on which thread prepares it, in what order, or whether the
 * run was resumed — the same seed gives the same masks and pairs.
 */
public final class ExampleRandom {

  private ExampleRandom() {}

  /** A stream for {@code example} in {@code epoch}; static masking passes epoch 0 every time. */
  public static SplittableRandom of(long seed, long example, long epoch) {
    long mixed = mix(mix(mix(seed) ^ example) ^ (epoch * 0x9E3779B97F4A7C15L));
    return new SplittableRandom(mixed);
  }

  /** Stafford's variant 13 of the 64-bit finalizer: every input bit reaches every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
