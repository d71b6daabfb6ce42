package dev.nlpm.compiler.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Collects parameter tensors in storage order, in the reference implementations' conventions:
 * a linear layer is {@code weight [out, in]} and {@code bias [out]} (torch.nn.Linear), GPT-2's
 * Conv1D is {@code weight [in, out]}, a layer norm is {@code weight} and {@code bias}.
 */
final class Tensors {

  private final List<TensorPlan> tensors = new ArrayList<>();
  private String group;

  Tensors(String group) {
    this.group = group;
  }

  /** The group the following tensors count towards. */
  Tensors group(String group) {
    this.group = group;
    return this;
  }

  List<TensorPlan> list() {
    return List.copyOf(tensors);
  }

  Tensors tensor(String name, Extent... shape) {
    tensors.add(new TensorPlan(name, Arrays.asList(shape), group, Optional.empty()));
    return this;
  }

  Tensors tensor(String name, int... shape) {
    return tensor(name, Arrays.stream(shape).mapToObj(Extent::of).toArray(Extent[]::new));
  }

  /** A tensor that is {@code target}: listed under its own name, stored once. */
  Tensors tied(String name, String target, Extent... shape) {
    tensors.add(new TensorPlan(name, Arrays.asList(shape), group, Optional.of(target)));
    return this;
  }

  Tensors linear(String prefix, int in, int out) {
    tensor(prefix + ".weight", out, in);
    return tensor(prefix + ".bias", out);
  }

  Tensors linearWithoutBias(String prefix, int in, int out) {
    return tensor(prefix + ".weight", out, in);
  }

  /** GPT-2's Conv1D: the transpose of a linear layer's weight. */
  Tensors conv1d(String prefix, int in, int out) {
    tensor(prefix + ".weight", in, out);
    return tensor(prefix + ".bias", out);
  }

  Tensors norm(String prefix, int size) {
    tensor(prefix + ".weight", size);
    return tensor(prefix + ".bias", size);
  }
}
