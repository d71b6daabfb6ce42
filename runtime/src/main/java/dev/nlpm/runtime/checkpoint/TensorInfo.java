package dev.nlpm.runtime.checkpoint;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header: its name, element type, shape, and where its bytes
 * lie in the data section ({@code [begin, end)}, relative to the end of the header).
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The number of elements: the product of the shape (1 for a scalar). */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The shape as {@code [2, 64]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorInfo t
        && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
  }

  @Override
  public int hashCode() {
    return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(begin);
  }
}
