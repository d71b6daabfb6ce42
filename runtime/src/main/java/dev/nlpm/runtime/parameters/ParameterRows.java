package dev.nlpm.runtime.parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An encoder's parameters (or their gradients, or an optimizer moment) as rows, one array per row
 * of every tensor the layout stores. A linear layer's weight, stored {@code [out, in]} in the
 * layout and in checkpoints, is held transposed, {@code [in][out]}; embeddings are held as
 * stored; a vector is one row.
 *
 * <p>The rows in order are the model's flat buffer in <em>memory order</em>: the layout's order,
 * except inside transposed tensors. {@link #exportTo} and {@link #importFrom} convert to and from
 * the layout's (checkpoint) order; {@link #rowOffsets} places each row in the flat buffer.
 */
public final class ParameterRows {

  private final ParameterLayout layout;
  private final Map<String, float[][]> tensors = new LinkedHashMap<>();
  private final Map<String, Boolean> transposed = new LinkedHashMap<>();
  private final float[][] rows;
  private final int[] rowOffsets;
  /** Bumped by every change made through this class or {@link #changed}; see {@link #version}. */
  private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

  /** BERT's rule: rank-2 tensors other than embedding tables are linear weights stored {@code [out, in]}, held transposed. */
  public ParameterRows(ParameterLayout layout) {
    this(layout, ParameterRows::isLinearWeight);
  }

  /**
   * Rows for {@code layout}, holding transposed the rank-2 tensors {@code heldTransposed} accepts
   * (GPT-2's Conv1D weights are stored {@code [in, out]} already, so a decoder transposes none).
   */
  public ParameterRows(ParameterLayout layout, java.util.function.Predicate<TensorSlot> heldTransposed) {
    this.layout = layout;
    List<float[]> all = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    for (TensorSlot slot : layout.slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      List<Integer> shape = slot.shape();
      float[][] tensor;
      boolean isTransposed = shape.size() == 2 && heldTransposed.test(slot);
      if (shape.size() == 1) {
        tensor = new float[][] {new float[shape.get(0)]};
      } else if (shape.size() == 2) {
        tensor = isTransposed ? new float[shape.get(1)][shape.get(0)] : new float[shape.get(0)][shape.get(1)];
      } else {
        throw new IllegalArgumentException("tensor " + slot.name() + " has rank " + shape.size() + "; an encoder's tensors have rank 1 or 2");
      }
      tensors.put(slot.name(), tensor);
      transposed.put(slot.name(), isTransposed);
      int offset = slot.offset();
      for (float[] row : tensor) {
        all.add(row);
        offsets.add(offset);
        offset += row.length;
      }
    }
    rows = all.toArray(new float[0][]);
    rowOffsets = offsets.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Rank-2 tensors other than embedding tables are linear weights, held transposed. */
  private static boolean isLinearWeight(TensorSlot slot) {
    return slot.shape().size() == 2 && !slot.name().contains("embeddings.");
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** A tensor's rows; a linear layer's weight is {@code [in][out]}. */
  public float[][] matrix(String name) {
    float[][] tensor = tensors.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException("the layout has no stored tensor named " + name);
    }
    return tensor;
  }

  /** A rank-1 tensor. */
  public float[] vector(String name) {
    float[][] tensor = matrix(name);
    if (tensor.length != 1) {
      throw new IllegalArgumentException(name + " is not a vector");
    }
    return tensor[0];
  }

  public boolean has(String name) {
    return tensors.containsKey(name);
  }

  /** Every row, in memory order. */
  public float[][] rows() {
    return rows;
  }

  /** Where each of {@link #rows} starts in the flat buffer (the layout's offset of its tensor plus the rows before it). */
  public int[] rowOffsets() {
    return rowOffsets;
  }

  /** The length of the flat buffer. */
  public int size() {
    return layout.size();
  }

  public void zero() {
    for (float[] row : rows) {
      Arrays.fill(row, 0);
    }
    changed();
  }

  /**
   * A number that changes whenever the values do ({@link #zero}, {@link #copyFrom}, {@link
   * #importFrom}, an optimizer's step), so that a copy derived from them (the decoder's transposed
   * token embeddings) can tell it is stale. Code that writes into {@link #rows} or a {@link
   * #matrix} directly calls {@link #changed} afterwards.
   */
  public long version() {
    return version.get();
  }

  /** Records that the values were written (see {@link #version}). */
  public void changed() {
    version.incrementAndGet();
  }

  /** Copies every element of {@code other} (of the same layout) into this. */
  public void copyFrom(ParameterRows other) {
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(other.rows[r], 0, rows[r], 0, rows[r].length);
    }
    changed();
  }

  /** Writes the parameters into {@code flat} in the layout's order (linear weights {@code [out, in]}). */
  public void exportTo(float[] flat) {
    requireSize(flat);
    for (TensorSlot slot : layout.slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      float[][] tensor = tensors.get(slot.name());
      int offset = slot.offset();
      if (transposed.get(slot.name())) {
        int in = tensor.length;
        int out = tensor[0].length;
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            flat[offset + o * in + i] = tensor[i][o];
          }
        }
      } else {
        for (float[] row : tensor) {
          System.arraycopy(row, 0, flat, offset, row.length);
          offset += row.length;
        }
      }
    }
  }

  /** Reads the parameters from {@code flat} in the layout's order. */
  public void importFrom(float[] flat) {
    requireSize(flat);
    for (TensorSlot slot : layout.slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      float[][] tensor = tensors.get(slot.name());
      int offset = slot.offset();
      if (transposed.get(slot.name())) {
        int in = tensor.length;
        int out = tensor[0].length;
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            tensor[i][o] = flat[offset + o * in + i];
          }
        }
      } else {
        for (float[] row : tensor) {
          System.arraycopy(flat, offset, row, 0, row.length);
          offset += row.length;
        }
      }
    }
    changed();
  }

  /** The parameters in the layout's order, as a new array. */
  /** Zeroed rows of the same layout and orientation (gradients, optimizer moments). */
  public ParameterRows zerosLike() {
    return new ParameterRows(layout, slot -> transposed.get(slot.name()));
  }

  public float[] toFlat() {
    float[] flat = new float[size()];
    exportTo(flat);
    return flat;
  }

  private void requireSize(float[] flat) {
    if (flat.length != size()) {
      throw new IllegalArgumentException("flat buffer has " + flat.length + " elements, the layout " + size());
    }
  }
}
