package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.Dimension;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the compiler makes of a validated model: its named dimensions, its parameter slots in
 * storage order, and the typed ops of its forward pass in running order, each reading its slots.
 * The Layout, the parameter counts, {@code describe} and the FLOPs estimate are views of it.
 *
 * @param model the model it was lowered from
 * @param dimensions the named dimensions, in the order the Layout declares them
 * @param storage the flat parameter buffer, run by run: the backbone, then each head
 * @param checkpointPrefix the prefix the backbone's names carry in the reference pretraining
 *     checkpoint (for example {@code bert.}), or empty
 * @param ops the forward pass
 */
public record LayerGraph(
    ModelSpec model, List<Dimension> dimensions, List<Storage> storage, String checkpointPrefix, List<Op> ops) {

  public LayerGraph {
    Objects.requireNonNull(model, "model");
    dimensions = List.copyOf(dimensions);
    storage = List.copyOf(storage);
    Objects.requireNonNull(checkpointPrefix, "checkpointPrefix");
    ops = List.copyOf(ops);
  }

  /** Lowers a validated model through its family's lowering. */
  public static LayerGraph of(ModelSpec model) {
    return Families.lower(model);
  }

  public Optional<Dimension> dimension(String name) {
    return dimensions.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /** Every op, nested ones after the op holding them, in running order. */
  public List<Op> allOps() {
    List<Op> all = new ArrayList<>();
    ops.forEach(op -> collect(op, all));
    return all;
  }

  private static void collect(Op op, List<Op> into) {
    into.add(op);
    op.body().forEach(inner -> collect(inner, into));
  }

  /** The ops of one type, nested ones included, in running order. */
  public <T extends Op> List<T> ops(Class<T> type) {
    return allOps().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * The graph, one line per op with its sizes, nested ops indented under the op holding them,
   * and under each op that holds no others, its slots with their shapes and roles.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    out.append(model.name()).append(" (").append(model.family().keyword()).append(", ").append(model.names().keyword()).append(" names");
    if (!checkpointPrefix.isEmpty()) {
      out.append(", prefix ").append(checkpointPrefix);
    }
    out.append(")\n");
    ops.forEach(op -> dump(op, "  ", out));
    return out.toString();
  }

  private static void dump(Op op, String indent, StringBuilder out) {
    out.append(indent).append(op.line()).append('\n');
    if (op.body().isEmpty()) {
      op.parameters().forEach(p -> out.append(indent).append("    ").append(p.describe()).append('\n'));
    } else {
      op.body().forEach(inner -> dump(inner, indent + "  ", out));
      if (op instanceof Op.MultiHeadAttention attention) {
        attention.variantParameters().forEach(p -> out.append(indent).append("    ").append(p.describe()).append('\n'));
      }
    }
  }
}
