package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.graph.LayerGraph;
import dev.nlpm.compiler.graph.Loss;
import dev.nlpm.compiler.graph.NormPosition;
import dev.nlpm.compiler.graph.Op;
import dev.nlpm.compiler.graph.Parameter;
import dev.nlpm.compiler.graph.Storage;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Positions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Passes}, an encoder's passes as plain Java over the runtime's ops ({@code
 * dev.nlpm.runtime.ops}), every size a literal, composed from the layer graph, as llm.c writes
 * {@code gpt2_forward}: the runtime's {@code EncoderPasses}, with its own workspace class.
 *
 * <p>Each op kind has one emitter ({@link #addEmbedding}, {@link #addAttention}, {@link
 * #addFeedForward}, …) that writes the op's forward code and its backward code side by side: the
 * forward is composed in the graph's order, the backward from the same ops in reverse. Each op's
 * code is headed by its line of the graph's dump. Row-wise statements over the same rows that
 * follow one another run in one {@code Parallel.forRange}; a row's numbers never depend on the
 * range it was computed in, so the thread count changes no bit. The passes compute what the
 * hand-written {@code Encoder} of the runtime's tests (their oracle) computes, bit for bit: the same
 * ops on the same rows, the dropout masks drawn in the same order from the same seed.
 *
 * <p>The emitters read the ops and their fields, not the family: a LayerNorm's position says
 * whether it normalizes a sublayer's input (pre-LayerNorm) or its residual sum (post), a position
 * op its kind and row offset (RoBERTa's), a repeated block's storage which slots every layer
 * shares (ALBERT's, their gradients summed over the uses), a linear op before the layers maps
 * factorized embeddings to the hidden width, a fine-tuning head what it reads and its body's
 * ops. {@link #gaps} is the one place that says which encoders it composes: every encoder the
 * runtime runs, with full attention, MLM, NSP or SOP, and fine-tuning heads.
 */
public final class PassesWriter extends SourceWriter {

  private static final String OPS = "dev.nlpm.runtime.ops";
  private static final String ENCODER = "dev.nlpm.runtime.encoder";
  private static final ClassName EMBEDDING = ClassName.get(OPS, "Embedding");
  private static final ClassName LAYER_NORM = ClassName.get(OPS, "LayerNorm");
  private static final ClassName LINEAR = ClassName.get(OPS, "Linear");
  private static final ClassName DROPOUT = ClassName.get(OPS, "Dropout");
  private static final ClassName RESIDUAL = ClassName.get(OPS, "Residual");
  private static final ClassName ATTENTION = ClassName.get(OPS, "Attention");
  private static final ClassName MASK = ClassName.get(OPS, "AttentionMask");
  private static final ClassName ACTIVATION = ClassName.get(OPS, "Activation");
  private static final ClassName CROSS_ENTROPY = ClassName.get(OPS, "CrossEntropy");
  private static final ClassName FF_ACTIVATION = ClassName.get(ENCODER, "FeedForwardActivation");
  private static final ClassName KERNELS = ClassName.get("dev.nlpm.runtime.kernels", "ProductKernels");
  private static final ClassName PARAMETERS = ClassName.get("dev.nlpm.runtime.parameters", "ParameterRows");
  private static final ClassName BATCH = ClassName.get(ENCODER, "EncoderBatch");
  private static final ClassName CONFIG = ClassName.get(ENCODER, "EncoderConfig");
  private static final ClassName PARALLEL = ClassName.get("dev.nlpm.runtime.kernels", "Parallel");
  private static final ClassName PASSES = ClassName.get(ENCODER, "EncoderPasses");
  private static final ClassName ACTIVATIONS = ClassName.get(ENCODER, "EncoderActivations");
  private static final ClassName LOSSES = ClassName.get(ENCODER, "EncoderPasses", "Losses");
  private static final ClassName RANDOM = ClassName.get("java.util", "SplittableRandom");
  private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  private static final TypeName ROWS = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
  private static final TypeName VECTOR = ArrayTypeName.of(TypeName.FLOAT);

  private final LayerGraph graph;
  /** Each per-layer checkpoint name template the passes read, by the constant that holds its names. */
  private final Map<String, String> layerNameTemplates = new LinkedHashMap<>();
  private final ClassName workspace;
  private final int vocab;
  private final int hidden;
  private final int layers;
  private final int heads;
  private final int intermediate;
  private final int maxLength;
  /** The longest sequence: the position rows less RoBERTa's offset rows. */
  private final int longest;
  private final int segments;
  /** The width of the embeddings (ALBERT's factorized E; the hidden width otherwise). */
  private final int embeddingSize;
  private final float hiddenDropout;
  private final float attentionDropout;
  private final String activation;
  /** Whether a pair head (NSP, or ALBERT's SOP) reads the pooled output. */
  private final boolean nsp;
  private final boolean pooler;
  /** Whether a linear op maps the embeddings to the hidden width before the layers. */
  private final boolean mapped;
  /** Whether the layers normalize a sublayer's input (pre-LayerNorm) rather than its residual sum. */
  private final boolean preNorm;
  /** The per-layer slot names (with {@code {}}) that every layer shares: stored once, as layer 0's. */
  private final Set<String> shared;
  /** Whether the pooled output has been emitted (by the pooler, or as the first token's state). */
  private boolean pooled;
  /** Whether a head reads the pooled output (the pair head, a sequence head over it): its gradient then reaches the pooler. */
  private final boolean pooledRead;
  /** The fine-tuning heads' buffer prefixes ({@code sequence}, {@code token}), as emitted. */
  private final Set<String> taskHeads = new HashSet<>();
  /** The workspace's buffers, in the order the emitters ask for them. */
  private final List<Buffer> buffers = new ArrayList<>();

  /**
   * One buffer of the workspace: {@code float[dims…]}, a row an array.
   *
   * @param dims the Java expressions of its sizes (in the workspace constructor: maxBatch,
   *     maxLength, n = maxBatch·maxLength, items = maxBatch·heads, maxPredictions, literals)
   */
  private record Buffer(String name, List<String> dims, String doc) {}

  private PassesWriter(LayerGraph graph) {
    super(graph.model());
    List<String> gaps = gaps(graph);
    if (!gaps.isEmpty()) {
      throw new IllegalArgumentException(graph.model().name() + ": no passes for " + String.join(", ", gaps));
    }
    this.graph = graph;
    this.workspace = ClassName.get(model.javaPackage(), simpleName(), "Workspace");
    Architecture.Encoder e = (Architecture.Encoder) model.architecture();
    var stack = e.stack();
    this.vocab = e.embeddings().vocab().size();
    this.hidden = stack.hidden();
    this.layers = stack.layers();
    this.heads = stack.heads();
    this.intermediate = stack.intermediate();
    this.maxLength = e.embeddings().maxLength();
    this.longest = maxLength - graph.ops(Op.PositionEncoding.class).stream().mapToInt(Op.PositionEncoding::offset).sum();
    this.segments = e.embeddings().segments();
    this.embeddingSize = e.embeddings().size();
    this.hiddenDropout = (float) stack.dropout().hidden();
    this.attentionDropout = (float) stack.dropout().attention();
    this.activation = stack.activation().name();
    this.nsp = graph.ops(Op.ObjectiveHead.class).stream().anyMatch(h -> h.loss().kind() == Loss.Kind.SENTENCE_PAIR);
    this.pooler = !graph.ops(Op.Pooler.class).isEmpty();
    this.mapped = graph.ops().stream().anyMatch(op -> op instanceof Op.Linear);
    this.preNorm = graph.ops(Op.LayerNorm.class).stream().anyMatch(n -> n.position() == NormPosition.PRE);
    this.shared = sharedSlots(graph);
    this.pooledRead = nsp || graph.ops(Op.TaskHead.class).stream().anyMatch(head -> head.input() == Op.TaskHead.Input.POOLED);
  }

  /**
   * The slots of the repeated blocks stored fewer times than the layers run (ALBERT's sharing:
   * once, under layer 0's names).
   */
  private static Set<String> sharedSlots(LayerGraph graph) {
    int layers = graph.ops(Op.Repeat.class).stream().mapToInt(Op.Repeat::count).max().orElse(0);
    Set<String> names = new HashSet<>();
    for (Storage storage : graph.storage()) {
      if (storage instanceof Storage.Repeated repeated && repeated.count() < layers) {
        repeated.template().forEach(parameter -> names.add(parameter.name()));
      }
    }
    return names;
  }

  /** {@code <Model>Passes} for {@code graph}; see {@link #gaps} for the graphs it composes. */
  public static GeneratedFile generate(LayerGraph graph) {
    return new PassesWriter(graph).write();
  }

  /** Whether this writer composes {@code graph}'s passes. */
  public static boolean covers(LayerGraph graph) {
    return gaps(graph).isEmpty();
  }

  /**
   * What keeps this writer from composing {@code graph}'s passes; empty when it can. The one place
   * that says which shapes the generated passes cover: a new shape is a line less here, and its
   * emitters.
   */
  public static List<String> gaps(LayerGraph graph) {
    var model = graph.model();
    List<String> gaps = new ArrayList<>();
    if (!(model.architecture() instanceof Architecture.Encoder e)) {
      return List.of("a " + model.family().keyword() + ", not an encoder");
    }
    if (!Runnability.of(model).facade()) {
      gaps.add("a shape the runtime does not run");
    }
    var stack = e.stack();
    if (!(stack.attention() instanceof Attention.Full)) {
      gaps.add(stack.attention().keyword() + " attention");
    }
    if (e.embeddings().positions() == Positions.RELATIVE) {
      gaps.add("relative positions");
    }
    for (Objective objective : model.objectives()) {
      if (!(objective instanceof Objective.MaskedLm) && !(objective instanceof Objective.NextSentence)
          && !(objective instanceof Objective.SentenceOrder)) {
        gaps.add(objective.keyword() + " objective");
      }
    }
    return List.copyOf(gaps);
  }

  @Override
  String simpleName() {
    return model.name() + "Passes";
  }

  // ================================================================================================
  // Method bodies: serial statements, and row-wise statements run in parallel ranges
  // ================================================================================================

  /**
   * A method body under construction: the parameter lookups it needs (declared at its top),
   * serial statements, and row-wise statements over {@code [from, to)}; consecutive row-wise
   * statements over the same rows and grain share one {@code parallel.forRange}.
   */
  private final class Body {
    private final CodeBlock.Builder lookups = CodeBlock.builder();
    private final CodeBlock.Builder code = CodeBlock.builder();
    private final Set<String> locals = new HashSet<>();
    private String rangeRows;
    private int rangeGrain;
    private CodeBlock.Builder range;

    /** {@code float[][] name = buffer.matrix(…)} (or a vector) at the method's top; returns the local's name. */
    String tensor(String buffer, Parameter parameter, boolean matrix) {
      String name = parameter.tiedTo().orElse(parameter.name());
      String base = camel(name.contains("{}") ? name.substring(name.indexOf("{}") + 3) : name);
      String local = buffer.equals("g") ? "d" + Character.toUpperCase(base.charAt(0)) + base.substring(1) : base;
      if (locals.add(local)) {
        String getter = matrix ? "matrix" : "vector";
        // a shared slot is layer 0's in every layer
        CodeBlock lookup = name.contains("{}") && !shared.contains(name)
            ? CodeBlock.of("$L.$L($L[l])", buffer, getter, layerNames(name))
            : CodeBlock.of("$L.$L($S)", buffer, getter, name.replace("{}", "0"));
        lookups.addStatement("$T $L = $L", matrix ? ROWS : VECTOR, local, lookup);
      }
      return local;
    }

    String matrix(String buffer, Parameter parameter) {
      return tensor(buffer, parameter, true);
    }

    String vector(String buffer, Parameter parameter) {
      return tensor(buffer, parameter, false);
    }

    /** Statements run once, by the calling thread. */
    void serial(CodeBlock statements) {
      flush();
      code.add(statements);
    }

    void serial(String format, Object... args) {
      serial(CodeBlock.builder().addStatement(format, args).build());
    }

    void comment(String format, Object... args) {
      flush();
      code.add("// " + format + "\n", args);
    }

    /** Statements over the rows {@code [from, to)} of {@code rows}, split over the threads in pieces of at least {@code grain}. */
    void ranged(String rows, int grain, CodeBlock statements) {
      if (range == null || !rows.equals(rangeRows) || grain != rangeGrain) {
        flush();
        range = CodeBlock.builder();
        rangeRows = rows;
        rangeGrain = grain;
      }
      range.add(statements);
    }

    void ranged(String rows, int grain, String format, Object... args) {
      ranged(rows, grain, CodeBlock.builder().addStatement(format, args).build());
    }

    private void flush() {
      if (range != null) {
        code.add("parallel.forRange($L, $L, (from, to) -> {\n$>", rangeRows, rangeGrain).add(range.build()).add("$<});\n");
        range = null;
      }
    }

    CodeBlock build() {
      flush();
      return CodeBlock.builder().add(lookups.build()).add(code.build()).build();
    }
  }

  /** {@code encoder.layer.{}.attention.self.query.weight} → {@code attentionSelfQueryWeight}. */
  /**
   * The constant holding {@code template}'s name in every layer ({@code {}} the layer index), so that
   * a step looks its tensors up without building a string.
   */
  private String layerNames(String template) {
    String constant = template.replace("{}.", "").replaceAll("[^A-Za-z0-9]+", "_").toUpperCase(Locale.ROOT);
    layerNameTemplates.putIfAbsent(constant, template);
    return constant;
  }

  /** The per-layer name constants and the method that fills them, once, when the class loads. */
  private void addLayerNames(TypeSpec.Builder type) {
    if (layerNameTemplates.isEmpty()) {
      return;
    }
    layerNameTemplates.forEach((constant, template) -> type.addField(FieldSpec.builder(
            ArrayTypeName.of(String.class), constant, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("{@code $L} of each layer.\n", template.replace("{}", "i"))
        .initializer("layerNames($S, $S)", template.substring(0, template.indexOf("{}")), template.substring(template.indexOf("{}") + 2))
        .build()));
    type.addMethod(MethodSpec.methodBuilder("layerNames").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(ArrayTypeName.of(String.class))
        .addParameter(String.class, "before").addParameter(String.class, "after")
        .addStatement("$T[] names = new $T[$L]", String.class, String.class, layers)
        .beginControlFlow("for (int l = 0; l < names.length; l++)")
        .addStatement("names[l] = before + l + after")
        .endControlFlow()
        .addStatement("return names")
        .build());
  }

  private static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '.' || c == '_') {
        upper = out.length() > 0;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  /**
   * One level of the passes (the model's, or one layer's): its forward body, its backward steps
   * (run in reverse once every op has been added), and where the running activations are.
   */
  private final class Pass {
    final Body forward = new Body();
    final Body backward = new Body();
    private final List<Consumer<Body>> backwardSteps = new ArrayList<>();
    /** The tensor the ops so far produced, as the forward method names it. */
    String stream;
    /** The same tensor as the backward method names it. */
    String streamInBackward;
    /** Where the gradient of the tensor the ops so far produced is, in the backward method. */
    String dStream = "ws.dx";
    /** The input of the sublayer in progress (its residual's other branch), in the forward method. */
    String residualInput;
    /**
     * Whether the stream is a pre-LayerNorm's output: the sublayer that reads it then writes the
     * gradient of its input into {@code ws.dSum}, which the LayerNorm's backward takes back to the
     * residual's {@code ws.dx}; otherwise the sublayer adds it into {@code ws.dx}.
     */
    boolean preNormed;
    /** The dropout keep factors the next residual applies: a local of the forward method, or null. */
    String keep = "null";

    Pass(String stream, String streamInBackward) {
      this.stream = stream;
      this.streamInBackward = streamInBackward;
    }

    /** The op's backward, run in the reverse of the order the ops were added. */
    void backward(Consumer<Body> step) {
      backwardSteps.add(step);
    }

    CodeBlock forwardCode() {
      return forward.build();
    }

    CodeBlock backwardCode() {
      List<Consumer<Body>> reversed = new ArrayList<>(backwardSteps);
      Collections.reverse(reversed);
      reversed.forEach(step -> step.accept(backward));
      return backward.build();
    }
  }

  private static String f(float value) {
    return Float.toString(value) + "f";
  }

  private int headSize() {
    return hidden / heads;
  }

  private void buffer(String name, String doc, String... dims) {
    buffers.add(new Buffer(name, List.of(dims), doc));
  }

  // ================================================================================================
  // The class
  // ================================================================================================

  @Override
  TypeSpec.Builder type() {
    Pass top = new Pass(null, null);
    Pass layer = new Pass("x", "x");
    CodeBlock.Builder checks = CodeBlock.builder();
    CodeBlock.Builder losses = CodeBlock.builder();
    bufferDeclarations();
    for (Op op : graph.ops()) {
      add(op, top, layer, checks, losses);
    }
    if (!pooled) {
      addFirstToken(top);
    }
    if (graph.ops(Op.ObjectiveHead.class).stream().noneMatch(h -> h.loss().kind() == Loss.Kind.MASKED_TOKENS)) {
      addNoMaskedLm(top);
    }
    addPooledGradient(top);
    List<String> headNames = new ArrayList<>();
    graph.ops(Op.ObjectiveHead.class).forEach(h -> headNames.add(h.objective().toUpperCase(Locale.ROOT)));
    graph.ops(Op.TaskHead.class).forEach(h -> headNames.add(h.task().replace('_', ' ')));
    TypeSpec.Builder type = TypeSpec.classBuilder(simpleName())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(ParameterizedTypeName.get(PASSES, workspace))
        .addJavadoc("$L's passes, composed from its layer graph: embeddings$L, $L $L-LayerNorm layers of $L-head attention and\n"
            + "a $L-wide $L feed-forward block$L, $L, the $L head$L. Inference, evaluation and the\n"
            + "training pass (forward, losses, backward).\n"
            + "The parameters are only read; the activations live in a {@link Workspace} each caller brings.\n",
            model.name(), mapped ? " mapped to the hidden width" : "", layers, preNorm ? "pre" : "post", heads, intermediate,
            activation.toLowerCase(Locale.ROOT), shared.isEmpty() ? "" : " (shared across layers)",
            pooler ? "the pooler" : "no pooler", headNames.size() == 1 ? headNames.get(0)
                : String.join(", ", headNames.subList(0, headNames.size() - 1)) + " and " + headNames.get(headNames.size() - 1),
            headNames.size() == 1 ? "" : "s");
    type.addField(KERNELS, "kernels", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(PARAMETERS, "parameters", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(PARALLEL, "parallel", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(FieldSpec.builder(TypeName.BOOLEAN, "dropout", Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("Whether training draws the declared dropout (false: every rate 0).\n").build());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("The passes over {@code parameters} (of {@code $L}), the products through {@code kernels}, the work split by\n"
            + "{@code parallel}, with the declared dropout.\n", sibling("Layout").simpleName() + ".LAYOUT")
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "parameters").addParameter(PARALLEL, "parallel")
        .addStatement("this(kernels, parameters, parallel, true)")
        .build());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "parameters").addParameter(PARALLEL, "parallel")
        .addParameter(TypeName.BOOLEAN, "dropout")
        .addStatement("this.kernels = $T.requireNonNull(kernels, $S)", java.util.Objects.class, "kernels")
        .addStatement("this.parameters = $T.requireNonNull(parameters, $S)", java.util.Objects.class, "parameters")
        .addStatement("this.parallel = $T.requireNonNull(parallel, $S)", java.util.Objects.class, "parallel")
        .addStatement("this.dropout = dropout")
        .build());
    type.addMethod(MethodSpec.methodBuilder("withoutDropout").addModifiers(Modifier.PUBLIC).returns(sibling("Passes"))
        .addJavadoc("The same passes with every dropout off (for comparisons with a reference run without dropout).\n")
        .addStatement("return new $L(kernels, parameters, parallel, false)", simpleName())
        .build());
    type.addMethod(override("config", CONFIG)
        .addStatement("return dropout ? $T.CONFIG : $T.CONFIG.withoutDropout()", sibling("Model"), sibling("Model")).build());
    type.addMethod(override("parameters", PARAMETERS).addStatement("return parameters").build());
    type.addMethod(override("kernels", KERNELS).addStatement("return kernels").build());
    type.addMethod(override("workspace", workspace)
        .addParameter(TypeName.INT, "maxBatch").addParameter(TypeName.INT, "maxLength").addParameter(TypeName.INT, "maxPredictions")
        .addStatement("return new Workspace(maxBatch, maxLength, maxPredictions)").build());
    type.addMethod(override("infer", TypeName.VOID)
        .addParameter(BATCH, "batch").addParameter(workspace, "ws").addParameter(ArrayTypeName.of(TypeName.INT), "predictionRows")
        .addStatement("forward(batch, ws, predictionRows, null)").build());
    type.addMethod(override("evaluate", LOSSES)
        .addParameter(BATCH, "batch").addParameter(workspace, "ws")
        .addStatement("forward(batch, ws, batch.mlmPositions(), null)")
        .addStatement("return losses(batch, ws, false)").build());
    type.addMethod(override("train", LOSSES)
        .addParameter(BATCH, "batch").addParameter(workspace, "ws").addParameter(PARAMETERS, "gradients").addParameter(TypeName.LONG, "dropoutSeed")
        .addStatement("forward(batch, ws, batch.mlmPositions(), dropout ? new $T(dropoutSeed) : null)", RANDOM)
        .addStatement("$T losses = losses(batch, ws, true)", LOSSES)
        .addStatement("backward(batch, ws, gradients)")
        .addStatement("return losses").build());
    type.addMethod(forward(top, checks.build()));
    type.addMethod(layerForward(layer));
    type.addMethod(losses(losses.build()));
    type.addMethod(backward(top));
    type.addMethod(layerBackward(layer));
    addLayerNames(type);
    graph.ops(Op.PositionEncoding.class).stream().filter(op -> op.kind() == Positions.SINUSOIDAL).findFirst().ifPresent(op -> type.addField(
        FieldSpec.builder(ROWS, "SINUSOIDS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The fixed sinusoidal positions, $L × $L.\n", op.maxLength(), op.width())
            .initializer("$T.sinusoids($L, $L)", EMBEDDING, op.maxLength(), op.width())
            .build()));
    type.addType(workspaceType());
    return type;
  }

  private static MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
  }

  private MethodSpec forward(Pass pass, CodeBlock checks) {
    return MethodSpec.methodBuilder("forward").addModifiers(Modifier.PRIVATE)
        .addJavadoc("The forward pass; dropout drawn from {@code random}, none when it is null.\n")
        .addParameter(BATCH, "batch").addParameter(workspace, "ws").addParameter(ArrayTypeName.of(TypeName.INT), "predictionRows")
        .addParameter(RANDOM, "random")
        .addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t")
        .beginControlFlow("if (b > ws.maxBatch || t > ws.maxLength)")
        .addStatement("throw new $T(\"batch \" + b + \" × \" + t + \" exceeds the workspace's \" + ws.maxBatch + \" × \" + ws.maxLength)",
            IllegalArgumentException.class)
        .endControlFlow()
        .beginControlFlow("if (predictionRows.length > ws.maxPredictions)")
        .addStatement("throw new $T(predictionRows.length + \" MLM positions exceed the workspace's \" + ws.maxPredictions)",
            IllegalArgumentException.class)
        .endControlFlow()
        .addStatement("ws.batch = b").addStatement("ws.length = t")
        .addStatement("$T p = parameters", PARAMETERS)
        .addCode(checks)
        .addCode(pass.forwardCode())
        .build();
  }

  private MethodSpec layerForward(Pass pass) {
    return MethodSpec.methodBuilder("layerForward").addModifiers(Modifier.PRIVATE).returns(ROWS)
        .addJavadoc("Layer {@code l} over its input {@code x}; returns its output.\n")
        .addParameter(TypeName.INT, "l").addParameter(ROWS, "x").addParameter(BATCH, "batch").addParameter(workspace, "ws")
        .addParameter(RANDOM, "random")
        .addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t")
        .addStatement("$T p = parameters", PARAMETERS)
        .addCode(pass.forwardCode())
        .addStatement("return $L", pass.stream)
        .build();
  }

  private MethodSpec losses(CodeBlock heads) {
    return MethodSpec.methodBuilder("losses").addModifiers(Modifier.PRIVATE).returns(LOSSES)
        .addJavadoc("The heads' losses of the last forward pass (and, with {@code gradients}, their gradients on the logits).\n")
        .addParameter(BATCH, "batch").addParameter(workspace, "ws").addParameter(TypeName.BOOLEAN, "gradients")
        .addStatement("float mlm = 0").addStatement("int correct = 0").addStatement("int m = ws.predictions")
        .addStatement("float nsp = 0").addStatement("float sequence = 0").addStatement("float token = 0")
        .addCode(heads)
        .addStatement("return new $T(mlm + nsp + sequence + token, mlm, nsp, sequence, token, correct, m)", LOSSES)
        .build();
  }

  private MethodSpec backward(Pass pass) {
    return MethodSpec.methodBuilder("backward").addModifiers(Modifier.PRIVATE)
        .addJavadoc("The backward pass: the ops of {@link #forward} in reverse, the gradients added into {@code g}.\n")
        .addParameter(BATCH, "batch").addParameter(workspace, "ws").addParameter(PARAMETERS, "g")
        .addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t")
        .addStatement("$T p = parameters", PARAMETERS)
        .beginControlFlow("for (int r = 0; r < n; r++)").addStatement("$T.fill(ws.dx[r], 0)", ARRAYS).endControlFlow()
        .addCode(pass.backwardCode())
        .build();
  }

  private MethodSpec layerBackward(Pass pass) {
    return MethodSpec.methodBuilder("layerBackward").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Layer {@code l}'s backward: on entry {@code ws.dx} holds d(layer output), on exit d(layer input {@code x}).\n")
        .addParameter(TypeName.INT, "l").addParameter(ROWS, "x").addParameter(BATCH, "batch").addParameter(workspace, "ws")
        .addParameter(PARAMETERS, "g")
        .addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t")
        .addStatement("$T p = parameters", PARAMETERS)
        .addCode(pass.backwardCode())
        .build();
  }

  // ================================================================================================
  // The ops, each kind's forward and backward side by side
  // ================================================================================================

  private void add(Op op, Pass model, Pass layer, CodeBlock.Builder checks, CodeBlock.Builder losses) {
    if ((op instanceof Op.ObjectiveHead || op instanceof Op.TaskHead) && !pooled) {
      addFirstToken(model);
    }
    if (op instanceof Op.Embedding embedding) {
      addEmbedding(embedding, model, checks);
    } else if (op instanceof Op.PositionEncoding positions) {
      addPositions(positions, model, checks);
    } else if (op instanceof Op.Linear mapping) {
      addMapping(mapping, model);
    } else if (op instanceof Op.LayerNorm norm) {
      addLayerNorm(norm, model);
    } else if (op instanceof Op.Dropout dropout) {
      addDropout(dropout, model);
    } else if (op instanceof Op.Repeat repeat) {
      addLayers(repeat, model, layer);
    } else if (op instanceof Op.Pooler pooler) {
      addPooler(pooler, model);
    } else if (op instanceof Op.ObjectiveHead head && head.loss().kind() == Loss.Kind.MASKED_TOKENS) {
      addMaskedLmHead(head, model, losses);
    } else if (op instanceof Op.ObjectiveHead head && head.loss().kind() == Loss.Kind.SENTENCE_PAIR) {
      addSentencePairHead(head, model, losses);
    } else if (op instanceof Op.TaskHead head) {
      addTaskHead(head, model, losses);
    } else {
      throw new IllegalStateException("no emitter for " + op.line());
    }
  }

  /** A layer's op; the {@code last} writes the layer's output. */
  private void addInLayer(Op op, Pass layer, boolean last) {
    if (op instanceof Op.MultiHeadAttention attention) {
      addAttention(attention, layer);
    } else if (op instanceof Op.FeedForward feedForward) {
      addFeedForward(feedForward, layer);
    } else if (op instanceof Op.Dropout dropout) {
      addDropout(dropout, layer);
    } else if (op instanceof Op.Residual residual) {
      addResidual(residual, layer, last);
    } else if (op instanceof Op.LayerNorm norm) {
      addLayerNorm(norm, layer);
    } else {
      throw new IllegalStateException("no emitter for " + op.line() + " in a layer");
    }
  }

  /** The word table (ids) or the token-type table (segments), summed into {@code embedded}. */
  private void addEmbedding(Op.Embedding op, Pass pass, CodeBlock.Builder checks) {
    boolean words = op.label().equals("tokens");
    String ids = words ? "ids" : "segments";
    int entries = words ? vocab : segments;
    int e = op.table().shape().get(1).size();
    checks.addStatement("int[] $L = batch.$L()", ids, ids)
        .beginControlFlow("for (int r = 0; r < n; r++)")
        .beginControlFlow("if ($L[r] < 0 || $L[r] >= $L)", ids, ids, entries)
        .addStatement("throw new $T(\"$L \" + $L[r] + \" at row \" + r + \" is outside $L0..$L\")", IllegalArgumentException.class,
            words ? "token id" : "segment", ids, words ? "the vocabulary " : "", entries - 1)
        .endControlFlow()
        .endControlFlow();
    if (words && segments == 0) {
      // no token-type table reads the segments: each must be 0
      checks.addStatement("int[] segments = batch.segments()")
          .beginControlFlow("for (int r = 0; r < n; r++)")
          .beginControlFlow("if (segments[r] != 0)")
          .addStatement("throw new $T(\"segment \" + segments[r] + \" at row \" + r + \" is outside 0..0 (the model has no token types)\")",
              IllegalArgumentException.class)
          .endControlFlow()
          .endControlFlow();
    }
    pass.forward.ranged("n", 8, CodeBlock.builder()
        .add("// $L    [n, $L]\n", op.line(), e)
        .addStatement("$T.forward($L, $L, ws.embedded, $L, $L, from, to)", EMBEDDING, pass.forward.matrix("p", op.table()), ids, e,
            words ? "false" : "true")
        .build());
    pass.stream = "ws.embedded";
    pass.streamInBackward = "ws.embedded";
    pass.backward(body -> body.serial(CodeBlock.builder()
        .add("// $L: its rows' gradients\n", op.line())
        .addStatement("$T.backward($L, batch.$L(), $L, $L, 0, n)", EMBEDDING, pass.dStream, ids, body.matrix("g", op.table()), e)
        .build()));
  }

  /**
   * Positions added to the embeddings: a learned table's rows (the token's index, or RoBERTa's
   * rows past the padding row), the fixed sinusoid table's (no gradient), or none.
   */
  private void addPositions(Op.PositionEncoding op, Pass pass, CodeBlock.Builder checks) {
    int e = op.width();
    switch (op.kind()) {
      case NONE -> pass.forward.comment("$L: the embeddings carry none", op.line());
      case SINUSOIDAL -> pass.forward.ranged("n", 8, CodeBlock.builder()
          .add("// $L: row i of each sequence, fixed (no gradient)\n", op.line())
          .addStatement("$T.forwardPositions(SINUSOIDS, t, 0, ws.embedded, $L, true, from, to)", EMBEDDING, e)
          .build());
      case LEARNED -> {
        Parameter table = op.table().orElseThrow();
        if (op.offset() > 0) {
          checks.add("// the position rows: a token at index k of its sequence uses row $L + k, a padding token row $L\n", op.offset(),
                  op.offset() - 1)
              .addStatement("int[] lengths = batch.lengths()")
              .beginControlFlow("for (int r = 0; r < n; r++)")
              .addStatement("ws.positionIds[r] = r % t < lengths[r / t] ? $L + r % t : $L", op.offset(), op.offset() - 1)
              .endControlFlow();
          pass.forward.ranged("n", 8, CodeBlock.builder()
              .add("// $L\n", op.line())
              .addStatement("$T.forward($L, ws.positionIds, ws.embedded, $L, true, from, to)", EMBEDDING, pass.forward.matrix("p", table), e)
              .build());
          pass.backward(body -> body.serial(CodeBlock.builder()
              .add("// $L\n", op.line())
              .addStatement("$T.backward($L, ws.positionIds, $L, $L, 0, n)", EMBEDDING, pass.dStream, body.matrix("g", table), e)
              .build()));
        } else {
          pass.forward.ranged("n", 8, CodeBlock.builder()
              .add("// $L: row i of each sequence\n", op.line())
              .addStatement("$T.forwardPositions($L, t, 0, ws.embedded, $L, true, from, to)", EMBEDDING, pass.forward.matrix("p", table), e)
              .build());
          pass.backward(body -> body.serial(CodeBlock.builder()
              .add("// $L\n", op.line())
              .addStatement("$T.backwardPositions($L, t, 0, $L, $L, 0, n)", EMBEDDING, pass.dStream, body.matrix("g", table), e)
              .build()));
        }
      }
      default -> throw new IllegalStateException("no emitter for " + op.line());
    }
  }

  /** Where a LayerNorm keeps its output and statistics (its input is the stream). */
  private record NormBuffers(String out, String mean, String rstd) {}

  /**
   * A LayerNorm's buffers, by what it normalizes: the embeddings; a sublayer's input (pre), which
   * for the feed-forward sublayer is the attention's residual sum; or a residual sum (post).
   */
  private static NormBuffers normBuffers(Op.LayerNorm op) {
    boolean pre = op.position() == NormPosition.PRE;
    return switch (op.label()) {
      case "embeddings" -> new NormBuffers("ws.embeddingNorm", "ws.embeddingMean", "ws.embeddingRstd");
      case "attention" -> new NormBuffers(pre ? "ws.normedInput[l]" : "ws.attentionOut[l]", "ws.attentionMean[l]", "ws.attentionRstd[l]");
      case "feed-forward" -> new NormBuffers(pre ? "ws.attentionOut[l]" : "ws.out[l]", "ws.outputMean[l]", "ws.outputRstd[l]");
      default -> throw new IllegalStateException("no buffers for " + op.line());
    };
  }

  /**
   * LayerNorm of the stream: of the summed embeddings, of a sublayer's input (pre-LayerNorm: the
   * stream stays the residual's input), or of a residual sum (post-LayerNorm).
   */
  private void addLayerNorm(Op.LayerNorm op, Pass pass) {
    NormBuffers at = normBuffers(op);
    String in = pass.stream;
    String inInBackward = pass.streamInBackward;
    pass.forward.ranged("n", 8, CodeBlock.builder()
        .add("// $L    [n, $L]\n", op.line(), op.width())
        .addStatement("$T.forward($L, $L, $L, $L, $L, $L, $L, from, to)", LAYER_NORM, in, pass.forward.vector("p", op.gain()),
            pass.forward.vector("p", op.bias()), at.out(), at.mean(), at.rstd(), op.eps())
        .build());
    boolean pre = op.position() == NormPosition.PRE;
    if (pre) {
      pass.residualInput = in;
      pass.preNormed = true;
    }
    pass.stream = at.out();
    pass.streamInBackward = at.out();
    pass.backward(body -> {
      String dOut = pass.dStream;
      if (op.position() == NormPosition.EMBEDDINGS) {
        String dIn = mapped ? "ws.dEmbedded" : "ws.dSum";
        body.serial(CodeBlock.builder()
            .add("// $L: d(embedded) into $L\n", op.line(), dIn.substring(3))
            .addStatement("$T.backward($L, $L, $L, $L, $L, $L, false, $L, $L, 0, n)", LAYER_NORM, dOut, inInBackward,
                body.vector("p", op.gain()), at.mean(), at.rstd(), dIn, body.vector("g", op.gain()), body.vector("g", op.bias()))
            .build());
        pass.dStream = dIn;
      } else if (pre) {
        // the sublayer left d(its input) in dSum; the residual's gradient is in dx already
        body.ranged("n", 8, CodeBlock.builder()
            .add("// $L: d(input) += its backward, into dx\n", op.line())
            .addStatement("$T.backward($L, $L, $L, $L, $L, ws.dx, true, null, null, from, to)", LAYER_NORM, dOut, inInBackward,
                body.vector("p", op.gain()), at.mean(), at.rstd())
            .build());
        body.serial("$T.parameterGradients($L, $L, $L, $L, $L, $L, 0, n)", LAYER_NORM, dOut, inInBackward, at.mean(), at.rstd(),
            body.vector("g", op.gain()), body.vector("g", op.bias()));
        pass.dStream = "ws.dx";
      } else {
        body.ranged("n", 8, CodeBlock.builder()
            .add("// $L: d($L) into dSum\n", op.line(), inInBackward.substring(3, inInBackward.length() - 3))
            .addStatement("$T.backward($L, $L, $L, $L, $L, ws.dSum, false, null, null, from, to)", LAYER_NORM, dOut, inInBackward,
                body.vector("p", op.gain()), at.mean(), at.rstd())
            .build());
        body.serial("$T.parameterGradients($L, $L, $L, $L, $L, $L, 0, n)", LAYER_NORM, dOut, inInBackward, at.mean(), at.rstd(),
            body.vector("g", op.gain()), body.vector("g", op.bias()));
        pass.dStream = "ws.dSum";
      }
    });
  }

  /**
   * A linear op outside the layers: the factorized embeddings mapped to the hidden width (ALBERT's
   * {@code embedding_hidden_mapping_in})    [n, in] → [n, out].
   */
  private void addMapping(Op.Linear op, Pass pass) {
    String in = pass.stream;
    String inInBackward = pass.streamInBackward;
    pass.forward.ranged("n", 4, CodeBlock.builder()
        .add("// $L    [n, $L]\n", op.line(), op.out())
        .addStatement("$T.forward(kernels, $L, $L, $L, $L, ws.mapped, false, from, to)", LINEAR, in, pass.forward.matrix("p", op.weight()),
            op.in(), pass.forward.vector("p", op.bias().orElseThrow()))
        .build());
    pass.stream = "ws.mapped";
    pass.streamInBackward = "ws.mapped";
    pass.backward(body -> {
      String dOut = pass.dStream;
      body.comment("$L: its weights, bias, and d(input) = d(out) · W    [n, $L]", op.line(), op.in());
      body.ranged(String.valueOf(op.in()), 8, "$T.backwardWeights(kernels, $L, $L, n, $L, from, to)", LINEAR, inInBackward, dOut,
          body.matrix("g", op.weight()));
      body.serial("$T.backwardBias($L, n, $L)", LINEAR, dOut, body.vector("g", op.bias().orElseThrow()));
      body.ranged("n", 4, "$T.backwardInput(kernels, $L, $L, $L, ws.dEmbedding, false, from, to)", LINEAR, dOut,
          body.matrix("p", op.weight()), op.in());
      pass.dStream = "ws.dEmbedding";
    });
  }

  /**
   * Dropout: of the embeddings' output (drawn and applied here), or of a sublayer's output (drawn
   * here, applied by the residual that follows).
   */
  private void addDropout(Op.Dropout op, Pass pass) {
    if (op.probability() == 0) {
      pass.forward.comment("$L: none", op.line());
      pass.keep = "null";
      return;
    }
    float rate = hiddenDropout;
    if (op.label().equals("embeddings")) {
      String in = pass.stream;
      pass.forward.serial(CodeBlock.builder()
          .add("// $L\n", op.line())
          .addStatement("float[][] embeddingsOut = random != null ? ws.embeddingOut : $L", in)
          .beginControlFlow("if (random != null)")
          .addStatement("$T.forward($L, ws.embeddingKeep, ws.embeddingOut, $L, $L, random, 0, n)", DROPOUT, in, embeddingSize, f(rate))
          .endControlFlow()
          .build());
      pass.stream = "embeddingsOut";
      pass.streamInBackward = "(dropout ? ws.embeddingOut : " + in + ")";
      pass.backward(body -> body.serial(CodeBlock.builder()
          .add("// $L\n", op.line())
          .beginControlFlow("if (dropout)")
          .addStatement("$T.backward($L, ws.embeddingKeep, $L, $L, false, 0, n)", DROPOUT, pass.dStream, pass.dStream, embeddingSize)
          .endControlFlow()
          .build()));
      return;
    }
    String saved = op.label().startsWith("attention") ? "ws.attentionDenseKeep[l]" : "ws.outputDenseKeep[l]";
    String local = op.label().startsWith("attention") ? "attentionKeep" : "outputKeep";
    pass.forward.serial(CodeBlock.builder()
        .add("// $L: the keep factors, applied by the residual\n", op.line())
        .addStatement("float[][] $L = random != null ? $L : null", local, saved)
        .beginControlFlow("if ($L != null)", local)
        .addStatement("$T.draw($L, $L, $L, random, 0, n)", DROPOUT, local, hidden, f(rate))
        .endControlFlow()
        .build());
    pass.keep = local;
    pass.backward(body -> {
      String dBranch = local.replace("Keep", "Branch");
      body.ranged("n", 8, CodeBlock.builder()
          .add("// $L\n", op.line())
          .beginControlFlow("if (dropout)")
          .addStatement("$T.backward($L, $L, ws.dDense, $L, false, from, to)", DROPOUT, pass.dStream, saved, hidden)
          .endControlFlow()
          .build());
      body.serial("float[][] $L = dropout ? ws.dDense : $L", dBranch, pass.dStream);
      pass.dStream = dBranch;
    });
  }

  /**
   * {@code out = branch · keep + input}, around the sublayer in progress; the layer's last op writes
   * the layer's output.
   */
  private void addResidual(Op.Residual op, Pass pass, boolean last) {
    String out = last ? "ws.out[l]" : op.label().equals("attention") ? "ws.attentionSum[l]" : "ws.outputSum[l]";
    pass.forward.ranged("n", 8, CodeBlock.builder()
        .add("// $L: dropped-out branch + input    [n, $L]\n", op.line(), hidden)
        .addStatement("$T.forward($L, $L, $L, $L, $L, from, to)", RESIDUAL, pass.stream, pass.keep, pass.residualInput, out, hidden)
        .build());
    pass.stream = out;
    pass.streamInBackward = out;
    pass.keep = "null";
    pass.backward(body -> {
      if (pass.dStream.equals("ws.dx")) {
        body.comment("$L: d(input) = d(out), in dx already, + what the branch adds below", op.line());
        return;
      }
      // d(input) starts as d(out); the sublayer's backward adds its share
      body.ranged("n", 8, CodeBlock.builder()
          .add("// $L: d(input) = d(out) + what the branch adds below\n", op.line())
          .beginControlFlow("for (int r = from; r < to; r++)")
          .addStatement("$T.arraycopy($L[r], 0, ws.dx[r], 0, $L)", System.class, pass.dStream, hidden)
          .endControlFlow()
          .build());
    });
  }

  /**
   * A sublayer takes the stream as its input: after a pre-LayerNorm, the LayerNorm's output (the
   * residual's input is the LayerNorm's); otherwise the stream is the residual's input too.
   * Returns whether it was pre-normed: its backward then writes d(input) into {@code ws.dSum}
   * rather than adding it into {@code ws.dx}.
   */
  private static boolean takeInput(Pass pass) {
    boolean preNormed = pass.preNormed;
    if (!preNormed) {
      pass.residualInput = pass.stream;
    }
    pass.preNormed = false;
    return preNormed;
  }

  /** Self-attention under the padding mask: q, k, v, the heads' weighted sums, the output projection. */
  private void addAttention(Op.MultiHeadAttention op, Pass pass) {
    int h = hidden;
    int d = headSize();
    String[] outs = {"ws.q[l]", "ws.k[l]", "ws.v[l]"};
    String x = pass.stream;
    String input = pass.streamInBackward;
    boolean preNormed = takeInput(pass);
    Body fw = pass.forward;
    CodeBlock.Builder qkv = CodeBlock.builder().add("// $L\n", op.line()).add("// q, k, v = x · W + b    [n, $L]\n", h);
    for (int i = 0; i < 3; i++) {
      Op.Linear in = op.inputs().get(i);
      qkv.addStatement("$T.forward(kernels, $L, $L, $L, $L, $L, false, from, to)", LINEAR, x, fw.matrix("p", in.weight()), h,
          fw.vector("p", in.bias().orElseThrow()), outs[i]);
    }
    fw.ranged("n", 4, qkv.build());
    CodeBlock.Builder draw = CodeBlock.builder();
    if (op.dropout() > 0) {
      draw.addStatement("float[][][] probabilitiesKeep = random != null ? ws.probabilitiesKeep[l] : null")
          .beginControlFlow("if (probabilitiesKeep != null)")
          .add("// the probabilities' dropout, a (sequence, head) item at a time\n")
          .beginControlFlow("for (int sh = 0; sh < b * $L; sh++)", heads)
          .addStatement("$T.draw(probabilitiesKeep[sh], t, $L, random, 0, t)", DROPOUT, f(attentionDropout))
          .endControlFlow()
          .endControlFlow();
    } else {
      draw.addStatement("float[][][] probabilitiesKeep = null");
    }
    fw.serial(draw.addStatement("$T mask = $T.padding(batch.lengths())", MASK, MASK).build());
    fw.ranged("b * " + heads, 1, CodeBlock.builder()
        .add("// per (sequence, head): softmax(q·kᵀ/√$L + padding mask), dropped out, · v    [b·$L, t, $L]\n", d, heads, d)
        .addStatement("$T.forward(kernels, ws.q[l], 0, ws.k[l], 0, ws.v[l], 0, t, $L, $L, mask, ws.qh[l], ws.kh[l], ws.vh[l],"
            + " ws.probabilities[l], probabilitiesKeep, ws.dropped[l], ws.contextH[l], ws.context[l], from, to)", ATTENTION, heads, d)
        .build());
    fw.ranged("n", 4, CodeBlock.builder()
        .add("// the output projection    [n, $L]\n", h)
        .addStatement("$T.forward(kernels, ws.context[l], $L, $L, $L, ws.attentionDense[l], false, from, to)", LINEAR,
            fw.matrix("p", op.output().weight()), h, fw.vector("p", op.output().bias().orElseThrow()))
        .build());
    pass.stream = "ws.attentionDense[l]";
    pass.streamInBackward = "ws.attentionDense[l]";
    pass.backward(body -> {
      String dOut = pass.dStream;
      body.comment("$L", op.line());
      body.ranged(String.valueOf(h), 8, "$T.backwardWeights(kernels, ws.context[l], $L, n, $L, from, to)", LINEAR, dOut,
          body.matrix("g", op.output().weight()));
      body.serial("$T.backwardBias($L, n, $L)", LINEAR, dOut, body.vector("g", op.output().bias().orElseThrow()));
      body.ranged("n", 4, "$T.backwardInput(kernels, $L, $L, $L, ws.dContext, false, from, to)", LINEAR, dOut,
          body.matrix("p", op.output().weight()), h);
      body.serial(CodeBlock.builder()
          .addStatement("float[][][] probabilitiesKeep = $L", op.dropout() > 0 ? "dropout ? ws.probabilitiesKeep[l] : null" : "null")
          .addStatement("$T mask = $T.padding(batch.lengths())", MASK, MASK)
          .build());
      body.ranged("b * " + heads, 1, "$T.backward(kernels, ws.dContext, t, $L, $L, mask, ws.qh[l], ws.kh[l], ws.vh[l], ws.probabilities[l],"
          + " probabilitiesKeep, ws.dropped[l], ws.dContextH, ws.dProbabilities, ws.dqh, ws.dkh, ws.dvh, ws.dq, 0, ws.dk, 0, ws.dv, 0,"
          + " from, to)", ATTENTION, heads, d);
      String[] ds = {"ws.dq", "ws.dk", "ws.dv"};
      CodeBlock.Builder weights = CodeBlock.builder();
      for (int i = 0; i < 3; i++) {
        weights.addStatement("$T.backwardWeights(kernels, $L, $L, n, $L, from, to)", LINEAR, input, ds[i],
            body.matrix("g", op.inputs().get(i).weight()));
      }
      body.ranged(String.valueOf(h), 8, weights.build());
      CodeBlock.Builder biases = CodeBlock.builder();
      for (int i = 0; i < 3; i++) {
        biases.addStatement("$T.backwardBias($L, n, $L)", LINEAR, ds[i], body.vector("g", op.inputs().get(i).bias().orElseThrow()));
      }
      body.serial(biases.build());
      String dInput = preNormed ? "ws.dSum" : "ws.dx";
      CodeBlock.Builder inputs = CodeBlock.builder().add(preNormed ? "// d(x) = Σ d· Wᵀ, into dSum\n" : "// d(x) += Σ d· Wᵀ\n");
      for (int i = 0; i < 3; i++) {
        inputs.addStatement("$T.backwardInput(kernels, $L, $L, $L, $L, $L, from, to)", LINEAR, ds[i],
            body.matrix("p", op.inputs().get(i).weight()), h, dInput, !preNormed || i > 0);
      }
      body.ranged("n", 4, inputs.build());
      pass.dStream = dInput;
    });
  }

  /** {@code down(act(up(x)))}. */
  private void addFeedForward(Op.FeedForward op, Pass pass) {
    int h = hidden;
    int f = intermediate;
    String x = pass.stream;
    String input = pass.streamInBackward;
    boolean preNormed = takeInput(pass);
    String act = op.activation().name();
    Body fw = pass.forward;
    fw.ranged("n", 4, CodeBlock.builder()
        .add("// $L    [n, $L] then [n, $L]\n", op.line(), f, h)
        .addStatement("$T.forward(kernels, $L, $L, $L, $L, ws.inner[l], false, from, to)", LINEAR, x, fw.matrix("p", op.up().weight()), h,
            fw.vector("p", op.up().bias().orElseThrow()))
        .addStatement("$T.forward($T.$L, ws.inner[l], ws.activated[l], $L, from, to)", ACTIVATION, FF_ACTIVATION, act, f)
        .addStatement("$T.forward(kernels, ws.activated[l], $L, $L, $L, ws.outputDense[l], false, from, to)", LINEAR,
            fw.matrix("p", op.down().weight()), f, fw.vector("p", op.down().bias().orElseThrow()))
        .build());
    pass.stream = "ws.outputDense[l]";
    pass.streamInBackward = "ws.outputDense[l]";
    pass.backward(body -> {
      String dOut = pass.dStream;
      body.comment("$L", op.line());
      body.ranged(String.valueOf(f), 8, "$T.backwardWeights(kernels, ws.activated[l], $L, n, $L, from, to)", LINEAR, dOut,
          body.matrix("g", op.down().weight()));
      body.serial("$T.backwardBias($L, n, $L)", LINEAR, dOut, body.vector("g", op.down().bias().orElseThrow()));
      String dInput = preNormed ? "ws.dSum" : "ws.dx";
      body.ranged("n", 4, CodeBlock.builder()
          .add("// d(activated) = d(out) · W2ᵀ, through the activation; d(x) $L dInner · W1ᵀ    [n, $L]\n", preNormed ? "=" : "+=", f)
          .addStatement("$T.backwardInput(kernels, $L, $L, $L, ws.dInner, false, from, to)", LINEAR, dOut, body.matrix("p", op.down().weight()), f)
          .addStatement("$T.backward($T.$L, ws.inner[l], ws.dInner, ws.dInner, $L, from, to)", ACTIVATION, FF_ACTIVATION, act, f)
          .addStatement("$T.backwardInput(kernels, ws.dInner, $L, $L, $L, $L, from, to)", LINEAR, body.matrix("p", op.up().weight()), h,
              dInput, !preNormed)
          .build());
      body.ranged(String.valueOf(h), 8, "$T.backwardWeights(kernels, $L, ws.dInner, n, $L, from, to)", LINEAR, input,
          body.matrix("g", op.up().weight()));
      body.serial("$T.backwardBias(ws.dInner, n, $L)", LINEAR, body.vector("g", op.up().bias().orElseThrow()));
      pass.dStream = dInput;
    });
  }

  /** The repeated layers: {@code layerForward} in order, {@code layerBackward} last first. */
  private void addLayers(Op.Repeat op, Pass pass, Pass layer) {
    for (int i = 0; i < op.body().size(); i++) {
      addInLayer(op.body().get(i), layer, i == op.body().size() - 1);
    }
    String input = pass.stream;
    String inputInBackward = pass.streamInBackward;
    pass.forward.serial(CodeBlock.builder()
        .add("// $L\n", op.line())
        .addStatement("float[][] x = $L", input)
        .beginControlFlow("for (int l = 0; l < $L; l++)", op.count())
        .addStatement("x = layerForward(l, x, batch, ws, random)")
        .endControlFlow()
        .addStatement("float[][] hidden = x")
        .build());
    pass.stream = "hidden";
    pass.streamInBackward = "ws.out[" + (op.count() - 1) + "]";
    pass.backward(body -> body.serial(CodeBlock.builder()
        .add("// $L, last first\n", op.line())
        .beginControlFlow("for (int l = $L; l >= 0; l--)", op.count() - 1)
        .addStatement("layerBackward(l, l == 0 ? $L : ws.out[l - 1], batch, ws, g)", inputInBackward)
        .endControlFlow()
        .build()));
  }

  /** tanh(first token's state · W + b); its backward runs when a head used the pooled output. */
  private void addPooler(Op.Pooler op, Pass pass) {
    int h = hidden;
    Op.Linear dense = op.dense();
    String hiddenStates = pass.stream;
    Body fw = pass.forward;
    pooled = true;
    pass.forward.serial(CodeBlock.builder()
        .add("// $L: tanh(first token · W + b)    [b, $L]\n", op.line(), h)
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .addStatement("$T.arraycopy($L[s * t], 0, ws.cls[s], 0, $L)", System.class, hiddenStates, h)
        .endControlFlow()
        .addStatement("$T.forward(kernels, ws.cls, $L, $L, $L, ws.pooledPre, false, 0, b)", LINEAR, fw.matrix("p", dense.weight()), h,
            fw.vector("p", dense.bias().orElseThrow()))
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .beginControlFlow("for (int i = 0; i < $L; i++)", h)
        .addStatement("ws.pooled[s][i] = (float) Math.tanh(ws.pooledPre[s][i])")
        .endControlFlow()
        .endControlFlow()
        .build());
    pass.backward(body -> {
      if (!pooledRead) {
        body.comment("$L: no head reads the pooled output, so no gradient reaches it", op.line());
        return;
      }
      body.serial(CodeBlock.builder()
          .add("// $L, when a head used the pooled output\n", op.line())
          .beginControlFlow("if (pooledUsed)")
          .beginControlFlow("for (int s = 0; s < b; s++)")
          .beginControlFlow("for (int i = 0; i < $L; i++)", h)
          .addStatement("float y = ws.pooled[s][i]")
          .addStatement("ws.dPooledPre[s][i] = ws.dPooled[s][i] * (1 - y * y)")
          .endControlFlow()
          .endControlFlow()
          .addStatement("$T.backwardWeights(kernels, ws.cls, ws.dPooledPre, b, $L, 0, $L)", LINEAR, body.matrix("g", dense.weight()), h)
          .addStatement("$T.backwardBias(ws.dPooledPre, b, $L)", LINEAR, body.vector("g", dense.bias().orElseThrow()))
          .addStatement("$T.backwardInput(kernels, ws.dPooledPre, $L, $L, ws.dCls, false, 0, b)", LINEAR, body.matrix("p", dense.weight()), h)
          .beginControlFlow("for (int s = 0; s < b; s++)")
          .beginControlFlow("for (int i = 0; i < $L; i++)", h)
          .addStatement("ws.dx[s * t][i] += ws.dCls[s][i]")
          .endControlFlow()
          .endControlFlow()
          .endControlFlow()
          .build());
    });
  }

  /**
   * Without a pooler, the pooled output is the first token's state; its gradient, when a head used
   * it, goes back to that row.
   */
  private void addFirstToken(Pass pass) {
    pooled = true;
    int h = hidden;
    pass.forward.serial(CodeBlock.builder()
        .add("// no pooler: the pooled output is the first token's state    [b, $L]\n", h)
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .addStatement("$T.arraycopy($L[s * t], 0, ws.pooled[s], 0, $L)", System.class, pass.stream, h)
        .endControlFlow()
        .build());
    pass.backward(body -> {
      if (!pooledRead) {
        body.comment("the pooled first token: no head reads it, so no gradient reaches it");
        return;
      }
      body.serial(CodeBlock.builder()
          .add("// the pooled first token, when a head used it: its gradient goes to the first row\n")
          .beginControlFlow("if (pooledUsed)")
          .beginControlFlow("for (int s = 0; s < b; s++)")
          .beginControlFlow("for (int i = 0; i < $L; i++)", h)
          .addStatement("ws.dx[s * t][i] += ws.dPooled[s][i]")
          .endControlFlow()
          .endControlFlow()
          .endControlFlow()
          .build());
    });
  }

  /** MLM at the predicted rows: dense, activation, LayerNorm, the decoder tied to the word embeddings. */
  private void addMaskedLmHead(Op.ObjectiveHead op, Pass pass, CodeBlock.Builder losses) {
    int h = hidden;
    Op.Linear transform = (Op.Linear) op.body().get(0);
    int e = transform.out();
    String act = ((Op.Activate) op.body().get(1)).function().name();
    Op.LayerNorm norm = (Op.LayerNorm) op.body().get(2);
    Op.Linear decoder = (Op.Linear) op.body().get(3);
    Body fw = pass.forward;
    String word = fw.matrix("p", decoder.weight());
    String decoderBias = fw.vector("p", decoder.bias().orElseThrow());
    pass.forward.serial(CodeBlock.builder()
        .add("// $L: the predicted rows' states, dense, $L, LayerNorm, the tied decoder    [m, $L]\n", op.line(),
            act.toLowerCase(Locale.ROOT), vocab)
        .addStatement("int m = predictionRows.length")
        .addStatement("ws.predictions = m")
        .beginControlFlow("if (m > 0)")
        .addStatement("$T.arraycopy(predictionRows, 0, ws.predictionRows, 0, m)", System.class)
        .addStatement("$T.forward($L, ws.predictionRows, ws.selected, $L, false, 0, m)", EMBEDDING, pass.stream, h)
        .addStatement("$T.forward(kernels, ws.selected, $L, $L, $L, ws.transform, false, 0, m)", LINEAR, fw.matrix("p", transform.weight()),
            h, fw.vector("p", transform.bias().orElseThrow()))
        .addStatement("$T.forward($T.$L, ws.transform, ws.transformActivated, $L, 0, m)", ACTIVATION, FF_ACTIVATION, act, e)
        .addStatement("$T.forward(ws.transformActivated, $L, $L, ws.transformOut, ws.transformMean, ws.transformRstd, $L, 0, m)", LAYER_NORM,
            fw.vector("p", norm.gain()), fw.vector("p", norm.bias()), norm.eps())
        .addStatement("parallel.forRange($L, 64, (from, to) -> $T.forwardOutIn(kernels, ws.transformOut, m, $L, $L, ws.mlmLogits, from, to))",
            vocab, LINEAR, word, decoderBias)
        .endControlFlow()
        .build());
    losses.add("// $L\n", op.line())
        .beginControlFlow("if (m > 0)")
        .addStatement("int[] labels = new int[m]")
        .beginControlFlow("for (int i = 0; i < m; i++)")
        .addStatement("labels[i] = batch.mlmLabels()[ws.predictionRows[i]]")
        .beginControlFlow("if ($T.argmax(ws.mlmLogits[i], $L) == labels[i])", CROSS_ENTROPY, vocab)
        .addStatement("correct++")
        .endControlFlow()
        .endControlFlow()
        .addStatement("mlm = $T.forwardBackward(ws.mlmLogits, labels, m, $L, gradients ? ws.dMlm : null)", CROSS_ENTROPY, vocab)
        .endControlFlow();
    pass.backward(body -> body.serial(CodeBlock.builder()
        .add("// $L (the decoder's gradient lands on the tied word embeddings)\n", op.line())
        .addStatement("int m = ws.predictions")
        .beginControlFlow("if (m > 0)")
        .addStatement("parallel.forRange($L, 64, (from, to) -> $T.backwardWeightsOutIn(kernels, ws.dMlm, ws.transformOut, m, $L, from, to))",
            vocab, LINEAR, body.matrix("g", decoder.weight()))
        .addStatement("$T.backwardBias(ws.dMlm, m, $L)", LINEAR, body.vector("g", decoder.bias().orElseThrow()))
        .addStatement("$T.backwardInputOutIn(kernels, ws.dMlm, $L, $L, ws.dTransformOut, 0, m)", LINEAR, body.matrix("p", decoder.weight()), vocab)
        .addStatement("$T.backward(ws.dTransformOut, ws.transformActivated, $L, ws.transformMean, ws.transformRstd, ws.dTransformActivated,"
            + " false, $L, $L, 0, m)", LAYER_NORM, body.vector("p", norm.gain()), body.vector("g", norm.gain()), body.vector("g", norm.bias()))
        .addStatement("$T.backward($T.$L, ws.transform, ws.dTransformActivated, ws.dTransform, $L, 0, m)", ACTIVATION, FF_ACTIVATION,
            act, e)
        .addStatement("$T.backwardWeights(kernels, ws.selected, ws.dTransform, m, $L, 0, $L)", LINEAR, body.matrix("g", transform.weight()), h)
        .addStatement("$T.backwardBias(ws.dTransform, m, $L)", LINEAR, body.vector("g", transform.bias().orElseThrow()))
        .addStatement("$T.backwardInput(kernels, ws.dTransform, $L, $L, ws.dSelected, false, 0, m)", LINEAR,
            body.matrix("p", transform.weight()), h)
        .add("// the selected rows were gathered from the hidden states: their gradient scatters back\n")
        .addStatement("$T.backward(ws.dSelected, ws.predictionRows, ws.dx, $L, 0, m)", EMBEDDING, h)
        .endControlFlow()
        .build()));
  }

  /** NSP or SOP: a two-way classifier over the pooled output. */
  private void addSentencePairHead(Op.ObjectiveHead op, Pass pass, CodeBlock.Builder losses) {
    int h = hidden;
    Op.Linear classifier = (Op.Linear) op.body().get(0);
    Body fw = pass.forward;
    pass.forward.serial(CodeBlock.builder()
        .add("// $L    [b, 2]\n", op.line())
        .addStatement("$T.forward(kernels, ws.pooled, $L, $L, $L, ws.nspLogits, false, 0, b)", LINEAR, fw.matrix("p", classifier.weight()), h,
            fw.vector("p", classifier.bias().orElseThrow()))
        .build());
    losses.add("// $L\n", op.line())
        .beginControlFlow("if (batch.nspLabels() != null)")
        .addStatement("nsp = $T.forwardBackward(ws.nspLogits, batch.nspLabels(), batch.batch(), 2, gradients ? ws.dNsp : null)", CROSS_ENTROPY)
        .endControlFlow();
    pass.backward(body -> body.serial(CodeBlock.builder()
        .add("// $L: its gradient reaches the pooled output\n", op.line())
        .beginControlFlow("if (batch.nspLabels() != null)")
        .addStatement("$T.backwardInput(kernels, ws.dNsp, $L, $L, ws.dPooled, true, 0, b)", LINEAR, body.matrix("p", classifier.weight()), h)
        .addStatement("$T.backwardWeights(kernels, ws.pooled, ws.dNsp, b, $L, 0, $L)", LINEAR, body.matrix("g", classifier.weight()), h)
        .addStatement("$T.backwardBias(ws.dNsp, b, $L)", LINEAR, body.vector("g", classifier.bias().orElseThrow()))
        .addStatement("pooledUsed = true")
        .endControlFlow()
        .build()));
  }

  /**
   * The pooled output's gradient starts at zero, before the heads that read it add theirs (the
   * backward's first step: registered after every op).
   */
  private void addPooledGradient(Pass pass) {
    if (!pooledRead) {
      return;
    }
    pass.backward(body -> body.serial(CodeBlock.builder()
        .add("// the pooled output's gradient, which the heads reading it add into\n")
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .addStatement("$T.fill(ws.dPooled[s], 0)", ARRAYS)
        .endControlFlow()
        .addStatement("boolean pooledUsed = false")
        .build()));
  }

  /** Without an MLM head, a forward pass predicts no positions. */
  private void addNoMaskedLm(Pass pass) {
    pass.forward.serial(CodeBlock.builder()
        .add("// no MLM head: no positions are predicted\n")
        .beginControlFlow("if (predictionRows.length > 0)")
        .addStatement("throw new $T($S)", IllegalStateException.class, model.name() + " has no MLM head")
        .endControlFlow()
        .addStatement("ws.predictions = 0")
        .build());
  }

  /**
   * A fine-tuning head: its input (the pooled output, the first tokens' states copied out, or every
   * state), its body's ops in order (dropout, linear, activation) into buffers of its own, the last
   * one's output the logits, then cross-entropy; its backward the body's ops last first, the
   * input's gradient added where the input came from.
   */
  private void addTaskHead(Op.TaskHead op, Pass pass, CodeBlock.Builder losses) {
    String prefix = op.task().startsWith("sequence") ? "sequence" : "token";
    String capital = Character.toUpperCase(prefix.charAt(0)) + prefix.substring(1);
    taskHeads.add(prefix);
    boolean everyToken = op.input() == Op.TaskHead.Input.EVERY_TOKEN;
    String rows = everyToken ? "n" : "b";
    String capacity = everyToken ? "n" : "maxBatch";
    String doc = "the " + prefix + "-classification head";
    int h = hidden;
    Body fw = pass.forward;
    String input;
    String inputInBackward;
    switch (op.input()) {
      case POOLED -> {
        input = "ws.pooled";
        inputInBackward = "ws.pooled";
      }
      case EVERY_TOKEN -> {
        input = pass.stream;
        inputInBackward = pass.streamInBackward;
      }
      case FIRST_TOKEN -> {
        buffer(prefix + "Input", doc, capacity, String.valueOf(h));
        buffer("d" + capital + "Input", doc, capacity, String.valueOf(h));
        input = "ws." + prefix + "Input";
        inputInBackward = input;
      }
      default -> throw new IllegalStateException("no emitter for " + op.line());
    }
    fw.comment("$L    [$L, $L]", op.line(), rows, op.labels());
    if (op.input() == Op.TaskHead.Input.FIRST_TOKEN) {
      fw.serial(CodeBlock.builder()
          .beginControlFlow("for (int s = 0; s < b; s++)")
          .addStatement("$T.arraycopy($L[s * t], 0, $L[s], 0, $L)", System.class, pass.stream, input, h)
          .endControlFlow()
          .build());
    }
    // each op's input and output, as the forward and the backward name them; the gradient of each output
    List<Op> ops = op.body();
    String[] ins = new String[ops.size()];
    String[] insInBackward = new String[ops.size()];
    String[] dOuts = new String[ops.size()];
    String x = input;
    String xInBackward = inputInBackward;
    for (int k = 0; k < ops.size(); k++) {
      Op stage = ops.get(k);
      ins[k] = x;
      insInBackward[k] = xInBackward;
      boolean last = k == ops.size() - 1;
      if (stage instanceof Op.Dropout dropout) {
        String out = prefix + "Dropped" + k;
        dOuts[k] = "d" + capital + "Dropped" + k;
        buffer(dOuts[k], doc, capacity, String.valueOf(h));
        if (dropout.probability() > 0) {
          buffer(prefix + "Keep" + k, doc, capacity, String.valueOf(h));
          buffer(out, doc, capacity, String.valueOf(h));
          fw.serial(CodeBlock.builder()
              .add("// $L\n", stage.line())
              .addStatement("float[][] $L = random != null ? ws.$L : $L", out, out, x)
              .beginControlFlow("if (random != null)")
              .addStatement("$T.forward($L, ws.$LKeep$L, ws.$L, $L, $L, random, 0, $L)", DROPOUT, x, prefix, k, out, h, f(hiddenDropout), rows)
              .endControlFlow()
              .build());
          xInBackward = "(dropout ? ws." + out + " : " + xInBackward + ")";
          x = out;
        } else {
          fw.comment("$L: none", stage.line());
        }
      } else if (stage instanceof Op.Linear linear) {
        String out = last ? prefix + "Logits" : prefix + "Dense" + k;
        dOuts[k] = "d" + Character.toUpperCase(out.charAt(0)) + out.substring(1);
        buffer(out, doc, capacity, String.valueOf(linear.out()));
        buffer(dOuts[k], doc, capacity, String.valueOf(linear.out()));
        fw.ranged(rows, 4, CodeBlock.builder()
            .add("// $L    [$L, $L]\n", stage.line(), rows, linear.out())
            .addStatement("$T.forward(kernels, $L, $L, $L, $L, ws.$L, false, from, to)", LINEAR, x, fw.matrix("p", linear.weight()), linear.in(),
                fw.vector("p", linear.bias().orElseThrow()), out)
            .build());
        x = "ws." + out;
        xInBackward = x;
      } else if (stage instanceof Op.Activate activate) {
        String out = prefix + "Activated" + k;
        dOuts[k] = "d" + capital + "Activated" + k;
        buffer(out, doc, capacity, String.valueOf(h));
        buffer(dOuts[k], doc, capacity, String.valueOf(h));
        fw.ranged(rows, 4, CodeBlock.builder()
            .add("// $L\n", stage.line())
            .addStatement("$T.forward($T.$L, $L, ws.$L, $L, from, to)", ACTIVATION, FF_ACTIVATION, activate.function().name(), x, out,
                activate.width())
            .build());
        x = "ws." + out;
        xInBackward = x;
      } else {
        throw new IllegalStateException("no emitter for " + stage.line() + " in a fine-tuning head");
      }
    }
    if (!x.equals("ws." + prefix + "Logits")) {
      throw new IllegalStateException(op.line() + ": a fine-tuning head ends in its linear classifier");
    }
    losses.add("// $L\n", op.line())
        .beginControlFlow("if (batch.$LLabels() != null)", prefix)
        .addStatement("$L = $T.forwardBackward(ws.$LLogits, batch.$LLabels(), $L, $L, gradients ? ws.d$LLogits : null)", prefix, CROSS_ENTROPY,
            prefix, prefix, everyToken ? "batch.rows()" : "batch.batch()", op.labels(), capital)
        .endControlFlow();
    pass.backward(body -> {
      body.serial(CodeBlock.builder()
          .add("// $L, its ops last first\n", op.line())
          .beginControlFlow("if (batch.$LLabels() != null)", prefix)
          .build());
      for (int k = ops.size() - 1; k >= 0; k--) {
        Op stage = ops.get(k);
        String dOut = "ws." + dOuts[k];
        boolean first = k == 0;
        String dIn = !first ? "ws." + dOuts[k - 1] : switch (op.input()) {
          case POOLED -> "ws.dPooled";
          case EVERY_TOKEN -> "ws.dx";
          case FIRST_TOKEN -> "ws.d" + capital + "Input";
        };
        boolean accumulate = first && op.input() != Op.TaskHead.Input.FIRST_TOKEN;
        if (stage instanceof Op.Dropout dropout) {
          body.ranged(rows, 4, "$T.backward($L, $L, $L, $L, $L, from, to)", DROPOUT, dOut,
              dropout.probability() > 0 ? "dropout ? ws." + prefix + "Keep" + k + " : null" : "null", dIn, h, accumulate);
        } else if (stage instanceof Op.Linear linear) {
          body.ranged(String.valueOf(linear.in()), 8, "$T.backwardWeights(kernels, $L, $L, $L, $L, from, to)", LINEAR, insInBackward[k], dOut,
              rows, body.matrix("g", linear.weight()));
          body.serial("$T.backwardBias($L, $L, $L)", LINEAR, dOut, rows, body.vector("g", linear.bias().orElseThrow()));
          body.ranged(rows, 4, "$T.backwardInput(kernels, $L, $L, $L, $L, $L, from, to)", LINEAR, dOut, body.matrix("p", linear.weight()),
              linear.in(), dIn, accumulate);
        } else if (stage instanceof Op.Activate activate) {
          if (accumulate) {
            throw new IllegalStateException(op.line() + ": a fine-tuning head cannot start with an activation");
          }
          body.ranged(rows, 4, "$T.backward($T.$L, $L, $L, $L, $L, from, to)", ACTIVATION, FF_ACTIVATION, activate.function().name(),
              insInBackward[k], dOut, dIn, activate.width());
        }
      }
      CodeBlock.Builder end = CodeBlock.builder();
      if (op.input() == Op.TaskHead.Input.FIRST_TOKEN) {
        end.add("// the first tokens' states were copied out: their gradient goes back to those rows\n")
            .beginControlFlow("for (int s = 0; s < b; s++)")
            .beginControlFlow("for (int i = 0; i < $L; i++)", h)
            .addStatement("ws.dx[s * t][i] += ws.d$LInput[s][i]", capital)
            .endControlFlow()
            .endControlFlow();
      } else if (op.input() == Op.TaskHead.Input.POOLED) {
        end.addStatement("pooledUsed = true");
      }
      body.serial(end.endControlFlow().build());
    });
  }

  // ================================================================================================
  // The workspace
  // ================================================================================================

  private void bufferDeclarations() {
    String h = String.valueOf(hidden);
    String e = String.valueOf(embeddingSize);
    String f = String.valueOf(intermediate);
    String d = String.valueOf(headSize());
    String l = String.valueOf(layers);
    for (String name : new String[] {"embedded", "embeddingNorm"}) {
      buffer(name, "the embeddings", "n", e);
    }
    if (hiddenDropout > 0) {
      buffer("embeddingKeep", "the embeddings' dropout", "n", e);
      buffer("embeddingOut", "the embeddings' dropout", "n", e);
    }
    buffer("embeddingMean", "the embeddings' LayerNorm statistics", "n");
    buffer("embeddingRstd", "the embeddings' LayerNorm statistics", "n");
    if (mapped) {
      buffer("mapped", "the embeddings mapped to the hidden width", "n", h);
    }
    if (preNorm) {
      buffer("normedInput", "a layer's activations", l, "n", h);
    }
    for (String name : new String[] {"q", "k", "v", "context", "attentionDense", "attentionSum", "attentionOut", "outputDense", "outputSum", "out"}) {
      if (!(preNorm && name.equals("outputSum"))) {
        buffer(name, "a layer's activations", l, "n", h);
      }
    }
    if (hiddenDropout > 0) {
      buffer("attentionDenseKeep", "a layer's dropout", l, "n", h);
      buffer("outputDenseKeep", "a layer's dropout", l, "n", h);
    }
    buffer("inner", "a layer's feed-forward", l, "n", f);
    buffer("activated", "a layer's feed-forward", l, "n", f);
    for (String name : new String[] {"attentionMean", "attentionRstd", "outputMean", "outputRstd"}) {
      buffer(name, "a layer's LayerNorm statistics", l, "n");
    }
    for (String name : new String[] {"qh", "kh", "vh", "contextH"}) {
      buffer(name, "a layer's attention, per (sequence, head) item", l, "items", "maxLength", d);
    }
    buffer("probabilities", "a layer's attention probabilities", l, "items", "maxLength", "maxLength");
    if (attentionDropout > 0) {
      buffer("probabilitiesKeep", "a layer's attention dropout", l, "items", "maxLength", "maxLength");
    }
    buffer("dropped", "a layer's dropped-out probabilities", l, "items", "maxLength", "maxLength");
    String[] pooling = pooler ? new String[] {"cls", "pooledPre", "pooled", "dCls", "dPooled", "dPooledPre"} : new String[] {"pooled", "dPooled"};
    for (String name : pooling) {
      buffer(name, pooler ? "the pooler" : "the pooled first token", "maxBatch", h);
    }
    if (nsp) {
      buffer("nspLogits", "the pair head", "maxBatch", "2");
      buffer("dNsp", "the pair head", "maxBatch", "2");
    }
    for (String name : new String[] {"selected", "transform", "transformActivated", "transformOut", "dTransformOut", "dTransformActivated",
        "dTransform", "dSelected"}) {
      buffer(name, "the MLM head", "maxPredictions", name.equals("selected") || name.equals("dSelected") ? h : e);
    }
    buffer("transformMean", "the MLM head's LayerNorm statistics", "maxPredictions");
    buffer("transformRstd", "the MLM head's LayerNorm statistics", "maxPredictions");
    buffer("mlmLogits", "the MLM head", "maxPredictions", String.valueOf(vocab));
    buffer("dMlm", "the MLM head", "maxPredictions", String.valueOf(vocab));
    for (String name : new String[] {"dx", "dSum", "dDense", "dContext", "dq", "dk", "dv"}) {
      buffer(name, "backward scratch", "n", h);
    }
    if (mapped) {
      buffer("dEmbedding", "backward scratch", "n", e);
      buffer("dEmbedded", "backward scratch", "n", e);
    }
    buffer("dInner", "backward scratch", "n", f);
    for (String name : new String[] {"dqh", "dkh", "dvh", "dContextH"}) {
      buffer(name, "backward scratch", "items", "maxLength", d);
    }
    buffer("dProbabilities", "backward scratch", "items", "maxLength", "maxLength");
  }

  private TypeSpec workspaceType() {
    TypeSpec.Builder type = TypeSpec.classBuilder("Workspace")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(ACTIVATIONS)
        .addJavadoc("Every activation, dropout mask and backward buffer of one pass, allocated once for {@code maxBatch}\n"
            + "sequences of up to {@code maxLength} positions and {@code maxPredictions} MLM positions in all. One caller at a\n"
            + "time.\n");
    for (String name : new String[] {"maxBatch", "maxLength", "maxPredictions"}) {
      type.addField(TypeName.INT, name, Modifier.PRIVATE, Modifier.FINAL);
    }
    type.addField(TypeName.INT, "batch", Modifier.PRIVATE);
    type.addField(TypeName.INT, "length", Modifier.PRIVATE);
    type.addField(TypeName.INT, "predictions", Modifier.PRIVATE);
    type.addField(ArrayTypeName.of(TypeName.INT), "predictionRows", Modifier.PRIVATE, Modifier.FINAL);
    boolean positionIds = graph.ops(Op.PositionEncoding.class).stream().anyMatch(op -> op.offset() > 0);
    if (positionIds) {
      type.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.INT), "positionIds", Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("The position row of each row of the last batch.\n").build());
    }
    CodeBlock.Builder init = CodeBlock.builder()
        .beginControlFlow("if (maxBatch <= 0 || maxLength <= 0 || maxPredictions < 0)")
        .addStatement("throw new $T(\"workspace capacity must be positive, got \" + maxBatch + \" × \" + maxLength + \", \" + maxPredictions"
            + " + \" predictions\")", IllegalArgumentException.class)
        .endControlFlow()
        .beginControlFlow("if (maxLength > $L)", longest)
        .addStatement("throw new $T(\"sequence capacity \" + maxLength + \" exceeds the model's $L positions\")", IllegalArgumentException.class,
            longest)
        .endControlFlow()
        .addStatement("this.maxBatch = maxBatch").addStatement("this.maxLength = maxLength").addStatement("this.maxPredictions = maxPredictions")
        .addStatement("int n = maxBatch * maxLength").addStatement("int items = maxBatch * $L", heads)
        .addStatement("predictionRows = new int[maxPredictions]");
    if (positionIds) {
      init.addStatement("positionIds = new int[n]");
    }
    String lastDoc = null;
    for (Buffer buffer : buffers) {
      TypeName t = TypeName.FLOAT;
      for (int i = 0; i < buffer.dims().size(); i++) {
        t = ArrayTypeName.of(t);
      }
      type.addField(t, buffer.name(), Modifier.PRIVATE, Modifier.FINAL);
      if (!buffer.doc().equals(lastDoc)) {
        init.add("// $L\n", buffer.doc());
        lastDoc = buffer.doc();
      }
      init.addStatement("$L = new float[$L]", buffer.name(), String.join("][", buffer.dims()));
    }
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addParameter(TypeName.INT, "maxBatch").addParameter(TypeName.INT, "maxLength").addParameter(TypeName.INT, "maxPredictions")
        .addCode(init.build()).build());
    for (String name : new String[] {"maxBatch", "maxLength", "maxPredictions", "predictions"}) {
      type.addMethod(override(name, TypeName.INT).addStatement("return $L", name).build());
    }
    type.addMethod(override("hidden", VECTOR).addParameter(TypeName.INT, "row").addStatement("return out[$L][row]", layers - 1).build());
    type.addMethod(override("pooled", VECTOR).addParameter(TypeName.INT, "b").addStatement("return pooled[b]").build());
    type.addMethod(override("mlmLogits", VECTOR).addParameter(TypeName.INT, "i").addStatement("return mlmLogits[i]").build());
    type.addMethod(override("predictionRow", TypeName.INT).addParameter(TypeName.INT, "i").addStatement("return predictionRows[i]").build());
    type.addMethod(nsp
        ? override("nspLogits", VECTOR).addParameter(TypeName.INT, "b").addStatement("return nspLogits[b]").build()
        : absent("nspLogits", "b", "an NSP head"));
    type.addMethod(taskHeads.contains("sequence")
        ? override("sequenceLogits", VECTOR).addParameter(TypeName.INT, "b").addStatement("return sequenceLogits[b]").build()
        : absent("sequenceLogits", "b", "a sequence-classification head"));
    type.addMethod(taskHeads.contains("token")
        ? override("tokenLogits", VECTOR).addParameter(TypeName.INT, "row").addStatement("return tokenLogits[row]").build()
        : absent("tokenLogits", "row", "a token-classification head"));
    return type.build();
  }

  private MethodSpec absent(String name, String parameter, String what) {
    return override(name, VECTOR).addParameter(TypeName.INT, parameter)
        .addStatement("throw new $T($S)", UnsupportedOperationException.class, model.name() + " has no " + what)
        .build();
  }
}
