package dev.nlpm.compiler.graph;

import java.util.List;

/**
 * Where the graph's parameter slots live in the flat buffer, in storage order: one slot, or a
 * block of slots stored once per layer (with cross-layer sharing, once for all of them).
 */
public sealed interface Storage {

  /** The slots, in storage order; a repeated block's as its template. */
  List<Parameter> parameters();

  record Single(Parameter parameter) implements Storage {
    @Override
    public List<Parameter> parameters() {
      return List.of(parameter);
    }
  }

  /**
   * Layers {@code first} to {@code first + count - 1}, each holding the {@code template}'s slots.
   *
   * @param constantName the name the generated Layout's constants use, e.g. {@code LAYER}
   */
  record Repeated(String constantName, int first, int count, List<Parameter> template) implements Storage {
    public Repeated {
      template = List.copyOf(template);
    }

    @Override
    public List<Parameter> parameters() {
      return template;
    }
  }
}
