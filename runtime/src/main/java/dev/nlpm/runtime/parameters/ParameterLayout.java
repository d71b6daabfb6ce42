package dev.nlpm.runtime.parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every parameter tensor of a model, in storage order in one flat {@code float[]}: names, roles,
 * shapes, offsets, groups (the backbone and each head) and tied tensors. Generated {@code <Model>Layout}
 * classes build one; parameter buffers, gradients, optimizer moments and checkpoints all use it.
 */
public final class ParameterLayout {

  /** The group of the backbone's tensors. */
  public static final String BACKBONE = "backbone";

  private final List<TensorSlot> slots;
  private final Map<String, TensorSlot> byName;
  private final int size;

  private ParameterLayout(List<TensorSlot> slots, Map<String, TensorSlot> byName, int size) {
    this.slots = List.copyOf(slots);
    this.byName = Map.copyOf(byName);
    this.size = size;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The tensors in storage order, tied ones included. */
  public List<TensorSlot> slots() {
    return slots;
  }

  /** The tensor of that name. */
  public Optional<TensorSlot> slot(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The length of the flat buffer. */
  public int size() {
    return size;
  }

  /** The groups, the backbone first, in storage order. */
  public List<String> groups() {
    Set<String> groups = new LinkedHashSet<>();
    groups.add(BACKBONE);
    slots.forEach(s -> groups.add(s.group()));
    return List.copyOf(groups);
  }

  /** Parameters stored for one group. */
  public long count(String group) {
    return slots.stream().filter(s -> s.group().equals(group)).mapToLong(TensorSlot::storage).sum();
  }

  /**
   * A readable table: name, shape, parameter count, role and group of every tensor, then each
   * group's total and the total.
   */
  public String describe() {
    int nameWidth = Math.max(4, slots.stream().mapToInt(s -> s.name().length()).max().orElse(0));
    int shapeWidth = Math.max(5, slots.stream().mapToInt(s -> s.shape().toString().length()).max().orElse(0));
    int roleWidth = Math.max(4, slots.stream().mapToInt(s -> s.role().label().length()).max().orElse(0));
    String row = "%-" + nameWidth + "s  %-" + shapeWidth + "s  %13s  %-" + roleWidth + "s  %s%n";
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, row, "name", "shape", "parameters", "role", "group"));
    for (TensorSlot slot : slots) {
      String count = slot.tiedTo().map(t -> "tied").orElse(String.format(Locale.ROOT, "%,d", slot.elements()));
      String group = slot.tiedTo().map(t -> slot.group() + " (= " + t + ")").orElse(slot.group());
      out.append(String.format(Locale.ROOT, row, slot.name(), slot.shape(), count, slot.role().label(), group));
    }
    out.append('\n');
    Map<String, Long> totals = new LinkedHashMap<>();
    groups().forEach(g -> totals.put(g, count(g)));
    int groupWidth = Math.max(5, totals.keySet().stream().mapToInt(String::length).max().orElse(0));
    String total = "%-" + groupWidth + "s  %,15d%n";
    totals.forEach((g, c) -> out.append(String.format(Locale.ROOT, total, g, c)));
    out.append(String.format(Locale.ROOT, total, "total", (long) size));
    return out.toString();
  }

  /** Adds tensors in storage order; offsets follow from the order. */
  public static final class Builder {

    private final List<TensorSlot> slots = new ArrayList<>();
    private final Map<String, TensorSlot> byName = new LinkedHashMap<>();
    private long next;

    private Builder() {}

    /** A tensor with storage of its own, placed after the previous one. */
    public Builder add(String name, ParameterRole role, String group, int... shape) {
      long elements = 1;
      for (int extent : shape) {
        if (extent <= 0) {
          throw new IllegalArgumentException("tensor " + name + " has a non-positive extent: " + java.util.Arrays.toString(shape));
        }
        elements *= extent;
      }
      if (next + elements > Integer.MAX_VALUE - 8L) {
        throw new IllegalArgumentException(
            "tensor " + name + " ends at " + (next + elements) + ", past what one float[] holds");
      }
      put(new TensorSlot(name, role, list(shape), (int) next, group, Optional.empty()));
      next += elements;
      return this;
    }

    /** A tensor that is {@code target} (added before): listed under its own name, stored once. */
    public Builder tied(String name, ParameterRole role, String group, String target, int... shape) {
      TensorSlot to = byName.get(target);
      if (to == null) {
        throw new IllegalArgumentException("tensor " + name + " is tied to " + target + ", which is not in the layout (yet)");
      }
      TensorSlot slot = new TensorSlot(name, role, list(shape), to.offset(), group, Optional.of(target));
      if (slot.elements() != to.elements()) {
        throw new IllegalArgumentException(
            "tensor " + name + " " + slot.shape() + " is tied to " + target + " " + to.shape() + " of another size");
      }
      put(slot);
      return this;
    }

    private void put(TensorSlot slot) {
      if (byName.putIfAbsent(slot.name(), slot) != null) {
        throw new IllegalArgumentException("tensor " + slot.name() + " is in the layout twice");
      }
      slots.add(slot);
    }

    private static List<Integer> list(int[] shape) {
      List<Integer> list = new ArrayList<>(shape.length);
      for (int extent : shape) {
        list.add(extent);
      }
      return list;
    }

    public ParameterLayout build() {
      return new ParameterLayout(slots, byName, (int) next);
    }
  }
}
