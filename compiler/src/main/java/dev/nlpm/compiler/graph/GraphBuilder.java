package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.Dimension;
import java.util.ArrayList;
import java.util.List;

/** Collects a graph while a family lowers its model: dimensions, storage, ops. */
final class GraphBuilder {

  private final ModelSpec model;
  private final List<Dimension> dimensions = new ArrayList<>();
  private final List<Storage> storage = new ArrayList<>();
  private final List<Op> ops = new ArrayList<>();
  private String checkpointPrefix = "";

  GraphBuilder(ModelSpec model) {
    this.model = model;
  }

  ModelSpec model() {
    return model;
  }

  /** Declares a dimension, unless one of that name is declared already. */
  void dimension(String name, int value, String description) {
    if (dimensions.stream().noneMatch(d -> d.name().equals(name))) {
      dimensions.add(new Dimension(name, value, description));
    }
  }

  void prefix(String prefix) {
    this.checkpointPrefix = prefix;
  }

  /** Stores each slot as a run of its own. */
  void store(Slots slots) {
    slots.list().forEach(p -> storage.add(new Storage.Single(p)));
  }

  /** Stores a block once per layer {@code first .. first + count - 1}; names hold {@code {}}. */
  void storeRepeated(String constantName, int first, int count, List<Parameter> template) {
    if (count > 0 && !template.isEmpty()) {
      storage.add(new Storage.Repeated(constantName, first, count, template));
    }
  }

  void op(Op op) {
    ops.add(op);
  }

  void ops(List<? extends Op> more) {
    ops.addAll(more);
  }

  LayerGraph build() {
    return new LayerGraph(model, dimensions, storage, checkpointPrefix, ops);
  }
}
