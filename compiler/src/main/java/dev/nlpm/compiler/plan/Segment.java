package dev.nlpm.compiler.plan;

import java.util.List;

/**
 * A run of the flat parameter buffer: one tensor, or a block of tensors repeated once per layer
 * (the generated code builds those with a loop, and addresses them by a base, a stride and an
 * offset within the layer).
 */
public sealed interface Segment {

  /** The tensors of this segment, layer templates expanded, in storage order. */
  List<TensorPlan> tensors();

  /** Floats this segment occupies at the largest vocabulary. */
  default long size() {
    return tensors().stream().mapToLong(TensorPlan::size).sum();
  }

  record Single(TensorPlan tensor) implements Segment {
    @Override
    public List<TensorPlan> tensors() {
      return List.of(tensor);
    }
  }

  /**
   * Layers {@code first} to {@code first + count - 1}, each holding the {@code template}'s tensors.
   *
   * @param constantName the name the generated constants use for the block, e.g. {@code LAYER}
   */
  record Repeated(String constantName, int first, int count, List<TensorPlan> template)
      implements Segment {
    public Repeated {
      template = List.copyOf(template);
    }

    @Override
    public List<TensorPlan> tensors() {
      List<TensorPlan> tensors = new java.util.ArrayList<>();
      for (int layer = first; layer < first + count; layer++) {
        for (TensorPlan tensor : template) {
          tensors.add(tensor.forLayer(layer));
        }
      }
      return tensors;
    }

    /** Floats one layer occupies. */
    public long stride() {
      return template.stream().mapToLong(TensorPlan::size).sum();
    }
  }
}
