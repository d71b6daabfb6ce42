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
import dev.nlpm.compiler.ir.Positions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Passes} for an encoder of BERT's shape: its training forward pass, losses
 * and backward pass as plain Java over the runtime's ops ({@code dev.nlpm.runtime.ops}), every
 * size a literal, composed from the layer graph op by op in running order (the backward in
 * reverse), as llm.c writes {@code gpt2_forward}. It computes what the runtime's {@code Encoder}
 * computes, bit for bit: the same ops on the same rows, the dropout masks drawn in the same
 * order from the same seed.
 *
 * <p>Only BERT's shape is composed so far (learned positions, token types, post-LayerNorm full
 * attention, the pooler, MLM, and NSP or none): {@link #gaps} names what stands in the way of another.
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
  private static final ClassName KERNELS = ClassName.get(ENCODER, "EncoderKernels");
  private static final ClassName PARAMETERS = ClassName.get(ENCODER, "EncoderParameters");
  private static final ClassName BATCH = ClassName.get(ENCODER, "EncoderBatch");
  private static final ClassName RANDOM = ClassName.get("java.util", "SplittableRandom");
  private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  private static final TypeName ROWS = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
  private static final TypeName LAYER_ROWS = ArrayTypeName.of(ROWS);
  private static final TypeName VECTOR = ArrayTypeName.of(TypeName.FLOAT);
  private static final TypeName LAYER_VECTORS = ArrayTypeName.of(VECTOR);

  private final LayerGraph graph;
  private final Shape s;

  /** The sizes and slots of BERT's shape, read off the graph. */
  private record Shape(
      int vocab, int hidden, int layers, int heads, int intermediate, int maxLength, int segments, double eps,
      String activation, float hiddenDropout, float attentionDropout,
      Op.Embedding word, Op.PositionEncoding positions, Op.Embedding types, Op.LayerNorm embeddingNorm,
      Op.MultiHeadAttention attention, Op.LayerNorm attentionNorm, Op.FeedForward feedForward, Op.LayerNorm outputNorm,
      Op.Pooler pooler, Op.ObjectiveHead mlm, Op.ObjectiveHead nsp) {}

  public PassesWriter(LayerGraph graph) {
    super(graph.model());
    List<String> gaps = gaps(graph);
    if (!gaps.isEmpty()) {
      throw new IllegalArgumentException(graph.model().name() + ": no passes for " + String.join(", ", gaps));
    }
    this.graph = graph;
    this.s = shape(graph);
  }

  /** {@code <Model>Passes} for {@code graph}; see {@link #gaps} for the graphs it composes. */
  public static GeneratedFile generate(LayerGraph graph) {
    return new PassesWriter(graph).write();
  }

  /** What keeps this writer from composing {@code graph}'s passes; empty when it can. */
  public static List<String> gaps(LayerGraph graph) {
    List<String> gaps = new ArrayList<>(EncoderSupport.gaps(graph.model()));
    if (!graph.model().heads().isEmpty()) {
      gaps.add("fine-tuning heads");
    }
    if (graph.model().objective(dev.nlpm.compiler.ir.Objective.MaskedLm.class).isEmpty()) {
      gaps.add("no mlm objective");
    }
    return gaps;
  }

  private static Shape shape(LayerGraph graph) {
    Architecture.Encoder e = (Architecture.Encoder) graph.model().architecture();
    List<Op.Embedding> embeddings = graph.ops().stream().filter(Op.Embedding.class::isInstance).map(Op.Embedding.class::cast).toList();
    Op.Repeat layers = graph.ops(Op.Repeat.class).get(0);
    List<Op.LayerNorm> norms = layers.body().stream().filter(Op.LayerNorm.class::isInstance).map(Op.LayerNorm.class::cast).toList();
    Op.ObjectiveHead mlm = null;
    Op.ObjectiveHead nsp = null;
    for (Op.ObjectiveHead head : graph.ops(Op.ObjectiveHead.class)) {
      if (head.loss().kind() == Loss.Kind.MASKED_TOKENS) {
        mlm = head;
      } else if (head.loss().kind() == Loss.Kind.SENTENCE_PAIR) {
        nsp = head;
      }
    }
    var stack = e.stack();
    return new Shape(
        e.embeddings().vocab().size(), stack.hidden(), stack.layers(), stack.heads(), stack.intermediate(), e.embeddings().maxLength(),
        e.embeddings().segments(), stack.norm().eps(), stack.activation().name(), (float) stack.dropout().hidden(),
        (float) stack.dropout().attention(), embeddings.get(0), graph.ops(Op.PositionEncoding.class).get(0), embeddings.get(1),
        graph.ops().stream().filter(Op.LayerNorm.class::isInstance).map(Op.LayerNorm.class::cast).findFirst().orElseThrow(),
        graph.ops(Op.MultiHeadAttention.class).get(0), norms.get(0), graph.ops(Op.FeedForward.class).get(0), norms.get(1),
        graph.ops(Op.Pooler.class).get(0), mlm, nsp);
  }

  @Override
  String simpleName() {
    return model.name() + "Passes";
  }

  // ---- naming the slots ----

  /** {@code p.matrix("encoder.layer." + l + ".attention.self.query.weight")} for a layer's slot. */
  private static CodeBlock slot(String buffer, Parameter parameter, boolean matrix) {
    String name = parameter.tiedTo().orElse(parameter.name());
    String getter = matrix ? "matrix" : "vector";
    if (name.contains("{}")) {
      String[] parts = name.split("\\{\\}", 2);
      return CodeBlock.of("$L.$L($S + l + $S)", buffer, getter, parts[0], parts[1]);
    }
    return CodeBlock.of("$L.$L($S)", buffer, getter, name);
  }

  private static CodeBlock m(String buffer, Parameter parameter) {
    return slot(buffer, parameter, true);
  }

  private static CodeBlock v(String buffer, Parameter parameter) {
    return slot(buffer, parameter, false);
  }

  private static String f(float value) {
    return Float.toString(value) + "f";
  }

  // ---- the class ----

  @Override
  TypeSpec.Builder type() {
    TypeSpec.Builder type = TypeSpec.classBuilder(simpleName())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("$L's training passes, composed from its layer graph: embeddings, $L post-LayerNorm layers of\n"
            + "$L-head attention and a $L-wide $L feed-forward block, the pooler, the MLM and NSP heads.\n"
            + "The activations live in this object, sized at construction; the parameters and gradients in\n"
            + "{@code EncoderParameters} of the model's layout.\n",
            model.name(), s.layers(), s.heads(), s.intermediate(), s.activation().toLowerCase(Locale.ROOT));
    fields(type);
    type.addMethod(constructor());
    type.addMethod(train());
    type.addMethod(forward());
    type.addMethod(layerForward());
    type.addMethod(losses());
    type.addMethod(backward());
    type.addMethod(layerBackward());
    return type;
  }

  private static final String[] ROW_BUFFERS = {
    "embedded", "embeddingNorm", "embeddingKeep", "embeddingOut", "dx", "dSum", "dDense", "dContext", "dq", "dk", "dv"};
  private static final String[] LAYER_BUFFERS = {
    "q", "k", "v", "context", "attentionDense", "attentionDenseKeep", "attentionSum", "attentionOut",
    "outputDense", "outputDenseKeep", "outputSum", "out"};
  private static final String[] LAYER_STATS = {"attentionMean", "attentionRstd", "outputMean", "outputRstd"};
  private static final String[] LAYER_WIDE = {"inner", "activated"};
  private static final String[] ITEMS = {"qh", "kh", "vh", "contextH"};
  private static final String[] ITEM_SQUARES = {"probabilities", "probabilitiesKeep", "dropped"};
  private static final String[] BATCH_BUFFERS = {"cls", "pooledPre", "pooled", "dCls", "dPooled", "dPooledPre"};
  private static final String[] PREDICTION_BUFFERS = {
    "selected", "transform", "transformActivated", "transformOut", "dTransformOut", "dTransformActivated", "dTransform", "dSelected"};

  private void fields(TypeSpec.Builder type) {
    type.addField(TypeName.INT, "maxBatch", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(TypeName.INT, "maxLength", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(TypeName.INT, "maxPredictions", Modifier.PRIVATE, Modifier.FINAL);
    for (String name : concat(ROW_BUFFERS, BATCH_BUFFERS, PREDICTION_BUFFERS, new String[] {"dInner", "nspLogits", "dNsp", "mlmLogits", "dMlm"})) {
      type.addField(ROWS, name, Modifier.PRIVATE, Modifier.FINAL);
    }
    for (String name : new String[] {"embeddingMean", "embeddingRstd", "transformMean", "transformRstd"}) {
      type.addField(VECTOR, name, Modifier.PRIVATE, Modifier.FINAL);
    }
    for (String name : concat(LAYER_BUFFERS, LAYER_WIDE)) {
      type.addField(LAYER_ROWS, name, Modifier.PRIVATE, Modifier.FINAL);
    }
    for (String name : concat(ITEMS, ITEM_SQUARES)) {
      type.addField(ArrayTypeName.of(LAYER_ROWS), name, Modifier.PRIVATE, Modifier.FINAL);
    }
    for (String name : LAYER_STATS) {
      type.addField(LAYER_VECTORS, name, Modifier.PRIVATE, Modifier.FINAL);
    }
    for (String name : new String[] {"dqh", "dkh", "dvh", "dContextH", "dProbabilities"}) {
      type.addField(LAYER_ROWS, name, Modifier.PRIVATE, Modifier.FINAL);
    }
    type.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.INT), "predictionRows", Modifier.PRIVATE, Modifier.FINAL).build());
    type.addField(TypeName.INT, "predictions", Modifier.PRIVATE);
  }

  private static String[] concat(String[]... arrays) {
    List<String> all = new ArrayList<>();
    for (String[] array : arrays) {
      all.addAll(List.of(array));
    }
    return all.toArray(String[]::new);
  }

  private MethodSpec constructor() {
    int h = s.hidden();
    int d = h / s.heads();
    CodeBlock.Builder code = CodeBlock.builder()
        .beginControlFlow("if (maxBatch <= 0 || maxLength <= 0 || maxLength > $L || maxPredictions < 0)", s.maxLength())
        .addStatement("throw new $T(\"capacity \" + maxBatch + \" × \" + maxLength + \", \" + maxPredictions + \" predictions is outside 1.. × 1..$L\")",
            IllegalArgumentException.class, s.maxLength())
        .endControlFlow()
        .addStatement("this.maxBatch = maxBatch")
        .addStatement("this.maxLength = maxLength")
        .addStatement("this.maxPredictions = maxPredictions")
        .addStatement("int n = maxBatch * maxLength")
        .addStatement("int items = maxBatch * $L", s.heads());
    for (String name : ROW_BUFFERS) {
      code.addStatement("$L = new float[n][$L]", name, h);
    }
    code.addStatement("dInner = new float[n][$L]", s.intermediate());
    code.addStatement("embeddingMean = new float[n]").addStatement("embeddingRstd = new float[n]");
    for (String name : LAYER_BUFFERS) {
      code.addStatement("$L = new float[$L][n][$L]", name, s.layers(), h);
    }
    for (String name : LAYER_WIDE) {
      code.addStatement("$L = new float[$L][n][$L]", name, s.layers(), s.intermediate());
    }
    for (String name : LAYER_STATS) {
      code.addStatement("$L = new float[$L][n]", name, s.layers());
    }
    for (String name : ITEMS) {
      code.addStatement("$L = new float[$L][items][maxLength][$L]", name, s.layers(), d);
    }
    for (String name : ITEM_SQUARES) {
      code.addStatement("$L = new float[$L][items][maxLength][maxLength]", name, s.layers());
    }
    for (String name : new String[] {"dqh", "dkh", "dvh", "dContextH"}) {
      code.addStatement("$L = new float[items][maxLength][$L]", name, d);
    }
    code.addStatement("dProbabilities = new float[items][maxLength][maxLength]");
    for (String name : BATCH_BUFFERS) {
      code.addStatement("$L = new float[maxBatch][$L]", name, h);
    }
    code.addStatement("nspLogits = new float[maxBatch][2]").addStatement("dNsp = new float[maxBatch][2]");
    for (String name : PREDICTION_BUFFERS) {
      code.addStatement("$L = new float[maxPredictions][$L]", name, h);
    }
    code.addStatement("transformMean = new float[maxPredictions]").addStatement("transformRstd = new float[maxPredictions]");
    code.addStatement("mlmLogits = new float[maxPredictions][$L]", s.vocab()).addStatement("dMlm = new float[maxPredictions][$L]", s.vocab());
    code.addStatement("predictionRows = new int[maxPredictions]");
    return MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("Activations for up to {@code maxBatch} sequences of {@code maxLength} tokens and {@code maxPredictions} MLM positions.\n")
        .addParameter(TypeName.INT, "maxBatch").addParameter(TypeName.INT, "maxLength").addParameter(TypeName.INT, "maxPredictions")
        .addCode(code.build()).build();
  }

  private MethodSpec train() {
    return MethodSpec.methodBuilder("train").addModifiers(Modifier.PUBLIC).returns(VECTOR)
        .addJavadoc("One training pass: forward with dropout drawn from {@code seed}, the losses, their gradients added into\n"
            + "{@code g}. Returns {total, mlm, nsp}.\n")
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "p").addParameter(PARAMETERS, "g").addParameter(BATCH, "batch")
        .addParameter(TypeName.LONG, "seed")
        .addStatement("forward(kernels, p, batch, batch.mlmPositions(), seed)")
        .addStatement("float[] losses = losses(batch)")
        .addStatement("backward(kernels, p, g, batch)")
        .addStatement("return losses")
        .build();
  }

  // ---- forward, op by op in the graph's order ----

  private MethodSpec forward() {
    int h = s.hidden();
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t")
        .beginControlFlow("if (b > maxBatch || t > maxLength || predictionRows.length > maxPredictions)")
        .addStatement("throw new $T(\"batch \" + b + \" × \" + t + \" with \" + predictionRows.length + \" predictions exceeds the capacity\")",
            IllegalArgumentException.class)
        .endControlFlow()
        .addStatement("$T random = new $T(seed)", RANDOM, RANDOM)
        .addStatement("int[] ids = batch.ids()").addStatement("int[] segments = batch.segments()")
        .beginControlFlow("for (int r = 0; r < n; r++)")
        .beginControlFlow("if (ids[r] < 0 || ids[r] >= $L || segments[r] < 0 || segments[r] >= $L)", s.vocab(), s.segments())
        .addStatement("throw new $T(\"token \" + ids[r] + \", segment \" + segments[r] + \" at row \" + r + \" is outside 0..$L, 0..$L\")",
            IllegalArgumentException.class, s.vocab() - 1, s.segments() - 1)
        .endControlFlow()
        .endControlFlow();
    for (Op op : graph.ops()) {
      forwardOp(op, code, h);
    }
    return MethodSpec.methodBuilder("forward").addModifiers(Modifier.PRIVATE)
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "p").addParameter(BATCH, "batch")
        .addParameter(ArrayTypeName.of(TypeName.INT), "predictionRows").addParameter(TypeName.LONG, "seed")
        .addCode(code.build()).build();
  }

  private void forwardOp(Op op, CodeBlock.Builder code, int h) {
    if (op == s.word()) {
      code.add("// $L    [n, $L]\n", op.line(), h)
          .addStatement("$T.forward($L, ids, embedded, $L, false, 0, n)", EMBEDDING, m("p", s.word().table()), h);
    } else if (op == s.positions()) {
      code.add("// $L\n", op.line())
          .addStatement("$T.forwardPositions($L, t, 0, embedded, $L, true, 0, n)", EMBEDDING, m("p", s.positions().table().orElseThrow()), h);
    } else if (op == s.types()) {
      code.add("// $L\n", op.line())
          .addStatement("$T.forward($L, segments, embedded, $L, true, 0, n)", EMBEDDING, m("p", s.types().table()), h);
    } else if (op == s.embeddingNorm()) {
      code.add("// $L\n", op.line())
          .addStatement("$T.forward(embedded, $L, $L, embeddingNorm, embeddingMean, embeddingRstd, $L, 0, n)", LAYER_NORM,
              v("p", s.embeddingNorm().gain()), v("p", s.embeddingNorm().bias()), s.eps())
          .addStatement("float[][] x = embeddingNorm");
    } else if (op instanceof Op.Dropout dropout) {
      if (dropout.probability() > 0) {
        code.add("// $L\n", op.line())
            .addStatement("$T.forward(embeddingNorm, embeddingKeep, embeddingOut, $L, $L, random, 0, n)", DROPOUT, h, f(s.hiddenDropout()))
            .addStatement("x = embeddingOut");
      }
    } else if (op instanceof Op.Repeat repeat) {
      code.add("// $L\n", op.line())
          .beginControlFlow("for (int l = 0; l < $L; l++)", repeat.count())
          .addStatement("x = layerForward(kernels, p, l, x, batch, random)")
          .endControlFlow();
    } else if (op instanceof Op.Pooler pooler) {
      code.add("// $L: tanh(first token · W + b)    [b, $L]\n", op.line(), h)
          .beginControlFlow("for (int s = 0; s < b; s++)")
          .addStatement("$T.arraycopy(x[s * t], 0, cls[s], 0, $L)", System.class, h)
          .endControlFlow()
          .addStatement("$T.forward(kernels, cls, $L, $L, $L, pooledPre, false, 0, b)", LINEAR, m("p", pooler.dense().weight()), h,
              v("p", pooler.dense().bias().orElseThrow()))
          .beginControlFlow("for (int s = 0; s < b; s++)")
          .beginControlFlow("for (int i = 0; i < $L; i++)", h)
          .addStatement("pooled[s][i] = (float) Math.tanh(pooledPre[s][i])")
          .endControlFlow()
          .endControlFlow();
    } else if (op == s.nsp()) {
      Op.Linear classifier = (Op.Linear) s.nsp().body().get(0);
      code.add("// $L    [b, 2]\n", op.line())
          .addStatement("$T.forward(kernels, pooled, $L, $L, $L, nspLogits, false, 0, b)", LINEAR, m("p", classifier.weight()), h,
              v("p", classifier.bias().orElseThrow()));
    } else if (op == s.mlm()) {
      List<Op> body = s.mlm().body();
      Op.Linear transform = (Op.Linear) body.get(0);
      Op.LayerNorm norm = (Op.LayerNorm) body.get(2);
      Op.Linear decoder = (Op.Linear) body.get(3);
      code.add("// $L: the predicted rows' states, dense, $L, LayerNorm, the tied decoder    [m, $L]\n", op.line(),
              s.activation().toLowerCase(Locale.ROOT), s.vocab())
          .addStatement("int m = predictionRows.length")
          .addStatement("predictions = m")
          .addStatement("$T.arraycopy(predictionRows, 0, this.predictionRows, 0, m)", System.class)
          .addStatement("$T.forward(x, this.predictionRows, selected, $L, false, 0, m)", EMBEDDING, h)
          .addStatement("$T.forward(kernels, selected, $L, $L, $L, transform, false, 0, m)", LINEAR, m("p", transform.weight()), h,
              v("p", transform.bias().orElseThrow()))
          .addStatement("$T.forward($T.$L, transform, transformActivated, $L, 0, m)", ACTIVATION, FF_ACTIVATION, s.activation(), h)
          .addStatement("$T.forward(transformActivated, $L, $L, transformOut, transformMean, transformRstd, $L, 0, m)", LAYER_NORM,
              v("p", norm.gain()), v("p", norm.bias()), s.eps())
          .addStatement("$T.forwardOutIn(kernels, transformOut, m, $L, $L, mlmLogits, 0, $L)", LINEAR, m("p", decoder.weight()),
              v("p", decoder.bias().orElseThrow()), s.vocab());
    } else {
      throw new IllegalStateException("no forward for " + op.line());
    }
  }

  private MethodSpec layerForward() {
    int h = s.hidden();
    int d = h / s.heads();
    Op.MultiHeadAttention a = s.attention();
    Op.FeedForward ff = s.feedForward();
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t");
    for (Op op : graph.ops(Op.Repeat.class).get(0).body()) {
      if (op == a) {
        code.add("// $L\n", op.line()).add("// q, k, v = x · W + b    [n, $L]\n", h);
        String[] outs = {"q", "k", "v"};
        for (int i = 0; i < 3; i++) {
          Op.Linear in = a.inputs().get(i);
          code.addStatement("$T.forward(kernels, x, $L, $L, $L, $L[l], false, 0, n)", LINEAR, m("p", in.weight()), h,
              v("p", in.bias().orElseThrow()), outs[i]);
        }
        code.addStatement("float[][][] keep = null");
        if (s.attentionDropout() > 0) {
          code.beginControlFlow("for (int sh = 0; sh < b * $L; sh++)", s.heads())
              .addStatement("$T.draw(probabilitiesKeep[l][sh], t, $L, random, 0, t)", DROPOUT, f(s.attentionDropout()))
              .endControlFlow()
              .addStatement("keep = probabilitiesKeep[l]");
        }
        code.add("// per (sequence, head): softmax(q·kᵀ/√$L + padding mask), dropped out, · v    [b·$L, t, $L]\n", d, s.heads(), d)
            .addStatement("$T.forward(kernels, q[l], 0, k[l], 0, v[l], 0, t, $L, $L, $T.padding(batch.lengths()), qh[l],"
                + " kh[l], vh[l], probabilities[l], keep, dropped[l],"
                + " contextH[l], context[l], 0, b * $L)", ATTENTION, s.heads(), d, MASK, s.heads())
            .addStatement("$T.forward(kernels, context[l], $L, $L, $L, attentionDense[l], false, 0, n)", LINEAR, m("p", a.output().weight()), h,
                v("p", a.output().bias().orElseThrow()));
      } else if (op instanceof Op.Dropout dropout) {
        String keep = dropout.label().startsWith("attention") ? "attentionDenseKeep" : "outputDenseKeep";
        String local = dropout.label().startsWith("attention") ? "attentionKeep" : "outputKeep";
        code.add("// $L\n", op.line());
        if (dropout.probability() > 0) {
          code.addStatement("$T.draw($L[l], $L, $L, random, 0, n)", DROPOUT, keep, h, f(s.hiddenDropout()))
              .addStatement("float[][] $L = $L[l]", local, keep);
        } else {
          code.addStatement("float[][] $L = null", local);
        }
      } else if (op instanceof Op.Residual residual) {
        boolean attention = residual.label().equals("attention");
        code.add("// $L\n", op.line())
            .addStatement(attention
                ? "$T.forward(attentionDense[l], attentionKeep, x, attentionSum[l], $L, 0, n)"
                : "$T.forward(outputDense[l], outputKeep, attentionOut[l], outputSum[l], $L, 0, n)", RESIDUAL, h);
      } else if (op == s.attentionNorm()) {
        code.add("// $L\n", op.line())
            .addStatement("$T.forward(attentionSum[l], $L, $L, attentionOut[l], attentionMean[l], attentionRstd[l], $L, 0, n)", LAYER_NORM,
                v("p", s.attentionNorm().gain()), v("p", s.attentionNorm().bias()), s.eps());
      } else if (op == ff) {
        code.add("// $L    [n, $L] then [n, $L]\n", op.line(), s.intermediate(), h)
            .addStatement("$T.forward(kernels, attentionOut[l], $L, $L, $L, inner[l], false, 0, n)", LINEAR, m("p", ff.up().weight()), h,
                v("p", ff.up().bias().orElseThrow()))
            .addStatement("$T.forward($T.$L, inner[l], activated[l], $L, 0, n)", ACTIVATION, FF_ACTIVATION, s.activation(), s.intermediate())
            .addStatement("$T.forward(kernels, activated[l], $L, $L, $L, outputDense[l], false, 0, n)", LINEAR, m("p", ff.down().weight()),
                s.intermediate(), v("p", ff.down().bias().orElseThrow()));
      } else if (op == s.outputNorm()) {
        code.add("// $L\n", op.line())
            .addStatement("$T.forward(outputSum[l], $L, $L, out[l], outputMean[l], outputRstd[l], $L, 0, n)", LAYER_NORM,
                v("p", s.outputNorm().gain()), v("p", s.outputNorm().bias()), s.eps());
      } else {
        throw new IllegalStateException("no forward for " + op.line());
      }
    }
    code.addStatement("return out[l]");
    return MethodSpec.methodBuilder("layerForward").addModifiers(Modifier.PRIVATE).returns(ROWS)
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "p").addParameter(TypeName.INT, "l").addParameter(ROWS, "x")
        .addParameter(BATCH, "batch").addParameter(RANDOM, "random")
        .addCode(code.build()).build();
  }

  private MethodSpec losses() {
    return MethodSpec.methodBuilder("losses").addModifiers(Modifier.PRIVATE).returns(VECTOR)
        .addParameter(BATCH, "batch")
        .addStatement("float mlm = 0")
        .addStatement("int m = predictions")
        .beginControlFlow("if (m > 0)")
        .addStatement("int[] labels = new int[m]")
        .beginControlFlow("for (int i = 0; i < m; i++)")
        .addStatement("labels[i] = batch.mlmLabels()[predictionRows[i]]")
        .endControlFlow()
        .addStatement("mlm = $T.forwardBackward(mlmLogits, labels, m, $L, dMlm)", CROSS_ENTROPY, s.vocab())
        .endControlFlow()
        .addStatement("float nsp = 0")
        .addCode(s.nsp() == null ? CodeBlock.of("") : CodeBlock.builder()
            .beginControlFlow("if (batch.nspLabels() != null)")
            .addStatement("nsp = $T.forwardBackward(nspLogits, batch.nspLabels(), batch.batch(), 2, dNsp)", CROSS_ENTROPY)
            .endControlFlow()
            .build())
        .addStatement("return new float[] {mlm + nsp, mlm, nsp}")
        .build();
  }

  // ---- backward, the graph's ops in reverse ----

  private MethodSpec backward() {
    int h = s.hidden();
    List<Op> mlm = s.mlm().body();
    Op.Linear transform = (Op.Linear) mlm.get(0);
    Op.LayerNorm norm = (Op.LayerNorm) mlm.get(2);
    Op.Linear decoder = (Op.Linear) mlm.get(3);
    Op.Linear pooler = s.pooler().dense();
    boolean dropping = s.hiddenDropout() > 0;
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t")
        .beginControlFlow("for (int r = 0; r < n; r++)").addStatement("$T.fill(dx[r], 0)", ARRAYS).endControlFlow()
        .beginControlFlow("for (int s = 0; s < b; s++)").addStatement("$T.fill(dPooled[s], 0)", ARRAYS).endControlFlow();
    if (s.nsp() != null) {
      code.addStatement("boolean pooledUsed = false");
      Op.Linear nsp = (Op.Linear) s.nsp().body().get(0);
      code.add("// $L\n", s.nsp().line())
          .beginControlFlow("if (batch.nspLabels() != null)")
          .addStatement("$T.backwardInput(kernels, dNsp, $L, $L, dPooled, true, 0, b)", LINEAR, m("p", nsp.weight()), h)
          .addStatement("$T.backwardWeights(kernels, pooled, dNsp, b, $L, 0, $L)", LINEAR, m("g", nsp.weight()), h)
          .addStatement("$T.backwardBias(dNsp, b, $L)", LINEAR, v("g", nsp.bias().orElseThrow()))
          .addStatement("pooledUsed = true")
          .endControlFlow();
    }
    code.add("// $L (the decoder's gradient lands on the tied word embeddings)\n", s.mlm().line())
        .addStatement("int m = predictions")
        .beginControlFlow("if (m > 0)")
        .addStatement("$T.backwardWeightsOutIn(kernels, dMlm, transformOut, m, $L, 0, $L)", LINEAR, m("g", decoder.weight()), s.vocab())
        .addStatement("$T.backwardBias(dMlm, m, $L)", LINEAR, v("g", decoder.bias().orElseThrow()))
        .addStatement("$T.backwardInputOutIn(kernels, dMlm, $L, $L, dTransformOut, 0, m)", LINEAR, m("p", decoder.weight()), s.vocab())
        .addStatement("$T.backward(dTransformOut, transformActivated, $L, transformMean, transformRstd, dTransformActivated, false, $L, $L, 0, m)",
            LAYER_NORM, v("p", norm.gain()), v("g", norm.gain()), v("g", norm.bias()))
        .addStatement("$T.backward($T.$L, transform, dTransformActivated, dTransform, $L, 0, m)", ACTIVATION, FF_ACTIVATION, s.activation(), h)
        .addStatement("$T.backwardWeights(kernels, selected, dTransform, m, $L, 0, $L)", LINEAR, m("g", transform.weight()), h)
        .addStatement("$T.backwardBias(dTransform, m, $L)", LINEAR, v("g", transform.bias().orElseThrow()))
        .addStatement("$T.backwardInput(kernels, dTransform, $L, $L, dSelected, false, 0, m)", LINEAR, m("p", transform.weight()), h)
        .addStatement("$T.backward(dSelected, predictionRows, dx, $L, 0, m)", EMBEDDING, h)
        .endControlFlow();
    if (s.nsp() != null) {
      code
            .add("// $L\n", s.pooler().line())
            .beginControlFlow("if (pooledUsed)")
            .beginControlFlow("for (int s = 0; s < b; s++)")
            .beginControlFlow("for (int i = 0; i < $L; i++)", h)
            .addStatement("float y = pooled[s][i]")
            .addStatement("dPooledPre[s][i] = dPooled[s][i] * (1 - y * y)")
            .endControlFlow().endControlFlow()
            .addStatement("$T.backwardWeights(kernels, cls, dPooledPre, b, $L, 0, $L)", LINEAR, m("g", pooler.weight()), h)
            .addStatement("$T.backwardBias(dPooledPre, b, $L)", LINEAR, v("g", pooler.bias().orElseThrow()))
            .addStatement("$T.backwardInput(kernels, dPooledPre, $L, $L, dCls, false, 0, b)", LINEAR, m("p", pooler.weight()), h)
            .beginControlFlow("for (int s = 0; s < b; s++)")
            .beginControlFlow("for (int i = 0; i < $L; i++)", h)
            .addStatement("dx[s * t][i] += dCls[s][i]")
            .endControlFlow().endControlFlow()
            .endControlFlow();
    }
    code
        .add("// $L, last first\n", graph.ops(Op.Repeat.class).get(0).line())
        .beginControlFlow("for (int l = $L; l >= 0; l--)", s.layers() - 1)
        .addStatement("layerBackward(kernels, p, g, l, l == 0 ? $L : out[l - 1], batch)", dropping ? "embeddingOut" : "embeddingNorm")
        .endControlFlow()
        .add("// embeddings: dropout, LayerNorm, then each table's rows\n");
    if (dropping) {
      code.addStatement("$T.backward(dx, embeddingKeep, dx, $L, false, 0, n)", DROPOUT, h);
    }
    code.addStatement("$T.backward(dx, embedded, $L, embeddingMean, embeddingRstd, dSum, false, $L, $L, 0, n)", LAYER_NORM,
            v("p", s.embeddingNorm().gain()), v("g", s.embeddingNorm().gain()), v("g", s.embeddingNorm().bias()))
        .addStatement("$T.backward(dSum, batch.ids(), $L, $L, 0, n)", EMBEDDING, m("g", s.word().table()), h)
        .addStatement("$T.backwardPositions(dSum, t, 0, $L, $L, 0, n)", EMBEDDING, m("g", s.positions().table().orElseThrow()), h)
        .addStatement("$T.backward(dSum, batch.segments(), $L, $L, 0, n)", EMBEDDING, m("g", s.types().table()), h);
    return MethodSpec.methodBuilder("backward").addModifiers(Modifier.PRIVATE)
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "p").addParameter(PARAMETERS, "g").addParameter(BATCH, "batch")
        .addCode(code.build()).build();
  }

  private MethodSpec layerBackward() {
    int h = s.hidden();
    int d = h / s.heads();
    int f = s.intermediate();
    Op.MultiHeadAttention a = s.attention();
    Op.FeedForward ff = s.feedForward();
    boolean dropping = s.hiddenDropout() > 0;
    String[] ds = {"dq", "dk", "dv"};
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t")
        .add("// $L: d(outputSum) into dSum\n", s.outputNorm().line())
        .addStatement("$T.backward(dx, outputSum[l], $L, outputMean[l], outputRstd[l], dSum, false, null, null, 0, n)", LAYER_NORM,
            v("p", s.outputNorm().gain()))
        .addStatement("$T.parameterGradients(dx, outputSum[l], outputMean[l], outputRstd[l], $L, $L, 0, n)", LAYER_NORM,
            v("g", s.outputNorm().gain()), v("g", s.outputNorm().bias()))
        .add("// residual around the feed-forward block, and its dropout\n")
        .addStatement("float[][] dOutputDense = dSum");
    if (dropping) {
      code.addStatement("$T.backward(dSum, outputDenseKeep[l], dDense, $L, false, 0, n)", DROPOUT, h).addStatement("dOutputDense = dDense");
    }
    code.add("// $L\n", ff.line())
        .addStatement("$T.backwardWeights(kernels, activated[l], dOutputDense, n, $L, 0, $L)", LINEAR, m("g", ff.down().weight()), f)
        .addStatement("$T.backwardBias(dOutputDense, n, $L)", LINEAR, v("g", ff.down().bias().orElseThrow()))
        .addStatement("$T.backwardInput(kernels, dOutputDense, $L, $L, dInner, false, 0, n)", LINEAR, m("p", ff.down().weight()), f)
        .addStatement("$T.backward($T.$L, inner[l], dInner, dInner, $L, 0, n)", ACTIVATION, FF_ACTIVATION, s.activation(), f)
        .beginControlFlow("for (int r = 0; r < n; r++)")
        .addStatement("$T.arraycopy(dSum[r], 0, dx[r], 0, $L)", System.class, h)
        .endControlFlow()
        .addStatement("$T.backwardInput(kernels, dInner, $L, $L, dx, true, 0, n)", LINEAR, m("p", ff.up().weight()), h)
        .addStatement("$T.backwardWeights(kernels, attentionOut[l], dInner, n, $L, 0, $L)", LINEAR, m("g", ff.up().weight()), h)
        .addStatement("$T.backwardBias(dInner, n, $L)", LINEAR, v("g", ff.up().bias().orElseThrow()))
        .add("// $L: d(attentionSum) into dSum\n", s.attentionNorm().line())
        .addStatement("$T.backward(dx, attentionSum[l], $L, attentionMean[l], attentionRstd[l], dSum, false, null, null, 0, n)", LAYER_NORM,
            v("p", s.attentionNorm().gain()))
        .addStatement("$T.parameterGradients(dx, attentionSum[l], attentionMean[l], attentionRstd[l], $L, $L, 0, n)", LAYER_NORM,
            v("g", s.attentionNorm().gain()), v("g", s.attentionNorm().bias()))
        .add("// residual around the attention, and its dropout\n")
        .addStatement("float[][] dAttended = dSum");
    if (dropping) {
      code.addStatement("$T.backward(dSum, attentionDenseKeep[l], dDense, $L, false, 0, n)", DROPOUT, h).addStatement("dAttended = dDense");
    }
    code.add("// $L\n", a.line())
        .addStatement("$T.backwardWeights(kernels, context[l], dAttended, n, $L, 0, $L)", LINEAR, m("g", a.output().weight()), h)
        .addStatement("$T.backwardBias(dAttended, n, $L)", LINEAR, v("g", a.output().bias().orElseThrow()))
        .addStatement("$T.backwardInput(kernels, dAttended, $L, $L, dContext, false, 0, n)", LINEAR, m("p", a.output().weight()), h)
        .addStatement("float[][][] keep = $L", s.attentionDropout() > 0 ? "probabilitiesKeep[l]" : "null")
        .addStatement("$T.backward(kernels, dContext, t, $L, $L, $T.padding(batch.lengths()), qh[l], kh[l],"
            + " vh[l], probabilities[l], keep, dropped[l], dContextH,"
            + " dProbabilities, dqh, dkh, dvh,"
            + " dq, 0, dk, 0, dv, 0, 0, b * $L)", ATTENTION, s.heads(), d, MASK, s.heads());
    for (int i = 0; i < 3; i++) {
      code.addStatement("$T.backwardWeights(kernels, x, $L, n, $L, 0, $L)", LINEAR, ds[i], m("g", a.inputs().get(i).weight()), h);
    }
    for (int i = 0; i < 3; i++) {
      code.addStatement("$T.backwardBias($L, n, $L)", LINEAR, ds[i], v("g", a.inputs().get(i).bias().orElseThrow()));
    }
    code.add("// d(x) = the residual's dSum + Σ d· Wᵀ\n")
        .beginControlFlow("for (int r = 0; r < n; r++)")
        .addStatement("$T.arraycopy(dSum[r], 0, dx[r], 0, $L)", System.class, h)
        .endControlFlow();
    for (int i = 0; i < 3; i++) {
      code.addStatement("$T.backwardInput(kernels, $L, $L, $L, dx, true, 0, n)", LINEAR, ds[i], m("p", a.inputs().get(i).weight()), h);
    }
    return MethodSpec.methodBuilder("layerBackward").addModifiers(Modifier.PRIVATE)
        .addJavadoc("On entry {@code dx} holds d(layer output); on exit d(layer input).\n")
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "p").addParameter(PARAMETERS, "g").addParameter(TypeName.INT, "l")
        .addParameter(ROWS, "x").addParameter(BATCH, "batch")
        .addCode(code.build()).build();
  }
}
