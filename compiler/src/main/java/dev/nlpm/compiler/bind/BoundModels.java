package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.ir.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The result of binding: every model that resolved (its family and parent chain without error),
 * typed, with defaults standing in for what was not understood.
 *
 * @param targets the typed models of the declaration set's targets, in declaration order,
 *     including those with binding errors (see {@code withErrors}); a target that did not
 *     resolve (unknown family or parent, a cycle, a duplicate name) is absent
 * @param all every bound model, targets and visible ones, by name: the parents and teachers
 *     the validator looks up
 * @param withErrors the names of the models whose binding found an error, their own or
 *     inherited; none of them may be generated
 * @param unbound for each bound model, the option paths ({@code heads}, {@code
 *     objective.mlm.rate}, {@code objective} for a section whose variant was not understood)
 *     where a default stands in for a written value that was not understood or a required one
 *     that is missing; the validator judges no rule that reads one of them
 */
public record BoundModels(
    List<ModelSpec> targets, Map<String, ModelSpec> all, Set<String> withErrors, Map<String, Set<String>> unbound) {

  public BoundModels {
    targets = List.copyOf(targets);
    all = Map.copyOf(all);
    withErrors = Set.copyOf(withErrors);
    unbound = Map.copyOf(unbound);
  }

  /** The paths of {@code model} that stand at a default in place of what was written. */
  public Set<String> unboundOf(String model) {
    return unbound.getOrDefault(model, Set.of());
  }
}
