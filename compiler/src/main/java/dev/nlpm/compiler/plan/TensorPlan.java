package dev.nlpm.compiler.plan;

import dev.nlpm.compiler.graph.ParameterRole;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One parameter tensor: its checkpoint name, its role (the generated Layout gives it to the
 * runtime, whose initialization and weight decay follow it), its shape as the reference
 * implementation stores it, the group it counts towards (the backbone or a head), and, for a
 * tensor that is another one (the MLM decoder is the word embedding table), the name of that
 * tensor: a tied tensor has no storage of its own.
 *
 * <p>Inside a {@link Segment.Repeated} segment, {@code name} is a template in which {@code {}}
 * stands for the layer index.
 */
public record TensorPlan(
    String name, ParameterRole role, List<Extent> shape, String group, Optional<String> tiedTo) {

  public TensorPlan {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    shape = List.copyOf(shape);
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(tiedTo, "tiedTo");
  }

  /** Number of floats at the largest vocabulary; 0 for a tied tensor. */
  public long size() {
    if (tiedTo.isPresent()) {
      return 0;
    }
    long size = 1;
    for (Extent extent : shape) {
      size *= extent.size();
    }
    return size;
  }

  public boolean dependsOnVocabulary() {
    return shape.stream().anyMatch(Extent::vocabulary);
  }

  /** This tensor with {@code {}} in its name (and in what it is tied to) replaced by {@code layer}. */
  public TensorPlan forLayer(int layer) {
    String index = Integer.toString(layer);
    return new TensorPlan(
        name.replace("{}", index), role, shape, group, tiedTo.map(t -> t.replace("{}", index)));
  }
}
