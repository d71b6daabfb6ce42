package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.plan.Dimension;
import dev.nlpm.compiler.plan.ModelPlan;
import dev.nlpm.compiler.plan.Segment;
import dev.nlpm.compiler.plan.TensorPlan;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Layout}: every dimension as a constant, the offset of every tensor in the
 * flat parameter buffer (repeated layers as a base, a stride and offsets within a layer), the
 * parameter count of the backbone and of each head, and the {@code ParameterLayout} table built by
 * a loop over the layers, so that its method stays small however deep the model is.
 */
final class LayoutWriter extends SourceWriter {

  static final ClassName PARAMETER_LAYOUT = ClassName.get("dev.nlpm.runtime.parameters", "ParameterLayout");
  /** The runtime's twin of the graph's {@code ParameterRole}: the same constants, by name. */
  static final ClassName PARAMETER_ROLE = ClassName.get("dev.nlpm.runtime.parameters", "ParameterRole");
  private static final Modifier[] CONSTANT = {Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL};

  private final ModelPlan plan;
  private final Set<String> constants = new HashSet<>();

  LayoutWriter(ModelPlan plan) {
    super(plan.model());
    this.plan = plan;
  }

  @Override
  String simpleName() {
    return model.name() + "Layout";
  }

  @Override
  TypeSpec.Builder type() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(simpleName())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc(classDoc());
    addDimensions(type);
    if (!plan.runtimeVocabulary()) {
      addOffsets(type);
    }
    addCounts(type);
    addLayout(type);
    addDescribe(type);
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    return type;
  }

  private CodeBlock classDoc() {
    CodeBlock.Builder doc =
        CodeBlock.builder()
            .add(
                "The parameter layout of $L, $L $L model: its dimensions, and where each parameter\n"
                    + "tensor lies in one flat {@code float[]}, named as in $L checkpoints.\n",
                model.name(),
                "aeiou".indexOf(model.family().keyword().charAt(0)) >= 0 ? "an" : "a",
                model.family().keyword(),
                model.names().keyword());
    if (plan.runtimeVocabulary()) {
      doc.add(
          "\n<p>The vocabulary is built at run time: {@link #layout(int)} gives the layout for its actual size,\n"
              + "at most {@link #VOCAB}; the counts below are at that maximum.\n");
    }
    return doc.build();
  }

  private void addDimensions(TypeSpec.Builder type) {
    for (Dimension dimension : plan.dimensions()) {
      type.addField(
          FieldSpec.builder(TypeName.INT, constant(dimension.name()), CONSTANT)
              .addJavadoc("$L.\n", capitalize(dimension.description()))
              .initializer("$L", dimension.value())
              .build());
    }
    if (!plan.checkpointPrefix().isEmpty()) {
      type.addField(
          FieldSpec.builder(String.class, constant("CHECKPOINT_PREFIX"), CONSTANT)
              .addJavadoc("The prefix of the backbone's names in the reference pretraining checkpoint.\n")
              .initializer("$S", plan.checkpointPrefix())
              .build());
    }
  }

  private void addOffsets(TypeSpec.Builder type) {
    long offset = 0;
    for (Segment segment : plan.segments()) {
      if (segment instanceof Segment.Single single) {
        TensorPlan tensor = single.tensor();
        if (tensor.tiedTo().isEmpty()) {
          type.addField(offsetField(constant(tensor.name()), offset, "Offset of {@code $L} $L.\n", tensor.name(), tensor.shape()));
        }
      } else {
        Segment.Repeated repeated = (Segment.Repeated) segment;
        String block = repeated.constantName();
        type.addField(
            offsetField(
                constant(block + "_BASE"),
                offset,
                "Offset of layer $L's first tensor; layer {@code i} starts at {@code $L_BASE + (i - $L) * $L_STRIDE}.\n",
                repeated.first(),
                block,
                repeated.first(),
                block));
        type.addField(offsetField(constant(block + "_STRIDE"), repeated.stride(), "Floats of one layer.\n"));
        long within = 0;
        for (TensorPlan tensor : repeated.template()) {
          type.addField(
              offsetField(
                  constant(block + "_" + withinLayerName(tensor.name())),
                  within,
                  "Offset of {@code $L} $L within a layer.\n",
                  tensor.name(),
                  tensor.shape()));
          within += tensor.size();
        }
      }
      offset += segment.size();
    }
  }

  private FieldSpec offsetField(String name, long value, String doc, Object... args) {
    return FieldSpec.builder(TypeName.INT, name, CONSTANT)
        .addJavadoc(doc, args)
        .initializer("$L", literal(value))
        .build();
  }

  /** An integer literal with '_' between thousands when it is long enough to need them. */
  static String literal(long value) {
    String digits = Long.toString(value);
    return value < 100_000 ? digits : String.format(Locale.ROOT, "%,d", value).replace(',', '_');
  }

  private void addCounts(TypeSpec.Builder type) {
    for (String group : plan.groups()) {
      type.addField(
          FieldSpec.builder(TypeName.LONG, constant(group + "_PARAMETERS"), CONSTANT)
              .addJavadoc("Parameters of the $L$L.\n", group.replace('_', ' '), plan.runtimeVocabulary() ? ", at the largest vocabulary" : "")
              .initializer("$LL", literal(plan.parameterCount(group)))
              .build());
    }
    type.addField(
        FieldSpec.builder(TypeName.LONG, constant("PARAMETERS"), CONSTANT)
            .addJavadoc("All parameters: the length of the flat buffer$L.\n", plan.runtimeVocabulary() ? " at the largest vocabulary" : "")
            .initializer("$LL", literal(plan.maxParameterCount()))
            .build());
  }

  private void addLayout(TypeSpec.Builder type) {
    boolean runtime = plan.runtimeVocabulary();
    MethodSpec.Builder build =
        MethodSpec.methodBuilder(runtime ? "layout" : "build")
            .addModifiers(runtime ? Modifier.PUBLIC : Modifier.PRIVATE, Modifier.STATIC)
            .returns(PARAMETER_LAYOUT);
    if (runtime) {
      build.addJavadoc("The layout for a vocabulary of {@code vocab} words, at most {@link #VOCAB}.\n");
      build.addParameter(TypeName.INT, "vocab");
      build.beginControlFlow("if (vocab < 1 || vocab > VOCAB)")
          .addStatement(
              "throw new $T($S + vocab + $S + VOCAB)",
              IllegalArgumentException.class,
              "vocabulary size ",
              " is outside 1.." )
          .endControlFlow();
    }
    build.addStatement("$T.Builder b = $T.builder()", PARAMETER_LAYOUT, PARAMETER_LAYOUT);
    for (Segment segment : plan.segments()) {
      if (segment instanceof Segment.Single single) {
        build.addStatement(add(single.tensor(), CodeBlock.of("$S", single.tensor().name())));
      } else {
        Segment.Repeated repeated = (Segment.Repeated) segment;
        build.beginControlFlow(
            "for (int layer = $L; layer < $L; layer++)", repeated.first(), repeated.first() + repeated.count());
        for (TensorPlan tensor : repeated.template()) {
          build.addStatement(add(tensor, layerName(tensor.name())));
        }
        build.endControlFlow();
      }
    }
    build.addStatement("return b.build()");
    if (!runtime) {
      type.addField(
          FieldSpec.builder(PARAMETER_LAYOUT, "LAYOUT", CONSTANT)
              .addJavadoc("Every parameter tensor: name, role, shape, offset and group.\n")
              .initializer("build()")
              .build());
    }
    type.addMethod(build.build());
  }

  /**
   * {@code b.add(name, role, group, shape...)} or {@code b.tied(name, role, group, target,
   * shape...)}, the role the graph's slot has, under the runtime enum's same name.
   */
  private CodeBlock add(TensorPlan tensor, CodeBlock name) {
    CodeBlock shape =
        tensor.shape().stream()
            .map(e -> e.vocabulary() ? CodeBlock.of("vocab") : CodeBlock.of("$L", e.size()))
            .collect(CodeBlock.joining(", "));
    if (tensor.tiedTo().isPresent()) {
      String target = tensor.tiedTo().get();
      CodeBlock targetName = target.contains("{}") ? layerName(target) : CodeBlock.of("$S", target);
      return CodeBlock.of("b.tied($L, $T.$L, $S, $L, $L)", name, PARAMETER_ROLE, tensor.role().name(), tensor.group(), targetName, shape);
    }
    return CodeBlock.of("b.add($L, $T.$L, $S, $L)", name, PARAMETER_ROLE, tensor.role().name(), tensor.group(), shape);
  }

  /** The name of a layer's tensor: {@code "encoder.layer." + layer + ".output.dense.weight"}. */
  private static CodeBlock layerName(String template) {
    int at = template.indexOf("{}");
    if (at < 0) {
      return CodeBlock.of("$S", template);
    }
    String before = template.substring(0, at);
    String after = template.substring(at + 2);
    return after.isEmpty()
        ? CodeBlock.of("$S + layer", before)
        : CodeBlock.of("$S + layer + $S", before, after);
  }

  private void addDescribe(TypeSpec.Builder type) {
    type.addMethod(
        MethodSpec.methodBuilder("describe")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(String.class)
            .addJavadoc("A table of every tensor's name, shape, parameter count and group, with totals$L.\n",
                plan.runtimeVocabulary() ? ", at the largest vocabulary" : "")
            .addStatement(plan.runtimeVocabulary() ? "return layout(VOCAB).describe()" : "return LAYOUT.describe()")
            .build());
  }

  /**
   * What tells a layer's tensors apart: the part of the name after the layer index ({@code
   * attention.self.query.weight}), or the part before it when the index ends the name ({@code
   * lstm.weight_ih_l}).
   */
  private static String withinLayerName(String template) {
    int at = template.indexOf("{}");
    if (at < 0) {
      return template;
    }
    String after = template.substring(at + 2);
    return after.isEmpty() ? template.substring(0, at) : after;
  }

  /** A Java constant name for {@code text}, unique within the class. */
  private String constant(String text) {
    String name = text.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      name = "_" + name;
    }
    if (!constants.add(name)) {
      throw new IllegalStateException("two constants of " + simpleName() + " would be named " + name);
    }
    return name;
  }

  private static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
