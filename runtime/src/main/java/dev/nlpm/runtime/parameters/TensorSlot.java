package dev.nlpm.runtime.parameters;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one parameter tensor lives in a model's flat {@code float[]}.
 *
 * @param name the reference checkpoint name, e.g. {@code encoder.layer.0.attention.self.query.weight}
 * @param role what the tensor is (a weight, a bias, a norm's gain, ...), as the layer graph declared
 *     it: initialization and weight decay follow it
 * @param shape the shape as the reference stores it (row-major)
 * @param offset the index of its first element in the flat buffer (the target's, when tied)
 * @param group the backbone or the head it belongs to
 * @param tiedTo the name of the tensor it is, for a tied tensor with no storage of its own
 */
public record TensorSlot(
    String name, ParameterRole role, List<Integer> shape, int offset, String group, Optional<String> tiedTo) {

  public TensorSlot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    shape = List.copyOf(shape);
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(tiedTo, "tiedTo");
  }

  /** Number of elements. */
  public int elements() {
    int size = 1;
    for (int extent : shape) {
      size = Math.multiplyExact(size, extent);
    }
    return size;
  }

  /** Floats of storage: the elements, or 0 for a tied tensor. */
  public int storage() {
    return tiedTo.isPresent() ? 0 : elements();
  }
}
