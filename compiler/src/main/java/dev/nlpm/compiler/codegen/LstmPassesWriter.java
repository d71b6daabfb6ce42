package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.graph.LayerGraph;
import dev.nlpm.compiler.graph.Loss;
import dev.nlpm.compiler.graph.Op;
import dev.nlpm.compiler.graph.Parameter;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Passes} for an {@code lstm_lm}: the runtime's {@code LstmPasses} as plain
 * Java over the runtime's ops ({@code dev.nlpm.runtime.ops}), every size a literal (the vocabulary
 * too, unless it is built at run time), composed from the layer graph as {@link PassesWriter}
 * composes an encoder's.
 *
 * <p>Each op kind has one emitter ({@link #addEmbedding}, {@link #addDropout}, {@link
 * #addRecurrent}, {@link #addLayers}, {@link #addLanguageModelHead}) that writes the op's forward,
 * its backward and its one-token decoding step side by side: the forward and the step are composed
 * in the graph's order, the backward from the same ops in reverse, each op's code headed by its
 * line of the graph's dump. An LSTM layer gets a forward and a backward method of its own (one for
 * the first layer, one for the repeated ones), each a loop over the steps, so no method grows with
 * the block length or the depth.
 *
 * <p>The passes compute what the runtime's {@code LstmLanguageModel} computes, bit for bit: the same
 * ops on the same rows in the same order (activations time-major through the recurrence, the
 * output rows sequence-major as the targets), the dropout masks drawn in the same order from the
 * same seed. A row's numbers never depend on the range of rows or units a thread computes it in, so
 * the thread count changes no bit.
 *
 * <p>{@link #gaps} says which graphs it composes: the LSTM language model's (its lowering is {@code
 * graph/LstmLowering}).
 */
final class LstmPassesWriter extends SourceWriter {

  private static final String OPS = "dev.nlpm.runtime.ops";
  private static final String LSTM = "dev.nlpm.runtime.lstm";
  private static final String ENCODER = "dev.nlpm.runtime.encoder";
  private static final ClassName EMBEDDING = ClassName.get(OPS, "Embedding");
  private static final ClassName LINEAR = ClassName.get(OPS, "Linear");
  private static final ClassName DROPOUT = ClassName.get(OPS, "Dropout");
  private static final ClassName CELL = ClassName.get(OPS, "LstmCell");
  private static final ClassName CROSS_ENTROPY = ClassName.get(OPS, "CrossEntropy");
  private static final ClassName PASSES = ClassName.get(LSTM, "LstmPasses");
  private static final ClassName CONFIG = ClassName.get(LSTM, "LstmConfig");
  private static final ClassName STATE = ClassName.get(LSTM, "LstmState");
  private static final ClassName KERNELS = ClassName.get("dev.nlpm.runtime.kernels", "ProductKernels");
  private static final ClassName PARAMETERS = ClassName.get("dev.nlpm.runtime.parameters", "ParameterRows");
  private static final ClassName PARALLEL = ClassName.get("dev.nlpm.runtime.kernels", "Parallel");
  private static final ClassName RANDOM = ClassName.get("java.util", "SplittableRandom");
  private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  private static final TypeName STEPS = ArrayTypeName.of(ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT)));
  private static final TypeName ROWS = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
  private static final TypeName VECTOR = ArrayTypeName.of(TypeName.FLOAT);

  private final LayerGraph graph;
  private final Architecture.LstmLm lstm;
  /** The vocabulary's size as the passes read it: a literal, or the field {@code vocab} when it is built at run time. */
  private final String vocab;
  private final boolean runtimeVocabulary;
  private final int gates;

  /** The fields of the generated {@code Tensors} (a parameter set's tensors by the name the ops read them under), in order. */
  private final Map<String, TensorField> tensorFields = new LinkedHashMap<>();
  /** Their lookups, in the {@code Tensors} constructor. */
  private final CodeBlock.Builder tensorLookups = CodeBlock.builder();
  /** The fields of the generated {@code Activations}, in order: name → (type, allocation or null, doc). */
  private final Map<String, ActivationField> activationFields = new LinkedHashMap<>();
  /** The {@code Tensors} field of the embedding table (whose rows count the vocabulary). */
  private String embeddingTable;
  /** Each LSTM layer's forward and backward methods. */
  private final List<MethodSpec> layerMethods = new ArrayList<>();

  private record ActivationField(TypeName type, String allocation, String doc) {}

  /** A field of the generated {@code Tensors}: a matrix or a vector, or (a layer's) an array of them over the layers. */
  private record TensorField(boolean matrix, boolean perLayer) {}

  /**
   * One level of the composition (the model's, or the body of a repeated layer): its forward and
   * decoding-step statements in the graph's order, its backward steps run in reverse.
   *
   * @param layer the layer index as this level's code names it ({@code l} in a repeated body)
   */
  private record Level(String layer, CodeBlock.Builder forward, List<CodeBlock> backward, CodeBlock.Builder step) {
    Level(String layer) {
      this(layer, CodeBlock.builder(), new ArrayList<>(), CodeBlock.builder());
    }

    CodeBlock backwardCode() {
      List<CodeBlock> reversed = new ArrayList<>(backward);
      Collections.reverse(reversed);
      return CodeBlock.join(reversed, "");
    }
  }

  private LstmPassesWriter(LayerGraph graph) {
    super(graph.model());
    List<String> gaps = gaps(graph);
    if (!gaps.isEmpty()) {
      throw new IllegalArgumentException(model.name() + ": no LSTM passes for " + String.join(", ", gaps));
    }
    this.graph = graph;
    this.lstm = (Architecture.LstmLm) model.architecture();
    this.runtimeVocabulary = lstm.vocab().runtime();
    this.vocab = runtimeVocabulary ? "vocab" : Integer.toString(lstm.vocab().size());
    this.gates = 4 * lstm.hidden();
  }

  /** {@code <Model>Passes} for {@code graph}; see {@link #gaps} for the graphs it composes. */
  static GeneratedFile generate(LayerGraph graph) {
    return new LstmPassesWriter(graph).write();
  }

  /** Whether this writer composes {@code graph}'s passes. */
  static boolean covers(LayerGraph graph) {
    return gaps(graph).isEmpty();
  }

  /**
   * What keeps this writer from composing {@code graph}'s passes; empty when it can. The one place
   * that says which recurrent language models the generated passes cover.
   */
  static List<String> gaps(LayerGraph graph) {
    if (!(graph.model().architecture() instanceof Architecture.LstmLm)) {
      return List.of("a " + graph.model().family().keyword() + ", not an lstm_lm");
    }
    List<String> gaps = new ArrayList<>();
    if (!Runnability.of(graph.model()).facade()) {
      gaps.add("a shape the runtime does not run");
    }
    for (Op op : graph.ops()) {
      String gap = gap(op, false);
      if (gap != null) {
        gaps.add(gap);
      }
    }
    return List.copyOf(gaps);
  }

  private static String gap(Op op, boolean inRepeat) {
    if (op instanceof Op.Embedding || op instanceof Op.Dropout) {
      return null;
    }
    if (op instanceof Op.Recurrent r) {
      return r.cell() != RnnCell.LSTM || r.reverse() ? op.line() : null;
    }
    if (op instanceof Op.Repeat repeat && !inRepeat && repeat.sharing() == Sharing.NONE) {
      for (Op inner : repeat.body()) {
        String gap = gap(inner, true);
        if (gap != null) {
          return gap;
        }
      }
      return null;
    }
    if (op instanceof Op.ObjectiveHead head && !inRepeat && head.loss().kind() == Loss.Kind.NEXT_TOKEN && head.body().size() == 1
        && head.body().get(0) instanceof Op.Linear) {
      return null;
    }
    return op.line();
  }

  @Override
  String simpleName() {
    return model.name() + "Passes";
  }

  // ================================================================================================
  // The class
  // ================================================================================================

  @Override
  TypeSpec.Builder type() {
    Level top = new Level("0");
    activation("batch", TypeName.INT, "b", "sequences");
    activation("length", TypeName.INT, "t", "steps");
    activation("n", TypeName.INT, "b * t", "rows: sequences × steps");
    activation("dropout", TypeName.BOOLEAN, "dropout", "whether the forward drew dropout (training)");
    for (Op op : graph.ops()) {
      add(op, top);
    }
    TypeSpec.Builder type = TypeSpec.classBuilder(simpleName())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(PASSES)
        .addJavadoc("$L's passes, composed from its layer graph: the embedding ($L wide), $L LSTM layer$L of $L, the output layer$L,\n"
            + "dropout $L. A training block of truncated BPTT, the loss of a block and the one-token decoding step, bit for\n"
            + "bit what the runtime's {@code LstmLanguageModel} computes. The parameters are only read.\n",
            model.name(), lstm.embedding(), lstm.layers(), lstm.layers() == 1 ? "" : "s", lstm.hidden(),
            lstm.tieEmbeddings() ? " (tied to the embedding)" : "", lstm.dropout());
    type.addField(CONFIG, "config", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(KERNELS, "kernels", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(PARAMETERS, "parameters", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(PARALLEL, "parallel", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(FieldSpec.builder(ClassName.get("", "Tensors"), "p", Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("The parameters' tensors.\n").build());
    if (runtimeVocabulary) {
      type.addField(FieldSpec.builder(TypeName.INT, "vocab", Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("The vocabulary's size, the parameters' (built from the data, at most $L).\n", lstm.vocab().size()).build());
    }
    type.addMethod(constructor());
    type.addMethod(override("config", CONFIG).addStatement("return config").build());
    type.addMethod(override("parameters", PARAMETERS).addStatement("return parameters").build());
    type.addMethod(override("kernels", KERNELS).addStatement("return kernels").build());
    type.addMethod(override("train", TypeName.FLOAT)
        .addParameter(int[].class, "inputs").addParameter(int[].class, "targets").addParameter(TypeName.INT, "batch")
        .addParameter(TypeName.INT, "length").addParameter(STATE, "state").addParameter(PARAMETERS, "gradients")
        .addParameter(TypeName.LONG, "seed")
        .addStatement(lstm.dropout() > 0
            ? CodeBlock.of("Activations a = forward(inputs, targets, batch, length, state, new $T(seed))", RANDOM)
            : CodeBlock.of("Activations a = forward(inputs, targets, batch, length, state, null)"))
        .addComment("the logits' gradient replaces them")
        .addStatement("float loss = $T.forwardBackward(a.logits, targets, a.n, $L, a.logits)", CROSS_ENTROPY, vocab)
        .addStatement("backward(a, new Tensors(gradients))")
        .addStatement("return loss")
        .build());
    type.addMethod(override("loss", TypeName.FLOAT)
        .addParameter(int[].class, "inputs").addParameter(int[].class, "targets").addParameter(TypeName.INT, "batch")
        .addParameter(TypeName.INT, "length").addParameter(STATE, "state")
        .addStatement("Activations a = forward(inputs, targets, batch, length, state, null)")
        .addStatement("return $T.forward(a.logits, targets, a.n, $L)", CROSS_ENTROPY, vocab)
        .build());
    type.addMethod(forward(top));
    type.addMethod(backward(top));
    type.addMethod(next(top));
    layerMethods.forEach(type::addMethod);
    type.addType(tensorsType());
    type.addType(activationsType());
    return type;
  }

  private static MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
  }

  private static String f(double value) {
    return Float.toString((float) value) + "f";
  }

  private MethodSpec constructor() {
    int declared = lstm.vocab().size();
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("The passes over {@code parameters} (of {@code $L}), the products through {@code kernels}, split over\n"
            + "{@code parallel}'s threads (null: the calling thread).\n",
            sibling("Layout").simpleName() + (runtimeVocabulary ? ".layout(vocab)" : ".LAYOUT"))
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "parameters").addParameter(PARALLEL, "parallel")
        .addStatement("this.kernels = $T.requireNonNull(kernels, $S)", Objects.class, "kernels")
        .addStatement("this.parameters = $T.requireNonNull(parameters, $S)", Objects.class, "parameters")
        .addStatement("this.parallel = parallel != null ? parallel : new $T(1)", PARALLEL)
        .addStatement("this.p = new Tensors(parameters)");
    String table = embeddingTable;
    if (runtimeVocabulary) {
      constructor.addStatement("this.vocab = p.$L.length", table)
          .beginControlFlow("if (vocab > $L)", declared)
          .addStatement("throw new $T(\"the parameters' vocabulary of \" + vocab + \" exceeds the model's $L\")", IllegalArgumentException.class,
              declared)
          .endControlFlow();
    } else {
      constructor.beginControlFlow("if (p.$L.length != $L)", table, declared)
          .addStatement("throw new $T(\"parameters of a vocabulary of \" + p.$L.length + \", not the model's $L\")",
              IllegalArgumentException.class, table, declared)
          .endControlFlow();
    }
    return constructor
        .addStatement("this.config = new $T($L, $L, $L, $L, $L)", CONFIG, vocab, lstm.embedding(), lstm.hidden(), lstm.layers(),
            f(lstm.dropout()))
        .build();
  }

  private MethodSpec forward(Level top) {
    int hidden = lstm.hidden();
    return MethodSpec.methodBuilder("forward").addModifiers(Modifier.PRIVATE).returns(ClassName.get("", "Activations"))
        .addJavadoc("The forward pass over {@code b} sequences of {@code t} tokens (row {@code s·t + i}: sequence {@code s}'s step\n"
            + "{@code i}), from the state in {@code state}, which it advances to the block's end; dropout drawn from {@code random},\n"
            + "none when it is null.\n")
        .addParameter(int[].class, "ids").addParameter(int[].class, "targets").addParameter(TypeName.INT, "b").addParameter(TypeName.INT, "t")
        .addParameter(STATE, "state").addParameter(RANDOM, "random")
        .beginControlFlow("if (ids.length != b * t || targets.length != b * t)")
        .addStatement("throw new $T(ids.length + \" inputs and \" + targets.length + \" targets for \" + b + \" sequences of \" + t)",
            IllegalArgumentException.class)
        .endControlFlow()
        .beginControlFlow("if (state.layers() != $L || state.batch() != b || state.hidden() != $L)", lstm.layers(), hidden)
        .addStatement("throw new $T(\"a state of \" + state.layers() + \" × \" + state.batch() + \" × \" + state.hidden() + \" for $L\"\n"
            + "+ \" layers, \" + b + \" sequences and $L units\")", IllegalArgumentException.class, lstm.layers(), hidden)
        .endControlFlow()
        .addStatement("Activations a = new Activations(b, t, random != null)")
        .addStatement("$T x", STEPS)
        .addCode(top.forward().build())
        .addStatement("return a")
        .build();
  }

  private MethodSpec backward(Level top) {
    return MethodSpec.methodBuilder("backward").addModifiers(Modifier.PRIVATE)
        .addJavadoc("The backward pass: the ops of {@link #forward} in reverse, from the logits' gradient in {@code a.logits}, the\n"
            + "parameters' gradients added into {@code g}.\n")
        .addParameter(ClassName.get("", "Activations"), "a").addParameter(ClassName.get("", "Tensors"), "g")
        .addStatement("int b = a.batch").addStatement("int t = a.length").addStatement("int n = a.n")
        .addStatement("$T dx", STEPS)
        .addCode(top.backwardCode())
        .build();
  }

  private MethodSpec next(Level top) {
    return override("next", TypeName.VOID)
        .addParameter(TypeName.INT, "token").addParameter(STATE, "state").addParameter(VECTOR, "logits")
        .beginControlFlow("if (token < 0 || token >= $L)", vocab)
        .addStatement("throw new $T(\"token id \" + token + \" is outside the vocabulary 0..\" + ($L - 1))", IllegalArgumentException.class, vocab)
        .endControlFlow()
        .beginControlFlow("if (state.layers() != $L || state.batch() != 1 || state.hidden() != $L)", lstm.layers(), lstm.hidden())
        .addStatement("throw new $T(\"the decoding step advances a state of one sequence\")", IllegalArgumentException.class)
        .endControlFlow()
        .addStatement("float[][] z = new float[1][$L]", gates)
        .addStatement("float[][] x")
        .addCode(top.step().build())
        .build();
  }

  // ================================================================================================
  // The ops, each kind's forward, backward and decoding step side by side
  // ================================================================================================

  private void add(Op op, Level level) {
    if (op instanceof Op.Embedding embedding) {
      addEmbedding(embedding, level);
    } else if (op instanceof Op.Dropout dropout) {
      addDropout(dropout, level);
    } else if (op instanceof Op.Recurrent recurrent) {
      addRecurrent(recurrent, level);
    } else if (op instanceof Op.Repeat repeat) {
      addLayers(repeat, level);
    } else if (op instanceof Op.ObjectiveHead head) {
      addLanguageModelHead(head, level);
    } else {
      throw new IllegalStateException("no emitter for " + op.line());
    }
  }

  /** The token ids, checked and held time-major, and each step's rows of the table. */
  private void addEmbedding(Op.Embedding op, Level level) {
    int width = lstm.embedding();
    String table = tensor(op.table(), level);
    embeddingTable = table;
    activation("ids", ArrayTypeName.of(ArrayTypeName.of(TypeName.INT)), "new int[t][b]", "the token ids, [step][sequence]");
    activation("embedded", STEPS, "new float[t][b][" + width + "]", "the embedding's rows, [step][sequence][" + width + "]");
    level.forward().add("// $L: each step's rows    [t][b, $L]\n", op.line(), width)
        .beginControlFlow("for (int i = 0; i < t; i++)")
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .addStatement("int id = ids[s * t + i]")
        .beginControlFlow("if (id < 0 || id >= $L)", vocab)
        .addStatement("throw new $T(\"token id \" + id + \" is outside the vocabulary 0..\" + ($L - 1))", IllegalArgumentException.class, vocab)
        .endControlFlow()
        .addStatement("a.ids[i][s] = id")
        .endControlFlow()
        .addStatement("$T.forward(p.$L, a.ids[i], a.embedded[i], $L, false, 0, b)", EMBEDDING, table, width)
        .endControlFlow()
        .addStatement("x = a.embedded");
    level.backward().add(CodeBlock.builder()
        .add("// $L: its rows' gradients, step by step\n", op.line())
        .beginControlFlow("for (int i = 0; i < t; i++)")
        .addStatement("$T.backward(dx[i], a.ids[i], g.$L, $L, 0, b)", EMBEDDING, table, width)
        .endControlFlow()
        .build());
    level.step().add("// $L\n", op.line())
        .addStatement("x = new float[][] {p.$L[token]}", table);
  }

  /** Inverted dropout of the rows the next op reads, each step's keep factors drawn in turn and kept for backward. */
  private void addDropout(Op.Dropout op, Level level) {
    if (op.probability() == 0) {
      level.forward().add("// $L: none\n", op.line());
      return;
    }
    int width = op.label().equals("embeddings") ? lstm.embedding() : lstm.hidden();
    String keep = camel(op.label()) + "Keep";
    boolean inLayer = level.layer().equals("l");
    if (inLayer) {
      activation(keep, ArrayTypeName.of(STEPS), "new float[" + lstm.layers() + "][][][]",
          "the keep factors of the " + op.label() + " dropout, [layer][step][sequence][" + width + "] (training only)");
    } else {
      activation(keep, STEPS, null, "the keep factors of the " + op.label() + " dropout, [step][sequence][" + width + "] (training only)");
    }
    String at = "a." + keep + (inLayer ? "[l]" : "");
    level.forward().add("// $L\n", op.line())
        .beginControlFlow("if (random != null)")
        .addStatement("float[][][] dropped = new float[t][b][$L]", width)
        .addStatement("$L = new float[t][b][$L]", at, width)
        .beginControlFlow("for (int i = 0; i < t; i++)")
        .addStatement("$T.forward(x[i], $L[i], dropped[i], $L, $L, random, 0, b)", DROPOUT, at, width, f(op.probability()))
        .endControlFlow()
        .addStatement("x = dropped")
        .endControlFlow();
    level.backward().add(CodeBlock.builder()
        .add("// $L\n", op.line())
        .beginControlFlow("if (a.dropout)")
        .beginControlFlow("for (int i = 0; i < t; i++)")
        .addStatement("$T.backward(dx[i], $L[i], dx[i], $L, false, 0, b)", DROPOUT, at, width)
        .endControlFlow()
        .endControlFlow()
        .build());
  }

  /**
   * One LSTM layer: its forward and backward through time as methods of their own, called from the
   * level; its decoding step written inline.
   */
  private void addRecurrent(Op.Recurrent op, Level level) {
    boolean repeated = level.layer().equals("l");
    String l = level.layer();
    String prefix = repeated ? "layer" : "layer" + op.layer();
    String inputWeights = tensor(op.inputWeights(), level);
    String stateWeights = tensor(op.stateWeights(), level);
    String inputBias = tensor(op.inputBias(), level);
    String stateBias = tensor(op.stateBias(), level);
    for (String[] field : new String[][] {{"input", "the input each step read, [layer][step][sequence][in]"},
        {"gates", "the gates, [layer][step][sequence][" + gates + "]: i, f, g, o after their activations"},
        {"cells", "the cell states, [layer][step][sequence][" + lstm.hidden() + "]: step 0 the carried state, step i + 1 after input i"},
        {"hiddens", "the hidden states, [layer][step][sequence][" + lstm.hidden() + "], as the cell states"}}) {
      activation(field[0], ArrayTypeName.of(STEPS), "new float[" + lstm.layers() + "][][][]", field[1]);
    }
    LayerTensors weights = new LayerTensors(l, inputWeights, stateWeights, inputBias, stateBias);
    layerMethods.add(layerForward(op, prefix, repeated, weights));
    layerMethods.add(layerBackward(op, prefix, repeated, weights));
    String call = repeated ? "l, " : "";
    level.forward().add("// $L\n", op.line()).addStatement("x = $LForward($Lx, a, state)", prefix, call);
    level.backward().add(CodeBlock.builder()
        .add("// $L, through time\n", op.line())
        .addStatement("dx = $LBackward($Ldx, a, g)", prefix, call)
        .build());
    int h = op.hidden();
    level.step().add("// $L: one step from the state\n", op.line())
        .addStatement("$T.forward(kernels, x, p.$L[$L], $L, p.$L[$L], z, false, 0, 1)", LINEAR, inputWeights, l, op.in(), inputBias, l)
        .addStatement("$T.forward(kernels, new float[][] {state.h($L, 0)}, p.$L[$L], $L, p.$L[$L], z, true, 0, 1)", LINEAR, l, stateWeights, l,
            h, stateBias, l)
        .addStatement("$T.forward(z[0], state.c($L, 0), state.c($L, 0), state.h($L, 0), $L)", CELL, l, l, l, h)
        .addStatement("x = new float[][] {state.h($L, 0)}", l);
  }

  /** The four tensors of one LSTM layer, as {@code Tensors} names them, at the layer index {@code layer}. */
  private record LayerTensors(String layer, String inputWeights, String stateWeights, String inputBias, String stateBias) {}

  private MethodSpec layerForward(Op.Recurrent op, String prefix, boolean repeated, LayerTensors w) {
    int in = op.in();
    int h = op.hidden();
    String l = w.layer();
    MethodSpec.Builder method = MethodSpec.methodBuilder(prefix + "Forward").addModifiers(Modifier.PRIVATE).returns(STEPS)
        .addJavadoc("$L: from the carried state, step by step, {@code z = x · W_ih + b_ih + h · W_hh + b_hh} and the cell; the\n"
            + "state carried out. Returns the layer's output {@code [t][b, $L]}.\n", op.line(), h);
    if (repeated) {
      method.addParameter(TypeName.INT, "l");
    }
    return method.addParameter(STEPS, "x").addParameter(ClassName.get("", "Activations"), "a").addParameter(STATE, "state")
        .addStatement("int b = a.batch").addStatement("int t = a.length")
        .addStatement("float[][] inputWeights = p.$L[$L]", w.inputWeights(), l)
        .addStatement("float[][] stateWeights = p.$L[$L]", w.stateWeights(), l)
        .addStatement("float[] inputBias = p.$L[$L]", w.inputBias(), l)
        .addStatement("float[] stateBias = p.$L[$L]", w.stateBias(), l)
        .addStatement("float[][][] z = new float[t][b][$L]", gates)
        .addStatement("float[][][] c = new float[t + 1][b][$L]", h)
        .addStatement("float[][][] h = new float[t + 1][b][$L]", h)
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .addStatement("$T.arraycopy(state.c($L, s), 0, c[0][s], 0, $L)", System.class, l, h)
        .addStatement("$T.arraycopy(state.h($L, s), 0, h[0][s], 0, $L)", System.class, l, h)
        .endControlFlow()
        .beginControlFlow("for (int i = 0; i < t; i++)")
        .addStatement("float[][] xi = x[i]")
        .addStatement("float[][] zi = z[i]")
        .addStatement("float[][] hPrevious = h[i]")
        .addStatement("float[][] cPrevious = c[i]")
        .addStatement("float[][] cNext = c[i + 1]")
        .addStatement("float[][] hNext = h[i + 1]")
        .addCode("// z = x · W_ih + b_ih + h · W_hh + b_hh    [b, $L]; the gates in place, c and h    [b, $L]\n", gates, h)
        .addCode("parallel.forRange(b, 8, (from, to) -> {\n$>")
        .addStatement("$T.forward(kernels, xi, inputWeights, $L, inputBias, zi, false, from, to)", LINEAR, in)
        .addStatement("$T.forward(kernels, hPrevious, stateWeights, $L, stateBias, zi, true, from, to)", LINEAR, h)
        .beginControlFlow("for (int r = from; r < to; r++)")
        .addStatement("$T.forward(zi[r], cPrevious[r], cNext[r], hNext[r], $L)", CELL, h)
        .endControlFlow()
        .addCode("$<});\n")
        .endControlFlow()
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .addStatement("$T.arraycopy(c[t][s], 0, state.c($L, s), 0, $L)", System.class, l, h)
        .addStatement("$T.arraycopy(h[t][s], 0, state.h($L, s), 0, $L)", System.class, l, h)
        .endControlFlow()
        .addStatement("a.input[$L] = x", l)
        .addStatement("a.gates[$L] = z", l)
        .addStatement("a.cells[$L] = c", l)
        .addStatement("a.hiddens[$L] = h", l)
        .addStatement("return $T.copyOfRange(h, 1, t + 1)", ARRAYS)
        .build();
  }

  private MethodSpec layerBackward(Op.Recurrent op, String prefix, boolean repeated, LayerTensors w) {
    int in = op.in();
    int h = op.hidden();
    String l = w.layer();
    MethodSpec.Builder method = MethodSpec.methodBuilder(prefix + "Backward").addModifiers(Modifier.PRIVATE).returns(STEPS)
        .addJavadoc("$L, backward through time from the last step: {@code dOut [t][b, $L]} the gradient into its output;\n"
            + "the gradients of its weights and biases added into {@code g}. Returns the gradient into its input {@code [t][b, $L]}.\n",
            op.line(), h, in);
    if (repeated) {
      method.addParameter(TypeName.INT, "l");
    }
    return method.addParameter(STEPS, "dOut").addParameter(ClassName.get("", "Activations"), "a")
        .addParameter(ClassName.get("", "Tensors"), "g")
        .addStatement("int b = a.batch").addStatement("int t = a.length")
        .addStatement("float[][] inputWeights = p.$L[$L]", w.inputWeights(), l)
        .addStatement("float[][] stateWeights = p.$L[$L]", w.stateWeights(), l)
        .addStatement("float[][] dInputWeights = g.$L[$L]", w.inputWeights(), l)
        .addStatement("float[][] dStateWeights = g.$L[$L]", w.stateWeights(), l)
        .addStatement("float[] dInputBias = g.$L[$L]", w.inputBias(), l)
        .addStatement("float[] dStateBias = g.$L[$L]", w.stateBias(), l)
        .addStatement("float[][][] x = a.input[$L]", l)
        .addStatement("float[][][] z = a.gates[$L]", l)
        .addStatement("float[][][] c = a.cells[$L]", l)
        .addStatement("float[][][] h = a.hiddens[$L]", l)
        .addStatement("float[][][] dx = new float[t][b][$L]", in)
        .addCode("// d(h) and d(c) from step i + 1 into step i, zero after the last\n")
        .addStatement("float[][] dhNext = new float[b][$L]", h)
        .addStatement("float[][] dcNext = new float[b][$L]", h)
        .addStatement("float[][] dz = new float[b][$L]", gates)
        .beginControlFlow("for (int i = t - 1; i >= 0; i--)")
        .addStatement("float[][] xi = x[i]")
        .addStatement("float[][] zi = z[i]")
        .addStatement("float[][] hPrevious = h[i]")
        .addStatement("float[][] cPrevious = c[i]")
        .addStatement("float[][] cNext = c[i + 1]")
        .addStatement("float[][] dOuti = dOut[i]")
        .addStatement("float[][] dxi = dx[i]")
        .addCode("// the cell: dz from d(h) (from above and from step i + 1) and d(c)    [b, $L]\n", gates)
        .addCode("parallel.forRange(b, 8, (from, to) -> {\n$>")
        .beginControlFlow("for (int r = from; r < to; r++)")
        .addStatement("$T.backward(zi[r], cPrevious[r], cNext[r], dOuti[r], dhNext[r], dcNext[r], dz[r], $L)", CELL, h)
        .endControlFlow()
        .addCode("$<});\n")
        .addCode("// dW_ih += xᵀ · dz; d(x) = dz · W_ihᵀ    over the $L input units\n", in)
        .addCode("parallel.forRange($L, 8, (from, to) -> {\n$>", in)
        .addStatement("$T.backwardWeights(kernels, xi, dz, b, dInputWeights, from, to)", LINEAR)
        .addStatement("$T.backwardInputUnits(kernels, dz, b, inputWeights, dxi, from, to)", LINEAR)
        .addCode("$<});\n")
        .addCode("// dW_hh += hᵀ · dz; d(h of step i − 1) = dz · W_hhᵀ    over the $L state units\n", h)
        .addCode("parallel.forRange($L, 8, (from, to) -> {\n$>", h)
        .addStatement("$T.backwardWeights(kernels, hPrevious, dz, b, dStateWeights, from, to)", LINEAR)
        .addStatement("$T.backwardInputUnits(kernels, dz, b, stateWeights, dhNext, from, to)", LINEAR)
        .addCode("$<});\n")
        .addStatement("$T.backwardBias(dz, b, dInputBias)", LINEAR)
        .addStatement("$T.backwardBias(dz, b, dStateBias)", LINEAR)
        .endControlFlow()
        .addStatement("return dx")
        .build();
  }

  /** The repeated layers: their forward and decoding step in order, their backward last first. */
  private void addLayers(Op.Repeat op, Level level) {
    Level body = new Level("l");
    tensorLookups.beginControlFlow("for (int l = $L; l < $L; l++)", op.first(), op.first() + op.count());
    for (Op inner : op.body()) {
      add(inner, body);
    }
    tensorLookups.endControlFlow();
    level.forward().add("// $L\n", op.line())
        .beginControlFlow("for (int l = $L; l < $L; l++)", op.first(), op.first() + op.count())
        .add(body.forward().build())
        .endControlFlow();
    level.backward().add(CodeBlock.builder()
        .add("// $L, last first\n", op.line())
        .beginControlFlow("for (int l = $L; l >= $L; l--)", op.first() + op.count() - 1, op.first())
        .add(body.backwardCode())
        .endControlFlow()
        .build());
    level.step().add("// $L\n", op.line())
        .beginControlFlow("for (int l = $L; l < $L; l++)", op.first(), op.first() + op.count())
        .add(body.step().build())
        .endControlFlow();
  }

  /** The output layer over every position, sequence-major as the targets, and its next-token cross-entropy (in train and loss). */
  private void addLanguageModelHead(Op.ObjectiveHead op, Level level) {
    Op.Linear output = (Op.Linear) op.body().get(0);
    int h = output.in();
    String weight = tensor(output.weight(), level);
    String bias = tensor(output.bias().orElseThrow(), level);
    activation("top", ROWS, "new float[n][]", "the last layer's output as the output layer reads it: row s·t + i is step i of sequence s");
    activation("logits", ROWS, null, "the logits, [n][" + vocab + "]; in training their gradient replaces them");
    level.forward().add("// $L\n", op.line())
        .add("// $L, its rows sequence-major as the targets    [n, $L]\n", output.line(), vocab)
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .beginControlFlow("for (int i = 0; i < t; i++)")
        .addStatement("a.top[s * t + i] = x[i][s]")
        .endControlFlow()
        .endControlFlow()
        .addStatement("a.logits = new float[a.n][$L]", vocab)
        .addStatement("parallel.forRange($L, 8, (from, to) -> $T.forwardOutIn(kernels, a.top, a.n, p.$L, p.$L, a.logits, from, to))", vocab,
            LINEAR, weight, bias);
    level.backward().add(CodeBlock.builder()
        .add("// $L: d(top) = dLogits · W; dW += dLogitsᵀ · top; db += Σ dLogits\n", output.line())
        .addStatement("float[][] dTop = new float[n][$L]", h)
        .addStatement("parallel.forRange(n, 8, (from, to) -> $T.backwardInputOutIn(kernels, a.logits, p.$L, $L, dTop, from, to))", LINEAR,
            weight, vocab)
        .addStatement("parallel.forRange($L, 8, (from, to) -> $T.backwardWeightsOutIn(kernels, a.logits, a.top, n, g.$L, from, to))", vocab,
            LINEAR, weight)
        .addStatement("$T.backwardBias(a.logits, n, g.$L)", LINEAR, bias)
        .add("// back to time-major\n")
        .addStatement("dx = new float[t][b][]")
        .beginControlFlow("for (int s = 0; s < b; s++)")
        .beginControlFlow("for (int i = 0; i < t; i++)")
        .addStatement("dx[i][s] = dTop[s * t + i]")
        .endControlFlow()
        .endControlFlow()
        .build());
    level.step().add("// $L\n", output.line())
        .addStatement("$T.forwardOutIn(kernels, x, 1, p.$L, p.$L, new float[][] {logits}, 0, $L)", LINEAR, weight, bias, vocab);
  }

  // ================================================================================================
  // The tensors and the activations
  // ================================================================================================

  /**
   * The {@code Tensors} field that holds {@code parameter} (a tied one: its target's), looked up in
   * the {@code Tensors} constructor at this level; a layer's tensor is an array over the layers.
   */
  private String tensor(Parameter parameter, Level level) {
    String name = parameter.tiedTo().orElse(parameter.name());
    boolean matrix = parameter.shape().size() == 2;
    boolean perLayer = name.matches(".*_l(\\d+|\\{\\}).*");
    String field = camel(name.replaceAll("_l(\\d+|\\{\\})", ""));
    boolean first = tensorFields.putIfAbsent(field, new TensorField(matrix, perLayer)) == null;
    String getter = matrix ? "matrix" : "vector";
    if (perLayer) {
      // each layer's op looks its own tensors up: layer 0 by its name, the repeated ones by the template
      String before = name.replaceAll("_l(\\d+|\\{\\}).*", "_l");
      String after = name.replaceAll(".*_l(\\d+|\\{\\})", "");
      CodeBlock lookup = name.contains("{}")
          ? CodeBlock.of("p.$L($S + l$L)", getter, before, after.isEmpty() ? "" : CodeBlock.of(" + $S", after))
          : CodeBlock.of("p.$L($S)", getter, name);
      tensorLookups.addStatement("$L[$L] = $L", field, level.layer(), lookup);
    } else if (first) {
      tensorLookups.addStatement("$L = p.$L($S)", field, getter, name);
    }
    return field;
  }

  private void activation(String name, TypeName type, String allocation, String doc) {
    activationFields.putIfAbsent(name, new ActivationField(type, allocation, doc));
  }

  private TypeSpec tensorsType() {
    TypeSpec.Builder type = TypeSpec.classBuilder("Tensors").addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("One set of the model's tensors (the parameters, or their gradients) by the name the ops read them under; a tied\n"
            + "tensor is its target's, so its gradient adds into the target's. An LSTM layer's tensors are arrays over the layers.\n");
    tensorFields.forEach((name, t) -> {
      TypeName element = t.matrix() ? ROWS : VECTOR;
      FieldSpec.Builder field = FieldSpec.builder(t.perLayer() ? ArrayTypeName.of(element) : element, name, Modifier.FINAL);
      if (t.perLayer()) {
        field.initializer("new float[$L]$L", lstm.layers(), t.matrix() ? "[][]" : "[]");
      }
      type.addField(field.build());
    });
    type.addMethod(MethodSpec.constructorBuilder().addParameter(PARAMETERS, "p").addCode(tensorLookups.build()).build());
    return type.build();
  }

  private TypeSpec activationsType() {
    TypeSpec.Builder type = TypeSpec.classBuilder("Activations").addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("What one block's forward keeps for its backward: time-major ({@code [step][sequence][…]}) through the\n"
            + "recurrence, sequence-major ({@code s·t + i}) at the output.\n");
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
        .addParameter(TypeName.INT, "b").addParameter(TypeName.INT, "t").addParameter(TypeName.BOOLEAN, "dropout");
    activationFields.forEach((name, field) -> {
      boolean fixed = field.allocation() != null;
      FieldSpec.Builder spec = FieldSpec.builder(field.type(), name).addJavadoc("$L.\n", capitalized(field.doc()));
      if (fixed) {
        spec.addModifiers(Modifier.FINAL);
        constructor.addStatement("this.$L = $L", name, field.allocation());
      }
      type.addField(spec.build());
    });
    return type.addMethod(constructor.build()).build();
  }

  private static String capitalized(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** {@code between layers} → {@code betweenLayers}; {@code lstm.weight_ih} → {@code lstmWeightIh}. */
  private static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '.' || c == '_' || c == ' ') {
        upper = out.length() > 0;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
