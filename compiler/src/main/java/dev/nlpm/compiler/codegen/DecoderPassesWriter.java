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
import dev.nlpm.compiler.graph.Op;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.Sharing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Passes} for a causal decoder: the runtime's {@code DecoderPasses} (the
 * forward pass to the logits, the causal-LM loss, the training pass: forward with dropout, loss,
 * backward), with its own workspace class, composed from the layer graph by the stack's emitters
 * ({@link StackPassesWriter}); this writer adds the decoder's batch (token ids, a batch of
 * sequences of one length), its language-model head through the output's weight (the token
 * embeddings tied, or {@code lm_head.weight}) and the next-token loss. Cached incremental decoding
 * is the runtime's {@code CachedDecoding} over the same parameters, which the passes hand out.
 *
 * <p>For GPT-2's shape the passes compute what the runtime's {@code Decoder} computes, bit for bit: the same ops on
 * the same rows, the dropout masks drawn in the same order from the same seed (a layer's masks
 * before it runs, attention's rows over the workspace's capacity, as the {@code Decoder} draws
 * them). {@link #gaps} is the one place that says which decoders it composes: GPT-2's (or nlpm's) names,
 * causal attention, pre- or post-LayerNorm, learned, sinusoidal or no positions, any cross-layer
 * sharing, factorized embeddings (a tied output reached through {@code embedding_hidden_mapping_out}), no token types, the
 * causal-LM objective; the generated passes
 * hand {@code CachedDecoding} the {@code DecoderShape} it decodes them with.
 */
public final class DecoderPassesWriter extends StackPassesWriter {

  private static final String DECODER = "dev.nlpm.runtime.decoder";
  private static final ClassName PASSES = ClassName.get(DECODER, "DecoderPasses");
  private static final ClassName ACTIVATIONS = ClassName.get(DECODER, "DecoderActivations");
  private static final ClassName CONFIG = ClassName.get(DECODER, "DecoderConfig");
  private static final ClassName DECODING = ClassName.get(DECODER, "CachedDecoding");
  private static final ClassName DECODER_SHAPE = ClassName.get(DECODER, "DecoderShape");
  private static final ClassName PLACEMENT = ClassName.get("dev.nlpm.runtime.encoder", "EncoderShape", "Placement");
  private static final ClassName POSITIONS = ClassName.get("dev.nlpm.runtime.encoder", "EncoderShape", "Positions");
  private static final ClassName SHARING = ClassName.get("dev.nlpm.runtime.encoder", "EncoderShape", "Sharing");
  private static final ClassName INPUT_GRADIENT = ClassName.get("dev.nlpm.runtime.kernels", "TiedInputGradient");
  private static final ClassName WEIGHT_GRADIENT = ClassName.get("dev.nlpm.runtime.kernels", "TiedEmbeddingGradient");
  private static final TypeName IDS = ArrayTypeName.of(TypeName.INT);

  private DecoderPassesWriter(LayerGraph graph) {
    super(graph, decoder(graph).embeddings(), decoder(graph).stack());
  }

  private static Architecture.Decoder decoder(LayerGraph graph) {
    List<String> gaps = gaps(graph);
    if (!gaps.isEmpty()) {
      throw new IllegalArgumentException(graph.model().name() + ": no passes for " + String.join(", ", gaps));
    }
    return (Architecture.Decoder) graph.model().architecture();
  }

  /** {@code <Model>Passes} for {@code graph}; see {@link #gaps} for the graphs it composes. */
  public static GeneratedFile generate(LayerGraph graph) {
    return new DecoderPassesWriter(graph).write();
  }

  /** Whether this writer composes {@code graph}'s passes. */
  public static boolean covers(LayerGraph graph) {
    return gaps(graph).isEmpty();
  }

  /**
   * What keeps this writer from composing {@code graph}'s passes; empty when it can. The one place
   * that says which decoder shapes the generated passes cover.
   */
  public static List<String> gaps(LayerGraph graph) {
    var model = graph.model();
    if (!(model.architecture() instanceof Architecture.Decoder d)) {
      return List.of("a " + model.family().keyword() + ", not a decoder");
    }
    List<String> gaps = new ArrayList<>();
    if (!Runnability.of(model).facade()) {
      gaps.add("a shape the runtime does not run");
    }
    var stack = d.stack();
    var embeddings = d.embeddings();
    // a decoder's nlpm names are GPT-2's (DecoderLowering)
    if (model.names() != CheckpointNames.GPT2 && model.names() != CheckpointNames.NLPM) {
      gaps.add(model.names().keyword() + " names");
    }
    if (!(stack.attention() instanceof Attention.Causal)) {
      gaps.add(stack.attention().keyword() + " attention");
    }
    if (embeddings.positions() == Positions.RELATIVE) {
      gaps.add("relative positions");
    }
    if (embeddings.segments() > 0) {
      gaps.add("token types");
    }
    for (Objective objective : model.objectives()) {
      if (!(objective instanceof Objective.CausalLm)) {
        gaps.add(objective.keyword() + " objective");
      }
    }
    if (model.objective(Objective.CausalLm.class).isEmpty()) {
      gaps.add("no clm objective");
    }
    return List.copyOf(gaps);
  }

  // ================================================================================================
  // The batch: token ids, b sequences of t
  // ================================================================================================

  @Override
  String input(String name) {
    return name.equals("ids") ? "ids" : null;
  }

  @Override
  void addBatchParameters(MethodSpec.Builder method) {
    method.addParameter(TypeName.INT, "b").addParameter(TypeName.INT, "t");
  }

  @Override
  String batchArguments() {
    return "b, t";
  }

  @Override
  CodeBlock batchLocals() {
    return CodeBlock.builder().addStatement("int n = b * t").build();
  }

  @Override
  boolean masksDrawnFirst() {
    return true;
  }

  // ================================================================================================
  // The class
  // ================================================================================================

  @Override
  TypeSpec.Builder type() {
    Pass top = new Pass(null, null);
    Pass layer = new Pass("x", "x");
    CodeBlock.Builder checks = CodeBlock.builder();
    CodeBlock.Builder loss = CodeBlock.builder();
    bufferDeclarations();
    for (Op op : graph.ops()) {
      add(op, top, layer, checks, loss);
    }
    boolean tied = ((Architecture.Decoder) model.architecture()).tieEmbeddings();
    TypeSpec.Builder type = TypeSpec.classBuilder(simpleName())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(ParameterizedTypeName.get(PASSES, workspace))
        .addJavadoc("$L's passes, composed from its layer graph: token $L, $L $L-LayerNorm layers$L of\n"
            + "$L-head causal attention and a $L-wide $L feed-forward block,$L\n"
            + "the logits through $L. The forward pass, the causal-LM loss and the training pass (forward, loss,\n"
            + "$L; cached decoding through the runtime's\n"
            + "{@code CachedDecoding}. The parameters are only read; the activations live in a {@link Workspace} each caller brings.\n",
            model.name(), positionsPhrase() + (embeddingSize != hidden ? " " + embeddingSize + " wide, mapped to the hidden width" : ""), layers, preNorm ? "pre" : "post", sharingPhrase(), heads, intermediate,
            activation.toLowerCase(Locale.ROOT), preNorm ? " the final LayerNorm," : "",
            tied ? (embeddingSize != hidden ? "{@code embedding_hidden_mapping_out} and " : "") + "the token embeddings (tied)"
                : "{@code lm_head.weight}",
            gpt2Shape() ? "backward), bit for bit what the runtime's {@code Decoder} computes" : "backward), in its shape");
    type.addField(KERNELS, "kernels", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(PARAMETERS, "parameters", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(PARALLEL, "parallel", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(FieldSpec.builder(TypeName.BOOLEAN, "dropout", Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("Whether training draws the declared dropout (false: every rate 0).\n").build());
    type.addField(FieldSpec.builder(DECODING, "decoding", Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("Cached decoding over the same parameters; its output logits (the output's weight held transposed, remade when\n"
            + "the parameters change) serve the forward pass too.\n").build());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("The passes over {@code parameters} (of {@code $L}), the products through {@code kernels}, the work split by\n"
            + "{@code parallel}, with the declared dropout.\n", sibling("Layout").simpleName() + ".LAYOUT")
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "parameters").addParameter(PARALLEL, "parallel")
        .addStatement("this(kernels, parameters, parallel, true)")
        .build());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addParameter(KERNELS, "kernels").addParameter(PARAMETERS, "parameters").addParameter(PARALLEL, "parallel")
        .addParameter(TypeName.BOOLEAN, "dropout")
        .addStatement("this.kernels = $T.requireNonNull(kernels, $S)", Objects.class, "kernels")
        .addStatement("this.parameters = $T.requireNonNull(parameters, $S)", Objects.class, "parameters")
        .addStatement("this.parallel = $T.requireNonNull(parallel, $S)", Objects.class, "parallel")
        .addStatement("this.dropout = dropout")
        .addStatement(gpt2Shape()
            ? CodeBlock.of("this.decoding = new $T($T.CONFIG, kernels, parameters, parallel)", DECODING, sibling("Model"))
            : CodeBlock.of("this.decoding = new $T($T.CONFIG, $L, kernels, parameters, parallel)", DECODING, sibling("Model"), shape()))
        .build());
    type.addMethod(MethodSpec.methodBuilder("withoutDropout").addModifiers(Modifier.PUBLIC).returns(sibling("Passes"))
        .addJavadoc("The same passes with every dropout off (for comparisons with a reference run without dropout).\n")
        .addStatement("return new $L(kernels, parameters, parallel, false)", simpleName())
        .build());
    type.addMethod(override("config", CONFIG)
        .addStatement("return dropout ? $T.CONFIG : $T.CONFIG.withoutDropout()", sibling("Model"), sibling("Model")).build());
    type.addMethod(override("parameters", PARAMETERS).addStatement("return parameters").build());
    type.addMethod(override("kernels", KERNELS).addStatement("return kernels").build());
    type.addMethod(override("decoding", DECODING).addStatement("return decoding").build());
    type.addMethod(override("workspace", workspace)
        .addParameter(TypeName.INT, "maxBatch").addParameter(TypeName.INT, "maxLength")
        .addStatement("return new Workspace(maxBatch, maxLength)").build());
    type.addMethod(override("forward", TypeName.VOID)
        .addParameter(IDS, "ids").addParameter(TypeName.INT, "batch").addParameter(TypeName.INT, "length").addParameter(workspace, "ws")
        .addStatement("forward(ids, batch, length, ws, null)").build());
    type.addMethod(override("train", TypeName.FLOAT)
        .addParameter(IDS, "ids").addParameter(IDS, "labels").addParameter(TypeName.INT, "batch").addParameter(TypeName.INT, "length")
        .addParameter(workspace, "ws").addParameter(PARAMETERS, "gradients").addParameter(TypeName.LONG, "dropoutSeed")
        .addStatement("forward(ids, batch, length, ws, dropout ? new $T(dropoutSeed) : null)", RANDOM)
        .addStatement("float loss = loss(ids, labels, ws, true)")
        .addStatement("backward(ids, ws, gradients)")
        .addStatement("return loss").build());
    type.addMethod(override("loss", TypeName.FLOAT)
        .addParameter(IDS, "ids").addParameter(TypeName.INT, "batch").addParameter(TypeName.INT, "length").addParameter(workspace, "ws")
        .addStatement("forward(ids, batch, length, ws, null)")
        .addStatement("return loss(ids, null, ws, false)").build());
    type.addMethod(forward(top, checks.build()));
    type.addMethod(layerForward(layer));
    type.addMethod(loss(loss.build()));
    type.addMethod(backward(top));
    type.addMethod(layerBackward(layer));
    addLayerNames(type);
    addSinusoids(type);
    type.addType(workspaceType());
    return type;
  }

  private String positionsPhrase() {
    return switch (((Architecture.Decoder) model.architecture()).embeddings().positions()) {
      case LEARNED -> "and learned position embeddings";
      case SINUSOIDAL -> "embeddings and fixed sinusoidal positions";
      default -> "embeddings without positions";
    };
  }

  /** GPT-2's shape (pre-LayerNorm, learned positions, no sharing, embeddings as wide as hidden): the runtime's {@code Decoder} computes it too. */
  private boolean gpt2Shape() {
    Architecture.Decoder decoder = (Architecture.Decoder) model.architecture();
    return preNorm && decoder.embeddings().positions() == Positions.LEARNED && decoder.stack().sharing() == Sharing.NONE
        && embeddingSize == hidden;
  }

  private String sharingPhrase() {
    return switch (((Architecture.Decoder) model.architecture()).stack().sharing()) {
      case ALL -> " sharing layer 0's weights";
      case ATTENTION -> " sharing layer 0's attention";
      case FFN -> " sharing layer 0's feed-forward block";
      default -> "";
    };
  }

  /** The decoder's {@code DecoderShape} (GPT-2's is the decoding's default), which its cached decoding composes: LayerNorm placement, positions, sharing. */
  private CodeBlock shape() {
    Architecture.Decoder decoder = (Architecture.Decoder) model.architecture();
    return CodeBlock.of("new $T($T.$L, $T.$L, $T.$L, $L)", DECODER_SHAPE, PLACEMENT, preNorm ? "PRE" : "POST",
        POSITIONS, decoder.embeddings().positions().name(), SHARING, decoder.stack().sharing().name(), embeddingSize);
  }

  private MethodSpec forward(Pass pass, CodeBlock checks) {
    return MethodSpec.methodBuilder("forward").addModifiers(Modifier.PRIVATE)
        .addJavadoc("The forward pass to the logits; dropout drawn from {@code random}, none when it is null.\n")
        .addParameter(IDS, "ids").addParameter(TypeName.INT, "b").addParameter(TypeName.INT, "t").addParameter(workspace, "ws")
        .addParameter(RANDOM, "random")
        .beginControlFlow("if (b > ws.maxBatch || t > ws.maxLength)")
        .addStatement("throw new $T(\"batch \" + b + \" × \" + t + \" exceeds the workspace's \" + ws.maxBatch + \" × \" + ws.maxLength)",
            IllegalArgumentException.class)
        .endControlFlow()
        .beginControlFlow("if (ids.length != b * t)")
        .addStatement("throw new $T(ids.length + \" ids for \" + b + \" × \" + t)", IllegalArgumentException.class)
        .endControlFlow()
        .addStatement("int n = b * t")
        .addStatement("ws.batch = b").addStatement("ws.length = t")
        .addStatement("$T p = parameters", PARAMETERS)
        .addCode(checks)
        .addCode(pass.forwardCode())
        .build();
  }

  private MethodSpec loss(CodeBlock head) {
    return MethodSpec.methodBuilder("loss").addModifiers(Modifier.PRIVATE).returns(TypeName.FLOAT)
        .addJavadoc("The mean next-token loss of the last forward pass (position {@code i} predicts token {@code i + 1} of {@code\n"
            + "labels}, or of the ids without them; the last of each sequence predicts nothing); with {@code gradients}, the logits\n"
            + "become the loss's gradient.\n")
        .addParameter(IDS, "ids").addParameter(IDS, "labels").addParameter(workspace, "ws").addParameter(TypeName.BOOLEAN, "gradients")
        .addStatement("int t = ws.length").addStatement("int n = ws.batch * t")
        .addCode(head)
        .build();
  }

  private MethodSpec backward(Pass pass) {
    return MethodSpec.methodBuilder("backward").addModifiers(Modifier.PRIVATE)
        .addJavadoc("The backward pass: the ops of {@link #forward} in reverse, the gradients added into {@code g}.\n")
        .addParameter(IDS, "ids").addParameter(workspace, "ws").addParameter(PARAMETERS, "g")
        .addStatement("int b = ws.batch").addStatement("int t = ws.length").addStatement("int n = b * t")
        .addStatement("$T p = parameters", PARAMETERS)
        .addCode(pass.backwardCode())
        .build();
  }

  // ================================================================================================
  // The ops: the stack's emitters, and the language-model head
  // ================================================================================================

  private void add(Op op, Pass model, Pass layer, CodeBlock.Builder checks, CodeBlock.Builder loss) {
    if (op instanceof Op.Embedding embedding) {
      addEmbedding(embedding, model, checks);
    } else if (op instanceof Op.PositionEncoding positions) {
      addPositions(positions, model, checks);
    } else if (op instanceof Op.LayerNorm norm) {
      addLayerNorm(norm, model);
    } else if (op instanceof Op.Dropout dropout) {
      addDropout(dropout, model);
    } else if (op instanceof Op.Linear mapping) {
      addMapping(mapping, model);
    } else if (op instanceof Op.Repeat repeat && repeat.label().equals("blockwise head")) {
      model.forward.comment("$L: trained apart, on the frozen model, by the runtime's ProposalHeads", op.line());
    } else if (op instanceof Op.Repeat repeat) {
      addLayers(repeat, model, layer);
    } else if (op instanceof Op.ObjectiveHead head && head.loss().kind() == Loss.Kind.NEXT_TOKEN) {
      addLanguageModelHead(head, model, loss);
    } else {
      throw new IllegalStateException("no emitter for " + op.line());
    }
  }

  /**
   * The logits of every row through the output's weight W [vocab, width] (the token embeddings
   * tied, {@code lm_head.weight} untied), the next-token loss, and their backward: d(hidden) =
   * dLogits · W, d(W) += dLogitsᵀ · hidden. Tied to factorized embeddings, the hidden state is
   * first mapped back to their width ({@code embedding_hidden_mapping_out}, the mapping-in's
   * emitter), its backward taking d(projected) on to d(hidden).
   */
  private void addLanguageModelHead(Op.ObjectiveHead op, Pass pass, CodeBlock.Builder loss) {
    Op.Linear output = (Op.Linear) op.body().get(op.body().size() - 1);
    // pre-LayerNorm: the final LayerNorm's backward takes d(hidden) on to ws.dx; post: the last layer's backward reads it there
    String dHidden = preNorm ? "ws.dFinal" : "ws.dx";
    boolean projected = op.body().size() > 1;
    if (projected) {
      addMapping((Op.Linear) op.body().get(0), pass, "ws.projected", dHidden);
    }
    // what the output's weight multiplies, and where its gradient goes
    String input = projected ? "projected" : "hidden";
    String dInput = projected ? "ws.dProjected" : dHidden;
    String hiddenStates = pass.stream;
    String hiddenInBackward = pass.streamInBackward;
    pass.forward.serial(CodeBlock.builder()
        .add("// $L: logits = $L · Wᵀ, through W held transposed    [n, $L]\n", op.line(), input, vocab)
        .add("// $L\n", output.line())
        .addStatement("decoding.outputLogits($L, n, ws.logits)", hiddenStates)
        .build());
    loss.add("// $L: position i of each sequence predicts token i + 1; the last predicts nothing\n", op.line())
        .addStatement("int[] next = labels == null ? ids : labels")
        .addStatement("int[] targets = new int[n]")
        .beginControlFlow("for (int r = 0; r < n; r++)")
        .addStatement("targets[r] = r % t == t - 1 ? -100 : next[r + 1]")
        .endControlFlow()
        .addStatement("return $T.forwardBackward(ws.logits, targets, n, $L, gradients ? ws.logits : null)", CROSS_ENTROPY, vocab);
    pass.backward(body -> {
      String weight = body.matrix("p", output.weight());
      String dWeight = body.matrix("g", output.weight());
      body.comment("$L: d($L) = dLogits · W    [n, $L]", op.line(), input, output.in());
      body.serial("parallel.forRange(n, $T.BLOCK, (from, to) -> $T.product(ws.logits, $L, $L, $L, from, to))", INPUT_GRADIENT,
          INPUT_GRADIENT, weight, vocab, dInput);
      body.comment("d(W) += dLogitsᵀ · $L, through $L transposed    [$L, $L]", input, input, vocab, output.in());
      body.serial("$T.transpose($L, n, ws.hiddenTransposed)", WEIGHT_GRADIENT, hiddenInBackward);
      body.serial("parallel.forRange($L, $T.TILE, (from, to) -> $T.accumulate(ws.hiddenTransposed, n, ws.logits, ws.weightGradientTransposed,"
          + " $L, from, to))", vocab, WEIGHT_GRADIENT, WEIGHT_GRADIENT, dWeight);
      pass.dStream = dInput;
    });
  }

  // ================================================================================================
  // The workspace
  // ================================================================================================

  private void bufferDeclarations() {
    String h = String.valueOf(hidden);
    stackBuffers();
    // the output's input: the hidden state, or (tied to factorized embeddings) it mapped back to their width
    String in = String.valueOf(outputInputWidth());
    if (projectedBack()) {
      buffer("projected", "the hidden state mapped back to the embedding width", "n", in);
    }
    buffer("logits", "the logits (in training, then their gradient)", "n", String.valueOf(vocab));
    buffer("hiddenTransposed", "the output's weight gradient, through transposed buffers", in, "n");
    buffer("weightGradientTransposed", "the output's weight gradient, through transposed buffers", in, String.valueOf(vocab));
    buffer("dFinal", "backward scratch", "n", h);
    if (projectedBack()) {
      buffer("dProjected", "backward scratch", "n", in);
    }
    stackScratch();
  }

  /** Whether the hidden state is mapped back to the embeddings' width before the tied output (factorized embeddings). */
  private boolean projectedBack() {
    return ((Architecture.Decoder) model.architecture()).tieEmbeddings() && embeddingSize != hidden;
  }

  /** The width the output's weight multiplies: the embeddings' when tied, the hidden width when not. */
  private int outputInputWidth() {
    return ((Architecture.Decoder) model.architecture()).tieEmbeddings() ? embeddingSize : hidden;
  }

  private TypeSpec workspaceType() {
    TypeSpec.Builder type = TypeSpec.classBuilder("Workspace")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(ACTIVATIONS)
        .addJavadoc("Every activation, dropout mask and backward buffer of one pass, allocated once for {@code maxBatch}\n"
            + "sequences of up to {@code maxLength} positions. One caller at a time.\n");
    type.addField(TypeName.INT, "maxBatch", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(TypeName.INT, "maxLength", Modifier.PRIVATE, Modifier.FINAL);
    type.addField(TypeName.INT, "batch", Modifier.PRIVATE);
    type.addField(TypeName.INT, "length", Modifier.PRIVATE);
    CodeBlock.Builder init = CodeBlock.builder()
        .beginControlFlow("if (maxBatch <= 0 || maxLength <= 0)")
        .addStatement("throw new $T(\"workspace capacity must be positive, got \" + maxBatch + \" × \" + maxLength)",
            IllegalArgumentException.class)
        .endControlFlow()
        .beginControlFlow("if (maxLength > $L)", maxLength)
        .addStatement("throw new $T(\"sequence capacity \" + maxLength + \" exceeds the model's $L positions\")", IllegalArgumentException.class,
            maxLength)
        .endControlFlow()
        .addStatement("this.maxBatch = maxBatch").addStatement("this.maxLength = maxLength")
        .addStatement("int n = maxBatch * maxLength").addStatement("int items = maxBatch * $L", heads);
    addBuffers(type, init);
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addParameter(TypeName.INT, "maxBatch").addParameter(TypeName.INT, "maxLength")
        .addCode(init.build()).build());
    type.addMethod(override("maxBatch", TypeName.INT).addStatement("return maxBatch").build());
    type.addMethod(override("maxLength", TypeName.INT).addStatement("return maxLength").build());
    type.addMethod(override("logits", VECTOR).addParameter(TypeName.INT, "row").addStatement("return logits[row]").build());
    // the final LayerNorm's output after pre-LayerNorm layers, the last layer's after post-LayerNorm ones
    type.addMethod(override("hidden", VECTOR).addParameter(TypeName.INT, "row")
        .addCode(preNorm ? CodeBlock.of("return finalOut[row];\n") : CodeBlock.of("return out[$L][row];\n", layers - 1)).build());
    return type.build();
  }
}
