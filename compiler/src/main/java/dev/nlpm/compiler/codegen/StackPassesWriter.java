package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.graph.LayerGraph;
import dev.nlpm.compiler.graph.Mask;
import dev.nlpm.compiler.graph.NormPosition;
import dev.nlpm.compiler.graph.Op;
import dev.nlpm.compiler.graph.Parameter;
import dev.nlpm.compiler.graph.Storage;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.TransformerStack;
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
 * The emitters every transformer stack's generated passes share: each op kind of the layer graph
 * (embeddings, positions, LayerNorm, the embedding mapping, dropout, residual, multi-head attention,
 * feed-forward, the repeated layers) has one emitter here that writes the op's forward code and its
 * backward code side by side, as plain Java over the runtime's ops ({@code dev.nlpm.runtime.ops}),
 * every size a literal, as llm.c writes {@code gpt2_forward}. The forward is composed in the graph's
 * order, the backward from the same ops in reverse; each op's code is headed by its line of the
 * graph's dump. Row-wise statements over the same rows that follow one another run in one {@code
 * Parallel.forRange}; a row's numbers never depend on the range it was computed in, so the thread
 * count changes no bit.
 *
 * <p>The emitters read the ops and their fields, not the family: a LayerNorm's position says
 * whether it normalizes a sublayer's input (pre-LayerNorm), its residual sum (post) or the stack's
 * output (final), a position op its kind and row offset (RoBERTa's), a repeated block's storage
 * which slots every layer shares (ALBERT's, their gradients summed over the uses), a linear op
 * before the layers maps factorized embeddings to the hidden width, an attention op its mask and
 * whether its query, key and value come from one fused projection (GPT-2's {@code c_attn}). A
 * family's writer ({@link PassesWriter} for encoders, {@link DecoderPassesWriter} for decoders)
 * adds the rest: the class and its runtime interface, the batch the methods take, the heads and
 * their losses, and the workspace's accessors.
 */
abstract class StackPassesWriter extends SourceWriter {

  static final String OPS = "dev.nlpm.runtime.ops";
  static final String ENCODER = "dev.nlpm.runtime.encoder";
  static final ClassName EMBEDDING = ClassName.get(OPS, "Embedding");
  static final ClassName LAYER_NORM = ClassName.get(OPS, "LayerNorm");
  static final ClassName LINEAR = ClassName.get(OPS, "Linear");
  static final ClassName DROPOUT = ClassName.get(OPS, "Dropout");
  static final ClassName RESIDUAL = ClassName.get(OPS, "Residual");
  static final ClassName ATTENTION = ClassName.get(OPS, "Attention");
  static final ClassName MASK = ClassName.get(OPS, "AttentionMask");
  static final ClassName ACTIVATION = ClassName.get(OPS, "Activation");
  static final ClassName CROSS_ENTROPY = ClassName.get(OPS, "CrossEntropy");
  static final ClassName FF_ACTIVATION = ClassName.get(ENCODER, "FeedForwardActivation");
  static final ClassName KERNELS = ClassName.get("dev.nlpm.runtime.kernels", "ProductKernels");
  static final ClassName PARAMETERS = ClassName.get("dev.nlpm.runtime.parameters", "ParameterRows");
  static final ClassName PARALLEL = ClassName.get("dev.nlpm.runtime.kernels", "Parallel");
  static final ClassName RANDOM = ClassName.get("java.util", "SplittableRandom");
  static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  static final TypeName ROWS = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
  static final TypeName VECTOR = ArrayTypeName.of(TypeName.FLOAT);

  final LayerGraph graph;
  /** Each per-layer checkpoint name template the passes read, by the constant that holds its names. */
  private final Map<String, String> layerNameTemplates = new LinkedHashMap<>();
  final ClassName workspace;
  final int vocab;
  final int hidden;
  final int layers;
  final int heads;
  final int intermediate;
  final int maxLength;
  final int segments;
  /** The width of the embeddings (ALBERT's factorized E; the hidden width otherwise). */
  final int embeddingSize;
  final float hiddenDropout;
  final float attentionDropout;
  final String activation;
  /** Whether a linear op maps the embeddings to the hidden width before the layers. */
  final boolean mapped;
  /** Whether the layers normalize a sublayer's input (pre-LayerNorm) rather than its residual sum. */
  final boolean preNorm;
  /** Whether attention's query, key and value come from one fused projection (GPT-2's {@code c_attn}) rather than three. */
  final boolean fused;
  /** The per-layer slot names (with {@code {}}) that every layer shares: stored once, as layer 0's. */
  final Set<String> shared;
  /** The workspace's buffers, in the order the emitters ask for them. */
  private final List<Buffer> buffers = new ArrayList<>();

  /**
   * One buffer of the workspace: {@code float[dims…]}, a row an array.
   *
   * @param dims the Java expressions of its sizes (in the workspace constructor: maxBatch,
   *     maxLength, n = maxBatch·maxLength, items = maxBatch·heads, literals, and the family's own)
   */
  private record Buffer(String name, List<String> dims, String doc) {}

  StackPassesWriter(LayerGraph graph, Embeddings embeddings, TransformerStack stack) {
    super(graph.model());
    this.graph = graph;
    this.workspace = ClassName.get(model.javaPackage(), simpleName(), "Workspace");
    this.vocab = embeddings.vocab().size();
    this.hidden = stack.hidden();
    this.layers = stack.layers();
    this.heads = stack.heads();
    this.intermediate = stack.intermediate();
    this.maxLength = embeddings.maxLength();
    this.segments = embeddings.segments();
    this.embeddingSize = embeddings.size();
    this.hiddenDropout = (float) stack.dropout().hidden();
    this.attentionDropout = (float) stack.dropout().attention();
    this.activation = stack.activation().name();
    this.mapped = graph.ops().stream().anyMatch(op -> op instanceof Op.Linear);
    this.preNorm = graph.ops(Op.LayerNorm.class).stream().anyMatch(n -> n.position() == NormPosition.PRE);
    this.fused = graph.ops(Op.MultiHeadAttention.class).stream().anyMatch(a -> a.inputs().size() == 1);
    this.shared = sharedSlots(graph);
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

  @Override
  String simpleName() {
    return model.name() + "Passes";
  }

  // ================================================================================================
  // What a family's writer says: the batch its methods take
  // ================================================================================================

  /**
   * The expression of an input of the batch by its name ({@code ids}, {@code segments}, {@code
   * lengths}) in any method; null for an input the family's batch does not have.
   */
  abstract String input(String name);

  /** Declares the batch's parameters on a layer method (after {@code l} and {@code x}). */
  abstract void addBatchParameters(MethodSpec.Builder method);

  /** The batch's arguments, as a layer method's call passes them on. */
  abstract String batchArguments();

  /** {@code int b}, {@code int t} and {@code int n = b * t} from the batch, at a method's top. */
  abstract CodeBlock batchLocals();

  /**
   * Whether a layer draws its dropout masks when it starts, the residual branches' first and then
   * attention's, each of attention's rows over the workspace's whole capacity (the runtime {@code
   * Decoder}'s order, kept so that a seed keeps its masks), rather than each where its op runs.
   */
  boolean masksDrawnFirst() {
    return false;
  }

  // ================================================================================================
  // Method bodies: serial statements, and row-wise statements run in parallel ranges
  // ================================================================================================

  /**
   * A method body under construction: the parameter lookups it needs (declared at its top),
   * serial statements, and row-wise statements over {@code [from, to)}; consecutive row-wise
   * statements over the same rows and grain share one {@code parallel.forRange}.
   */
  final class Body {
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
  String layerNames(String template) {
    String constant = template.replace("{}.", "").replaceAll("[^A-Za-z0-9]+", "_").toUpperCase(Locale.ROOT);
    layerNameTemplates.putIfAbsent(constant, template);
    return constant;
  }

  /** The per-layer name constants and the method that fills them, once, when the class loads. */
  void addLayerNames(TypeSpec.Builder type) {
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

  static String camel(String name) {
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
  final class Pass {
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
    /** With {@link #masksDrawnFirst}: the residual branches' masks, then attention's, drawn before the ops run. */
    private final CodeBlock.Builder branchMasks = CodeBlock.builder();
    private final CodeBlock.Builder attentionMasks = CodeBlock.builder();

    /** Draws a dropout mask: where its op runs, or with {@link #masksDrawnFirst} before the level's ops, a branch's before attention's. */
    void drawMask(CodeBlock drawing, boolean attention) {
      if (!masksDrawnFirst()) {
        forward.serial(drawing);
      } else {
        (attention ? attentionMasks : branchMasks).add(drawing);
      }
    }

    /** The masks drawn before the level's ops (empty unless {@link #masksDrawnFirst}). */
    CodeBlock masks() {
      return CodeBlock.builder().add(branchMasks.build()).add(attentionMasks.build()).build();
    }

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

  static String f(float value) {
    return Float.toString(value) + "f";
  }

  int headSize() {
    return hidden / heads;
  }

  void buffer(String name, String doc, String... dims) {
    buffers.add(new Buffer(name, List.of(dims), doc));
  }

  /**
   * The buffers of the stack's forward pass (embeddings, each layer's activations, statistics,
   * dropout masks and attention, the final norm), in the workspace constructor's terms: {@code n}
   * rows, {@code items} (sequence, head) pairs of {@code maxLength} positions.
   */
  void stackBuffers() {
    String h = String.valueOf(hidden);
    String e = String.valueOf(embeddingSize);
    String f = String.valueOf(intermediate);
    String d = String.valueOf(headSize());
    String l = String.valueOf(layers);
    boolean embeddingNorm = graph.ops(Op.LayerNorm.class).stream().anyMatch(n -> n.position() == NormPosition.EMBEDDINGS);
    buffer("embedded", "the embeddings", "n", e);
    if (embeddingNorm) {
      buffer("embeddingNorm", "the embeddings", "n", e);
    }
    if (hiddenDropout > 0) {
      buffer("embeddingKeep", "the embeddings' dropout", "n", e);
      buffer("embeddingOut", "the embeddings' dropout", "n", e);
    }
    if (embeddingNorm) {
      buffer("embeddingMean", "the embeddings' LayerNorm statistics", "n");
      buffer("embeddingRstd", "the embeddings' LayerNorm statistics", "n");
    }
    if (mapped) {
      buffer("mapped", "the embeddings mapped to the hidden width", "n", h);
    }
    if (preNorm) {
      buffer("normedInput", "a layer's activations", l, "n", h);
    }
    if (fused) {
      buffer("qkv", "a layer's activations", l, "n", String.valueOf(3 * hidden));
    }
    for (String name : new String[] {"q", "k", "v", "context", "attentionDense", "attentionSum", "attentionOut", "outputDense", "outputSum", "out"}) {
      if (!(preNorm && name.equals("outputSum")) && !(fused && name.length() == 1)) {
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
    if (graph.ops(Op.LayerNorm.class).stream().anyMatch(n -> n.position() == NormPosition.FINAL)) {
      buffer("finalOut", "the final LayerNorm", "n", h);
      buffer("finalMean", "the final LayerNorm's statistics", "n");
      buffer("finalRstd", "the final LayerNorm's statistics", "n");
    }
  }

  /** The stack's backward scratch buffers. */
  void stackScratch() {
    String h = String.valueOf(hidden);
    String e = String.valueOf(embeddingSize);
    for (String name : new String[] {"dx", "dSum", "dDense", "dContext", "dq", "dk", "dv"}) {
      if (!(fused && name.length() == 2 && name.charAt(0) == 'd' && "qkv".indexOf(name.charAt(1)) >= 0)) {
        buffer(name, "backward scratch", "n", h);
      }
    }
    if (fused) {
      buffer("dqkv", "backward scratch", "n", String.valueOf(3 * hidden));
    }
    if (mapped) {
      buffer("dEmbedding", "backward scratch", "n", e);
      buffer("dEmbedded", "backward scratch", "n", e);
    }
    buffer("dInner", "backward scratch", "n", String.valueOf(intermediate));
    for (String name : new String[] {"dqh", "dkh", "dvh", "dContextH"}) {
      buffer(name, "backward scratch", "items", "maxLength", String.valueOf(headSize()));
    }
    buffer("dProbabilities", "backward scratch", "items", "maxLength", "maxLength");
  }

  /** The buffers as the workspace's fields, allocated in its constructor ({@code init}), each group headed by its comment. */
  void addBuffers(TypeSpec.Builder type, CodeBlock.Builder init) {
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
  }

  static MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
  }

  MethodSpec layerForward(Pass pass) {
    MethodSpec.Builder method = MethodSpec.methodBuilder("layerForward").addModifiers(Modifier.PRIVATE).returns(ROWS)
        .addJavadoc("Layer {@code l} over its input {@code x}; returns its output.\n")
        .addParameter(TypeName.INT, "l").addParameter(ROWS, "x");
    addBatchParameters(method);
    return method.addParameter(workspace, "ws").addParameter(RANDOM, "random")
        .addCode(batchLocals())
        .addStatement("$T p = parameters", PARAMETERS)
        .addCode(pass.masks())
        .addCode(pass.forwardCode())
        .addStatement("return $L", pass.stream)
        .build();
  }

  MethodSpec layerBackward(Pass pass) {
    MethodSpec.Builder method = MethodSpec.methodBuilder("layerBackward").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Layer {@code l}'s backward: on entry {@code ws.dx} holds d(layer output), on exit d(layer input {@code x}).\n")
        .addParameter(TypeName.INT, "l").addParameter(ROWS, "x");
    addBatchParameters(method);
    return method.addParameter(workspace, "ws").addParameter(PARAMETERS, "g")
        .addCode(batchLocals())
        .addStatement("$T p = parameters", PARAMETERS)
        .addCode(pass.backwardCode())
        .build();
  }

  // ================================================================================================
  // The ops, each kind's forward and backward side by side
  // ================================================================================================

  void addInLayer(Op op, Pass layer, boolean last) {
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
  void addEmbedding(Op.Embedding op, Pass pass, CodeBlock.Builder checks) {
    boolean words = op.label().equals("tokens");
    String ids = words ? "ids" : "segments";
    int entries = words ? vocab : segments;
    int e = op.table().shape().get(1).size();
    if (!input(ids).equals(ids)) {
      checks.addStatement("int[] $L = $L", ids, input(ids));
    }
    checks.beginControlFlow("for (int r = 0; r < n; r++)")
        .beginControlFlow("if ($L[r] < 0 || $L[r] >= $L)", ids, ids, entries)
        .addStatement("throw new $T(\"$L \" + $L[r] + \" at row \" + r + \" is outside $L0..$L\")", IllegalArgumentException.class,
            words ? "token id" : "segment", ids, words ? "the vocabulary " : "", entries - 1)
        .endControlFlow()
        .endControlFlow();
    if (words && segments == 0 && input("segments") != null) {
      // no token-type table reads the segments: each must be 0
      checks.addStatement("int[] segments = $L", input("segments"))
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
        .addStatement("$T.backward($L, $L, $L, $L, 0, n)", EMBEDDING, pass.dStream, input(ids), body.matrix("g", op.table()), e)
        .build()));
  }

  /**
   * Positions added to the embeddings: a learned table's rows (the token's index, or RoBERTa's
   * rows past the padding row), the fixed sinusoid table's (no gradient), or none.
   */
  void addPositions(Op.PositionEncoding op, Pass pass, CodeBlock.Builder checks) {
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
              .addStatement("int[] lengths = $L", input("lengths"))
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

  /** The fixed sinusoid table {@link #addPositions} reads, as a constant of the class, when the positions are sinusoidal. */
  void addSinusoids(TypeSpec.Builder type) {
    graph.ops(Op.PositionEncoding.class).stream().filter(op -> op.kind() == Positions.SINUSOIDAL).findFirst().ifPresent(op -> type.addField(
        FieldSpec.builder(ROWS, "SINUSOIDS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The fixed sinusoidal positions, $L × $L.\n", op.maxLength(), op.width())
            .initializer("$T.sinusoids($L, $L)", EMBEDDING, op.maxLength(), op.width())
            .build()));
  }

  /** Where a LayerNorm keeps its output and statistics (its input is the stream). */
  record NormBuffers(String out, String mean, String rstd) {}

  /**
   * A LayerNorm's buffers, by what it normalizes: the embeddings; a sublayer's input (pre), which
   * for the feed-forward sublayer is the attention's residual sum; or a residual sum (post).
   */
  static NormBuffers normBuffers(Op.LayerNorm op) {
    boolean pre = op.position() == NormPosition.PRE;
    return switch (op.label()) {
      case "embeddings" -> new NormBuffers("ws.embeddingNorm", "ws.embeddingMean", "ws.embeddingRstd");
      case "attention" -> new NormBuffers(pre ? "ws.normedInput[l]" : "ws.attentionOut[l]", "ws.attentionMean[l]", "ws.attentionRstd[l]");
      case "feed-forward" -> new NormBuffers(pre ? "ws.attentionOut[l]" : "ws.out[l]", "ws.outputMean[l]", "ws.outputRstd[l]");
      case "final" -> new NormBuffers("ws.finalOut", "ws.finalMean", "ws.finalRstd");
      default -> throw new IllegalStateException("no buffers for " + op.line());
    };
  }

  /**
   * LayerNorm of the stream: of the summed embeddings, of a sublayer's input (pre-LayerNorm: the
   * stream stays the residual's input), of a residual sum (post-LayerNorm), or of the last layer's
   * output (a pre-LayerNorm stack's final norm).
   */
  void addLayerNorm(Op.LayerNorm op, Pass pass) {
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
      } else if (op.position() == NormPosition.FINAL) {
        // the layers' backward starts from d(last layer's output) in dx
        body.ranged("n", 8, CodeBlock.builder()
            .add("// $L: d(last layer's output) into dx\n", op.line())
            .addStatement("$T.backward($L, $L, $L, $L, $L, ws.dx, false, null, null, from, to)", LAYER_NORM, dOut, inInBackward,
                body.vector("p", op.gain()), at.mean(), at.rstd())
            .build());
        body.serial("$T.parameterGradients($L, $L, $L, $L, $L, $L, 0, n)", LAYER_NORM, dOut, inInBackward, at.mean(), at.rstd(),
            body.vector("g", op.gain()), body.vector("g", op.bias()));
        pass.dStream = "ws.dx";
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
  void addMapping(Op.Linear op, Pass pass) {
    addMapping(op, pass, "ws.mapped", "ws.dEmbedding");
  }

  /**
   * A linear op outside the layers, with a bias, its weight held {@code [in][out]}, from the stream
   * into {@code out} (which becomes the stream), its backward writing d(input) into {@code dIn}
   * (overwritten): the embeddings' map to the hidden width, or a decoder's map of its last hidden
   * state back to the tied embeddings' width    [n, in] → [n, out].
   */
  void addMapping(Op.Linear op, Pass pass, String out, String dIn) {
    String in = pass.stream;
    String inInBackward = pass.streamInBackward;
    pass.forward.ranged("n", 4, CodeBlock.builder()
        .add("// $L    [n, $L]\n", op.line(), op.out())
        .addStatement("$T.forward(kernels, $L, $L, $L, $L, $L, false, from, to)", LINEAR, in, pass.forward.matrix("p", op.weight()),
            op.in(), pass.forward.vector("p", op.bias().orElseThrow()), out)
        .build());
    pass.stream = out;
    pass.streamInBackward = out;
    pass.backward(body -> {
      String dOut = pass.dStream;
      body.comment("$L: its weights, bias, and d(input) = d(out) · W    [n, $L]", op.line(), op.in());
      body.ranged(String.valueOf(op.in()), 8, "$T.backwardWeights(kernels, $L, $L, n, $L, from, to)", LINEAR, inInBackward, dOut,
          body.matrix("g", op.weight()));
      body.serial("$T.backwardBias($L, n, $L)", LINEAR, dOut, body.vector("g", op.bias().orElseThrow()));
      body.ranged("n", 4, "$T.backwardInput(kernels, $L, $L, $L, $L, false, from, to)", LINEAR, dOut,
          body.matrix("p", op.weight()), op.in(), dIn);
      pass.dStream = dIn;
    });
  }

  /**
   * Dropout: of the embeddings' output (drawn and applied here), or of a sublayer's output (drawn
   * here, applied by the residual that follows).
   */
  void addDropout(Op.Dropout op, Pass pass) {
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
    pass.drawMask(CodeBlock.builder()
        .add("// $L: the keep factors, applied by the residual\n", op.line())
        .addStatement("float[][] $L = random != null ? $L : null", local, saved)
        .beginControlFlow("if ($L != null)", local)
        .addStatement("$T.draw($L, $L, $L, random, 0, n)", DROPOUT, local, hidden, f(rate))
        .endControlFlow()
        .build(), false);
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
  void addResidual(Op.Residual op, Pass pass, boolean last) {
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
  static boolean takeInput(Pass pass) {
    boolean preNormed = pass.preNormed;
    if (!preNormed) {
      pass.residualInput = pass.stream;
    }
    pass.preNormed = false;
    return preNormed;
  }

  /**
   * Self-attention under its mask (padding, causal): q, k, v (three projections, or one fused
   * projection whose columns 0, h and 2h they are), the heads' weighted sums, the output projection.
   */
  void addAttention(Op.MultiHeadAttention op, Pass pass) {
    int h = hidden;
    int d = headSize();
    // where q, k and v are (a buffer and its first column), and their gradients
    String[] outs = fused ? new String[] {"ws.qkv[l]"} : new String[] {"ws.q[l]", "ws.k[l]", "ws.v[l]"};
    String[] ds = fused ? new String[] {"ws.dqkv"} : new String[] {"ws.dq", "ws.dk", "ws.dv"};
    String qkvAt = fused ? "ws.qkv[l], 0, ws.qkv[l], " + h + ", ws.qkv[l], " + 2 * h : "ws.q[l], 0, ws.k[l], 0, ws.v[l], 0";
    String dqkvAt = fused ? "ws.dqkv, 0, ws.dqkv, " + h + ", ws.dqkv, " + 2 * h : "ws.dq, 0, ws.dk, 0, ws.dv, 0";
    CodeBlock mask = switch (op.mask()) {
      case PADDING -> CodeBlock.of("$T.padding($L)", MASK, input("lengths"));
      case CAUSAL -> CodeBlock.of("$T.causal()", MASK);
      default -> throw new IllegalStateException("no emitter for the " + op.mask().label() + " mask of " + op.line());
    };
    String x = pass.stream;
    String input = pass.streamInBackward;
    boolean preNormed = takeInput(pass);
    Body fw = pass.forward;
    CodeBlock.Builder qkv = CodeBlock.builder().add("// $L\n", op.line())
        .add(fused ? "// [q k v] = x · W + b    [n, $L]\n" : "// q, k, v = x · W + b    [n, $L]\n", fused ? 3 * h : h);
    for (int i = 0; i < outs.length; i++) {
      Op.Linear in = op.inputs().get(i);
      qkv.addStatement("$T.forward(kernels, $L, $L, $L, $L, $L, false, from, to)", LINEAR, x, fw.matrix("p", in.weight()), h,
          fw.vector("p", in.bias().orElseThrow()), outs[i]);
    }
    fw.ranged("n", 4, qkv.build());
    CodeBlock.Builder draw = CodeBlock.builder();
    if (op.dropout() > 0) {
      // drawn with the layer's other masks, each row over the workspace's capacity; or here, over the batch's length
      String width = masksDrawnFirst() ? "ws.maxLength" : "t";
      draw.addStatement("float[][][] probabilitiesKeep = random != null ? ws.probabilitiesKeep[l] : null")
          .beginControlFlow("if (probabilitiesKeep != null)")
          .add(masksDrawnFirst() ? "// the probabilities' dropout, a (sequence, head) item at a time, each row over the workspace's capacity\n"
              : "// the probabilities' dropout, a (sequence, head) item at a time\n")
          .beginControlFlow("for (int sh = 0; sh < b * $L; sh++)", heads)
          .addStatement("$T.draw(probabilitiesKeep[sh], $L, $L, random, 0, t)", DROPOUT, width, f(attentionDropout))
          .endControlFlow()
          .endControlFlow();
    } else {
      draw.addStatement("float[][][] probabilitiesKeep = null");
    }
    pass.drawMask(draw.build(), true);
    fw.serial("$T mask = $L", MASK, mask);
    fw.ranged("b * " + heads, 1, CodeBlock.builder()
        .add("// per (sequence, head): softmax(q·kᵀ/√$L + $L mask), dropped out, · v    [b·$L, t, $L]\n", d, op.mask().label(), heads, d)
        .addStatement("$T.forward(kernels, $L, t, $L, $L, mask, ws.qh[l], ws.kh[l], ws.vh[l],"
            + " ws.probabilities[l], probabilitiesKeep, ws.dropped[l], ws.contextH[l], ws.context[l], from, to)", ATTENTION, qkvAt, heads, d)
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
          .addStatement("$T mask = $L", MASK, mask)
          .build());
      body.ranged("b * " + heads, 1, "$T.backward(kernels, ws.dContext, t, $L, $L, mask, ws.qh[l], ws.kh[l], ws.vh[l], ws.probabilities[l],"
          + " probabilitiesKeep, ws.dropped[l], ws.dContextH, ws.dProbabilities, ws.dqh, ws.dkh, ws.dvh, $L, from, to)", ATTENTION, heads, d,
          dqkvAt);
      CodeBlock.Builder weights = CodeBlock.builder();
      for (int i = 0; i < ds.length; i++) {
        weights.addStatement("$T.backwardWeights(kernels, $L, $L, n, $L, from, to)", LINEAR, input, ds[i],
            body.matrix("g", op.inputs().get(i).weight()));
      }
      body.ranged(String.valueOf(h), 8, weights.build());
      CodeBlock.Builder biases = CodeBlock.builder();
      for (int i = 0; i < ds.length; i++) {
        biases.addStatement("$T.backwardBias($L, n, $L)", LINEAR, ds[i], body.vector("g", op.inputs().get(i).bias().orElseThrow()));
      }
      body.serial(biases.build());
      String dInput = preNormed ? "ws.dSum" : "ws.dx";
      CodeBlock.Builder inputs = CodeBlock.builder().add(preNormed ? "// d(x) = Σ d· Wᵀ, into dSum\n" : "// d(x) += Σ d· Wᵀ\n");
      for (int i = 0; i < ds.length; i++) {
        inputs.addStatement("$T.backwardInput(kernels, $L, $L, $L, $L, $L, from, to)", LINEAR, ds[i],
            body.matrix("p", op.inputs().get(i).weight()), h, dInput, !preNormed || i > 0);
      }
      body.ranged("n", 4, inputs.build());
      pass.dStream = dInput;
    });
  }

  /** {@code down(act(up(x)))}. */
  void addFeedForward(Op.FeedForward op, Pass pass) {
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
  void addLayers(Op.Repeat op, Pass pass, Pass layer) {
    for (int i = 0; i < op.body().size(); i++) {
      addInLayer(op.body().get(i), layer, i == op.body().size() - 1);
    }
    String input = pass.stream;
    String inputInBackward = pass.streamInBackward;
    pass.forward.serial(CodeBlock.builder()
        .add("// $L\n", op.line())
        .addStatement("float[][] x = $L", input)
        .beginControlFlow("for (int l = 0; l < $L; l++)", op.count())
        .addStatement("x = layerForward(l, x, $L, ws, random)", batchArguments())
        .endControlFlow()
        .addStatement("float[][] hidden = x")
        .build());
    pass.stream = "hidden";
    pass.streamInBackward = "ws.out[" + (op.count() - 1) + "]";
    pass.backward(body -> body.serial(CodeBlock.builder()
        .add("// $L, last first\n", op.line())
        .beginControlFlow("for (int l = $L; l >= 0; l--)", op.count() - 1)
        .addStatement("layerBackward(l, l == 0 ? $L : ws.out[l - 1], $L, ws, g)", inputInBackward, batchArguments())
        .endControlFlow()
        .build()));
  }

  /** tanh(first token's state · W + b); its backward runs when a head used the pooled output. */
}
