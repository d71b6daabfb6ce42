package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.plan.Extent;
import dev.nlpm.compiler.plan.TensorPlan;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A parameter slot: its reference checkpoint name, its role, its shape as the reference stores
 * it, the group it counts towards (the backbone or a head) and, for a slot that is another one
 * (a decoder tied to the word embeddings), the name of that one: a tied slot has no storage.
 *
 * <p>A slot of a repeated block has {@code {}} in its name for the layer index.
 */
public record Parameter(
    String name, ParameterRole role, List<Extent> shape, String group, Optional<String> tiedTo) {

  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    shape = List.copyOf(shape);
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(tiedTo, "tiedTo");
  }

  /** The layout's view of this slot. */
  public TensorPlan tensor() {
    return new TensorPlan(name, role, shape, group, tiedTo);
  }

  /** {@code name [vocab, 768]}, with {@code = target} for a tied slot. */
  public String describe() {
    String dims = shape.stream().map(Extent::toString).collect(Collectors.joining(", ", "[", "]"));
    return name + " " + dims + " " + role.label() + tiedTo.map(t -> " = " + t).orElse("");
  }
}
