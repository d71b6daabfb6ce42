package dev.nlpm.runtime.checkpoint;

import java.util.Optional;

/**
 * The element types of a safetensors file, by the names its header uses, with their sizes. nlpm
 * reads the floating-point ones as {@code float}: F16 and BF16 widen exactly, F64 rounds to the
 * nearest float. The others (position-id buffers are I64 in some published checkpoints) can be
 * listed and skipped, not read as floats.
 */
public enum DType {
  BOOL(1, false),
  U8(1, false),
  I8(1, false),
  F8_E5M2(1, false),
  F8_E4M3(1, false),
  I16(2, false),
  U16(2, false),
  F16(2, true),
  BF16(2, true),
  I32(4, false),
  U32(4, false),
  F32(4, true),
  F64(8, true),
  I64(8, false),
  U64(8, false);

  private final int bytes;
  private final boolean readableAsFloat;

  DType(int bytes, boolean readableAsFloat) {
    this.bytes = bytes;
    this.readableAsFloat = readableAsFloat;
  }

  /** Bytes of one element. */
  public int bytes() {
    return bytes;
  }

  /** Whether nlpm reads tensors of this type into a {@code float[]}. */
  public boolean readableAsFloat() {
    return readableAsFloat;
  }

  /** The type a header names, if it is one. */
  public static Optional<DType> named(String name) {
    for (DType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** IEEE half precision to float, exactly (subnormals, infinities and NaN included). */
  static float halfToFloat(short half) {
    int h = half & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1F;
    int mantissa = h & 0x3FF;
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Subnormal or zero: mantissa · 2^-24, exact in float.
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** bfloat16 to float: the top half of a float's bits. */
  static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }
}
