package dev.nlpm.compiler.plan;

import java.util.Objects;

/**
 * A tensor with its place in the flat parameter buffer, at the largest vocabulary.
 *
 * @param tensor the tensor, layer index filled in
 * @param offset the index of its first float; a tied tensor has its target's offset
 */
public record PlacedTensor(TensorPlan tensor, long offset) {

  public PlacedTensor {
    Objects.requireNonNull(tensor, "tensor");
  }
}
