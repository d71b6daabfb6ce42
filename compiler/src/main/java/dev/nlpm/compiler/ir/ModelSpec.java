package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.List;
import java.util.Objects;

/**
 * One model, resolved and typed.
 *
 * @param origin the declaration
 * @param name the model's name; the generated classes are {@code <name>}, {@code <name>Layout},
 *     ...
 * @param javaPackage package of the generated code, possibly empty
 * @param sourceName the file or element it was declared in (named in {@code @Generated})
 * @param architecture the family and its sizes
 * @param names the checkpoint naming scheme of the parameters
 * @param tokenizer how text becomes ids
 * @param objectives what it trains on, in declaration order
 * @param decodings how it generates, in declaration order (empty for models that do not)
 * @param heads fine-tuning heads declared alongside the pretraining ones
 * @param training training defaults
 * @param optionOrigins where each written option was written, by its path: {@code heads},
 *     {@code embeddings.size}, {@code objective.mlm.rate}, {@code decoding.beam.width},
 *     {@code encoder.layers}, {@code train.seq}, and {@code family} (the family word, or the parent
 *     the family comes from); options left at their default are absent
 */
public record ModelSpec(
    Origin origin,
    String name,
    String javaPackage,
    String sourceName,
    Architecture architecture,
    CheckpointNames names,
    Tokenizer tokenizer,
    List<Objective> objectives,
    List<Decoding> decodings,
    List<FineTuningHead> heads,
    TrainingDefaults training,
    java.util.Map<String, Origin> optionOrigins) {

  public ModelSpec {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(javaPackage, "javaPackage");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(tokenizer, "tokenizer");
    objectives = List.copyOf(objectives);
    decodings = List.copyOf(decodings);
    heads = List.copyOf(heads);
    Objects.requireNonNull(training, "training");
    optionOrigins = java.util.Map.copyOf(optionOrigins);
  }

  /** Where the option at {@code path} was written, or {@code fallback} when it was not. */
  public Origin originOf(String path, Origin fallback) {
    return optionOrigins.getOrDefault(path, fallback);
  }

  public Family family() {
    return architecture.family();
  }

  /** The first objective of the given type, if declared. */
  public <T extends Objective> java.util.Optional<T> objective(Class<T> type) {
    return objectives.stream().filter(type::isInstance).map(type::cast).findFirst();
  }
}
