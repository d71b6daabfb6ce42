package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.ir.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * The result of binding.
 *
 * @param targets the typed models of the declaration set's targets that bound without error, in
 *     declaration order
 * @param all every model that bound, targets and visible ones, by name (parents and teachers)
 */
public record BoundModels(List<ModelSpec> targets, Map<String, ModelSpec> all) {

  public BoundModels {
    targets = List.copyOf(targets);
    all = Map.copyOf(all);
  }
}
