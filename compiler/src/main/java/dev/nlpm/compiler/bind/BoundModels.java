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
 * @param withErrors the names of models whose binding found an error (some of them are still in
 *     {@code targets}, to be validated, when the error left every value as written)
 */
public record BoundModels(List<ModelSpec> targets, Map<String, ModelSpec> all, java.util.Set<String> withErrors) {

  public BoundModels {
    targets = List.copyOf(targets);
    all = Map.copyOf(all);
    withErrors = java.util.Set.copyOf(withErrors);
  }
}
