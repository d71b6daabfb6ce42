package dev.nlpm.runtime.parameters;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * BERT's initialization, by each slot's {@link ParameterRole}: weights and embedding tables (and
 * word2vec's output table, and Transformer-XL's u and v, which HuggingFace's Transformer-XL draws
 * from the same normal as its weights) from a normal distribution of mean 0 and standard deviation
 * {@code std} (0.02), redrawn outside two standard deviations as TensorFlow's {@code
 * truncated_normal} does; biases and LayerNorm shifts 0; LayerNorm gains 1. Tied tensors are left
 * alone: they are their target.
 *
 * <p>Each tensor draws from its own stream, derived from the seed and the tensor's name, so that
 * a tensor's values do not change when another tensor is added, removed or resized.
 */
public final class TruncatedNormalInitializer {

  private final double std;

  public TruncatedNormalInitializer(double std) {
    if (!(std > 0)) {
      throw new IllegalArgumentException("the standard deviation must be positive, got " + std);
    }
    this.std = std;
  }

  /** BERT's: standard deviation 0.02. */
  public static TruncatedNormalInitializer bert() {
    return new TruncatedNormalInitializer(0.02);
  }

  /** Fills {@code parameters}, laid out by {@code layout}, from {@code seed}. */
  public void initialize(ParameterLayout layout, float[] parameters, long seed) {
    if (parameters.length != layout.size()) {
      throw new IllegalArgumentException("a buffer of " + parameters.length + " floats for a layout of " + layout.size());
    }
    for (TensorSlot slot : layout.slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      int from = slot.offset();
      int to = from + slot.elements();
      switch (slot.role()) {
        case NORM_GAIN -> java.util.Arrays.fill(parameters, from, to, 1f);
        case NORM_BIAS, BIAS -> java.util.Arrays.fill(parameters, from, to, 0f);
        case EMBEDDING_TABLE, WEIGHT, OUTPUT_TABLE, POSITION_BIAS -> {
          SplittableRandom random = new SplittableRandom(seed ^ nameHash(slot.name()));
          for (int i = from; i < to; i++) {
            double z;
            do {
              z = random.nextGaussian();
            } while (Math.abs(z) > 2);
            parameters[i] = (float) (z * std);
          }
        }
      }
    }
  }

  /** FNV-1a over the name's UTF-8 bytes, then mixed: stable across JVMs, unlike String.hashCode's spread. */
  private static long nameHash(String name) {
    long h = 0xCBF29CE484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
    }
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    return h ^ (h >>> 33);
  }
}
