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
 * Writes {@code <Model>Passes} for an encoder: the runtime's {@code EncoderPasses} (inference,
 * evaluation, and the training pass: forward, losses, backward), with its own workspace class,
 * composed from the layer graph by the stack's emitters ({@link StackPassesWriter}); this writer
 * adds the encoder's batch ({@code EncoderBatch}), its heads (the pooler or the pooled first token,
 * MLM, NSP or SOP, the fine-tuning heads) and their losses. The passes compute what the
 * hand-written {@code Encoder} of the runtime's tests (their oracle) computes, bit for bit: the
 * same ops on the same rows, the dropout masks drawn in the same order from the same seed.
 *
 * <p>{@link #gaps} is the one place that says which encoders it composes: every encoder the
 * runtime runs, with full attention, MLM, NSP or SOP, and fine-tuning heads (a head reads the
 * pooled output, the first tokens' states or every state, then runs its body's ops).
 */
public final class PassesWriter extends StackPassesWriter {

  private static final ClassName BATCH = ClassName.get(ENCODER, "EncoderBatch");
  private static final ClassName CONFIG = ClassName.get(ENCODER, "EncoderConfig");
  private static final ClassName PASSES = ClassName.get(ENCODER, "EncoderPasses");
  private static final ClassName ACTIVATIONS = ClassName.get(ENCODER, "EncoderActivations");
  private static final ClassName LOSSES = ClassName.get(ENCODER, "EncoderPasses", "Losses");

  /** The longest sequence: the position rows less RoBERTa's offset rows. */
  private final int longest;
  /** Whether a pair head (NSP, or ALBERT's SOP) reads the pooled output. */
  private final boolean nsp;
  private final boolean pooler;
  /** Whether the pooled output has been emitted (by the pooler, or as the first token's state). */
  private boolean pooled;
  /** Whether a head reads the pooled output (the pair head, a sequence head over it): its gradient then reaches the pooler. */
  private final boolean pooledRead;
  /** The fine-tuning heads' buffer prefixes ({@code sequence}, {@code token}), as emitted. */
  private final Set<String> taskHeads = new HashSet<>();

  private PassesWriter(LayerGraph graph) {
    super(graph, encoder(graph).embeddings(), encoder(graph).stack());
    List<String> gaps = gaps(graph);
    if (!gaps.isEmpty()) {
      throw new IllegalArgumentException(graph.model().name() + ": no passes for " + String.join(", ", gaps));
    }
    this.longest = maxLength - graph.ops(Op.PositionEncoding.class).stream().mapToInt(Op.PositionEncoding::offset).sum();
    this.nsp = graph.ops(Op.ObjectiveHead.class).stream().anyMatch(h -> h.loss().kind() == Loss.Kind.SENTENCE_PAIR);
    this.pooler = !graph.ops(Op.Pooler.class).isEmpty();
    this.pooledRead = nsp || graph.ops(Op.TaskHead.class).stream().anyMatch(head -> head.input() == Op.TaskHead.Input.POOLED);
  }

  private static Architecture.Encoder encoder(LayerGraph graph) {
    if (!(graph.model().architecture() instanceof Architecture.Encoder e)) {
      throw new IllegalArgumentException(graph.model().name() + ": no passes for " + String.join(", ", gaps(graph)));
    }
    return e;
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

  // ================================================================================================
  // The batch: an EncoderBatch
  // ================================================================================================

  @Override
  String input(String name) {
    return "batch." + name + "()";
  }

  @Override
  void addBatchParameters(MethodSpec.Builder method) {
    method.addParameter(BATCH, "batch");
  }

  @Override
  String batchArguments() {
    return "batch";
  }

  @Override
  CodeBlock batchLocals() {
    return CodeBlock.builder().addStatement("int b = batch.batch()").addStatement("int t = batch.length()").addStatement("int n = b * t").build();
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
    addSinusoids(type);
    type.addType(workspaceType());
    return type;
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
    stackBuffers();
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
    stackScratch();
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
    addBuffers(type, init);
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
