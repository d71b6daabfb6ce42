package dev.nlpm.compiler.plan;

import dev.nlpm.compiler.graph.LayerGraph;
import dev.nlpm.compiler.graph.Storage;
import dev.nlpm.compiler.ir.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The layout view of a model's {@link LayerGraph}: its dimensions and its parameter tensors in storage order in one flat
 * buffer. The order is deterministic: the backbone first (embeddings, then the layers in order,
 * a shared block before the per-layer ones, then final norms and the pooler), then the heads: the
 * output head of a generating model ({@code lm_head}, then {@code length_head}), or one head per
 * objective in declaration order ({@code mlm_head}, {@code nsp_head}, {@code sop_head}, {@code
 * sbo_head}), then the fine-tuning heads in declaration order, then {@code blockwise_heads}.
 * Tied tensors are listed where their head lists them, with their target's offset and no storage.
 *
 * @param graph the layer graph this is the layout of
 * @param dimensions the named dimensions, in the order the Layout declares them
 * @param segments the parameter buffer, segment by segment
 * @param checkpointPrefix the prefix the backbone's names carry in the reference pretraining
 *     checkpoint (for example {@code bert.}), or empty
 */
public record ModelPlan(
    LayerGraph graph, List<Dimension> dimensions, List<Segment> segments, String checkpointPrefix) {

  /** The group of the backbone's tensors. */
  public static final String BACKBONE = "backbone";

  public ModelPlan {
    java.util.Objects.requireNonNull(graph, "graph");
    dimensions = List.copyOf(dimensions);
    segments = List.copyOf(segments);
  }

  /** The layout of a graph: its storage, run by run, as segments of tensors. */
  public static ModelPlan of(LayerGraph graph) {
    List<Segment> segments = new ArrayList<>();
    for (Storage run : graph.storage()) {
      if (run instanceof Storage.Single single) {
        segments.add(new Segment.Single(single.parameter().tensor()));
      } else if (run instanceof Storage.Repeated repeated) {
        segments.add(
            new Segment.Repeated(
                repeated.constantName(), repeated.first(), repeated.count(),
                repeated.template().stream().map(p -> p.tensor()).toList()));
      }
    }
    return new ModelPlan(graph, graph.dimensions(), segments, graph.checkpointPrefix());
  }

  /** The model this plans. */
  public ModelSpec model() {
    return graph.model();
  }

  /** Every tensor, layers expanded, in storage order (tied tensors included, without storage). */
  public List<TensorPlan> tensors() {
    List<TensorPlan> tensors = new ArrayList<>();
    segments.forEach(s -> tensors.addAll(s.tensors()));
    return tensors;
  }

  /**
   * Every tensor with its offset, in storage order: each tensor with storage starts where the
   * previous one ended (the backbone first, then each head), a tied tensor at its target's offset.
   * Offsets are at the largest vocabulary when the vocabulary is built at run time.
   */
  public List<PlacedTensor> placements() {
    List<PlacedTensor> placed = new ArrayList<>();
    Map<String, Long> offsets = new java.util.HashMap<>();
    long next = 0;
    for (TensorPlan tensor : tensors()) {
      long offset;
      if (tensor.tiedTo().isPresent()) {
        Long target = offsets.get(tensor.tiedTo().get());
        if (target == null) {
          throw new IllegalStateException(tensor.name() + " is tied to " + tensor.tiedTo().get() + ", which is not placed before it");
        }
        offset = target;
      } else {
        offset = next;
        next += tensor.size();
      }
      offsets.put(tensor.name(), offset);
      placed.add(new PlacedTensor(tensor, offset));
    }
    return placed;
  }

  /** The groups, the backbone first, in storage order. */
  public List<String> groups() {
    LinkedHashSet<String> groups = new LinkedHashSet<>();
    groups.add(BACKBONE);
    tensors().forEach(t -> groups.add(t.group()));
    return List.copyOf(groups);
  }

  /** Parameters of one group, at the largest vocabulary. */
  public long parameterCount(String group) {
    return tensors().stream().filter(t -> t.group().equals(group)).mapToLong(TensorPlan::size).sum();
  }

  /** All parameters, at the largest vocabulary: the length of the flat buffer. */
  public long maxParameterCount() {
    return segments.stream().mapToLong(Segment::size).sum();
  }

  /** Whether the vocabulary, and so some shapes and offsets, is known only at run time. */
  public boolean runtimeVocabulary() {
    return tensors().stream().anyMatch(TensorPlan::dependsOnVocabulary);
  }

  public Optional<Dimension> dimension(String name) {
    return dimensions.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /**
   * A readable table: every tensor's name, shape, parameter count, role and group, then the
   * total of each group and the total (the generated Layout's {@code describe()} prints the same).
   */
  public String describe() {
    List<TensorPlan> tensors = tensors();
    int nameWidth = Math.max(4, tensors.stream().mapToInt(t -> t.name().length()).max().orElse(0));
    int shapeWidth = Math.max(5, tensors.stream().mapToInt(t -> shape(t).length()).max().orElse(0));
    int roleWidth = Math.max(4, tensors.stream().mapToInt(t -> t.role().label().length()).max().orElse(0));
    StringBuilder out = new StringBuilder();
    String row = "%-" + nameWidth + "s  %-" + shapeWidth + "s  %13s  %-" + roleWidth + "s  %s%n";
    out.append(String.format(Locale.ROOT, row, "name", "shape", "parameters", "role", "group"));
    for (TensorPlan tensor : tensors) {
      String count = tensor.tiedTo().map(t -> "tied").orElse(String.format(Locale.ROOT, "%,d", tensor.size()));
      String group = tensor.tiedTo().map(t -> tensor.group() + " (= " + t + ")").orElse(tensor.group());
      out.append(String.format(Locale.ROOT, row, tensor.name(), shape(tensor), count, tensor.role().label(), group));
    }
    out.append('\n');
    Map<String, Long> totals = new LinkedHashMap<>();
    for (String group : groups()) {
      totals.put(group, parameterCount(group));
    }
    int groupWidth = Math.max(5, totals.keySet().stream().mapToInt(String::length).max().orElse(0));
    String totalRow = "%-" + groupWidth + "s  %,15d%n";
    totals.forEach((group, count) -> out.append(String.format(Locale.ROOT, totalRow, group, count)));
    out.append(String.format(Locale.ROOT, totalRow, "total", maxParameterCount()));
    if (runtimeVocabulary()) {
      out.append(
          String.format(
              Locale.ROOT,
              "(counts at the largest vocabulary, %,d; the vocabulary is built at run time)%n",
              dimension("VOCAB").map(Dimension::value).orElse(0)));
    }
    return out.toString();
  }

  private static String shape(TensorPlan tensor) {
    return tensor.shape().toString();
  }
}
