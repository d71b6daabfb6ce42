package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.plan.Extent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Declares parameter slots in storage order, in the reference implementations' conventions, and
 * hands back the op that reads them: a linear layer is {@code weight [out, in]} and {@code bias
 * [out]} (torch.nn.Linear), GPT-2's Conv1D is {@code weight [in, out]}, a layer norm is {@code
 * weight} and {@code bias}.
 */
final class Slots {

  private final List<Parameter> slots = new ArrayList<>();
  private String group;

  Slots(String group) {
    this.group = group;
  }

  /** The group the following slots count towards. */
  Slots group(String group) {
    this.group = group;
    return this;
  }

  List<Parameter> list() {
    return List.copyOf(slots);
  }

  Parameter slot(String name, ParameterRole role, Extent... shape) {
    Parameter parameter = new Parameter(name, role, Arrays.asList(shape), group, Optional.empty());
    slots.add(parameter);
    return parameter;
  }

  Parameter slot(String name, ParameterRole role, int... shape) {
    return slot(name, role, Arrays.stream(shape).mapToObj(Extent::of).toArray(Extent[]::new));
  }

  /** A slot that is {@code target}: listed under its own name, stored once. */
  Parameter tied(String name, String target, ParameterRole role, Extent... shape) {
    Parameter parameter = new Parameter(name, role, Arrays.asList(shape), group, Optional.of(target));
    slots.add(parameter);
    return parameter;
  }

  Op.Embedding embedding(String label, String name, Extent rows, int width) {
    return new Op.Embedding(label, slot(name, ParameterRole.EMBEDDING_TABLE, rows, Extent.of(width)));
  }

  Op.Linear linear(String label, String prefix, int in, int out) {
    Parameter weight = slot(prefix + ".weight", ParameterRole.WEIGHT, out, in);
    return new Op.Linear(label, weight, Optional.of(slot(prefix + ".bias", ParameterRole.BIAS, out)), in, out);
  }

  Op.Linear linearWithoutBias(String label, String prefix, int in, int out) {
    return new Op.Linear(label, slot(prefix + ".weight", ParameterRole.WEIGHT, out, in), Optional.empty(), in, out);
  }

  /** GPT-2's Conv1D: the transpose of a linear layer's weight. */
  Op.Linear conv1d(String label, String prefix, int in, int out) {
    Parameter weight = slot(prefix + ".weight", ParameterRole.WEIGHT, in, out);
    return new Op.Linear(label, weight, Optional.of(slot(prefix + ".bias", ParameterRole.BIAS, out)), in, out);
  }

  Op.LayerNorm norm(String label, String prefix, int size, NormPosition position, double eps) {
    Parameter gain = slot(prefix + ".weight", ParameterRole.NORM_GAIN, size);
    Parameter bias = slot(prefix + ".bias", ParameterRole.NORM_BIAS, size);
    return new Op.LayerNorm(label, position, size, eps, gain, bias);
  }

  /** Both lists' slots, this one's first (the two halves of a layer stored as one block). */
  static List<Parameter> concat(Slots first, Slots second) {
    List<Parameter> both = new ArrayList<>(first.list());
    both.addAll(second.list());
    return both;
  }
}
