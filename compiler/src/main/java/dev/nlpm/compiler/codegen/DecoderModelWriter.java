package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.nlpm.compiler.graph.LayerGraph;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.TrainingDefaults;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Model} for a GPT-2-style decoder: its sizes as a {@code DecoderConfig}, its
 * declared training settings, initialization, and the decoder's passes (the generated {@code
 * <Model>Passes} where {@link DecoderPassesWriter#covers} the shape, else the runtime's {@code
 * Decoder}) and trainer wired to the generated {@code <Model>Kernels} and {@code <Model>Layout}; with
 * a {@code decoding blockwise} section, its proposal heads too: their number, fresh heads, the heads
 * on a decoder (blockwise decoding's model) and their trainer on the frozen base. The facade
 * implements the runtime's {@code DecoderFacade}, or {@code BlockwiseDecoderFacade} with the section
 * ({@link FacadeInterfaces}).
 */
final class DecoderModelWriter extends SourceWriter {

  private static final ClassName CONFIG = ClassName.get("dev.nlpm.runtime.decoder", "DecoderConfig");
  private static final ClassName DECODER_PARAMETERS = ClassName.get("dev.nlpm.runtime.decoder", "DecoderParameters");
  private static final TypeName PASSES = ParameterizedTypeName.get(ClassName.get("dev.nlpm.runtime.decoder", "DecoderPasses"),
      WildcardTypeName.subtypeOf(Object.class));
  private static final ClassName ACTIVATION = ClassName.get("dev.nlpm.runtime.encoder", "FeedForwardActivation");
  private static final ClassName KERNELS = ClassName.get("dev.nlpm.runtime.kernels", "ProductKernels");
  private static final ClassName PARAMETERS = ClassName.get("dev.nlpm.runtime.parameters", "ParameterRows");
  private static final ClassName PARALLEL = ClassName.get("dev.nlpm.runtime.kernels", "Parallel");
  private static final ClassName TRAINER = ClassName.get("dev.nlpm.runtime.training", "EncoderTrainer");
  private static final ClassName OPTIONS = TRAINER.nestedClass("Options");
  private static final ClassName INITIALIZER = ClassName.get("dev.nlpm.runtime.parameters", "TruncatedNormalInitializer");
  private static final ClassName HEADS = ClassName.get("dev.nlpm.runtime.decoder", "ProposalHeads");

  private final Architecture.Decoder architecture;

  /** For a decoder the runtime runs whole ({@link Runnability#facade}), whose kernels and passes are generated too. */
  DecoderModelWriter(LayerGraph graph) {
    super(graph.model());
    this.architecture = (Architecture.Decoder) model.architecture();
    List<String> gaps = DecoderPassesWriter.gaps(graph);
    if (!gaps.isEmpty()) {
      throw new IllegalStateException(model.name() + ": a facade needs the generated passes, which are missing (" + String.join(", ", gaps) + ")");
    }
  }

  @Override
  String simpleName() {
    return model.name() + "Model";
  }

  @Override
  TypeSpec.Builder type() {
    var stack = architecture.stack();
    TypeSpec.Builder type = TypeSpec.classBuilder(simpleName())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("$L: a GPT-2-style decoder of $L layers, width $L, $L heads, as declared. {@link #initialize} and\n"
            + "{@link #trainer} train it on the causal-LM objective; {@link #decoder} runs it, and its {@code step} feeds the\n"
            + "runtime's decoding schemes through a key/value cache.\n", model.name(), stack.layers(), stack.hidden(), stack.heads());
    type.addJavadoc("\n<p>It runs on {@link $T}, its passes as the compiler composed them.\n", sibling("Passes"));
    type.addField(constant(TypeName.get(String.class), "NAME", CodeBlock.of("$S", model.name()), "The model's name, recorded in its checkpoints."));
    // an untied output adds the flag; a tied one keeps the constructor that ties
    type.addField(constant(CONFIG, "CONFIG", CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L, $T.$L, $Lf$L)", CONFIG, architecture.embeddings().vocab().size(),
        stack.hidden(), stack.layers(), stack.heads(), stack.intermediate(), architecture.embeddings().maxLength(), stack.norm().eps(), ACTIVATION,
        stack.activation().name(), (float) stack.dropout().hidden(), architecture.tieEmbeddings() ? "" : ", false"),
        "The sizes the runtime decoder runs with (dropout in training only)."));
    TrainingDefaults t = model.training();
    int sequence = Math.min(t.seq() > 0 ? t.seq() : 128, architecture.embeddings().maxLength());
    type.addField(constant(TypeName.INT, "SEQUENCE", CodeBlock.of("$L", sequence), "The declared training block length."));
    type.addField(constant(TypeName.INT, "BATCH", CodeBlock.of("$L", Math.max(1, t.batch())), "The declared batch size."));
    var blockwise = model.decodings().stream().filter(d -> d instanceof Decoding.Blockwise).map(d -> (Decoding.Blockwise) d).findFirst();
    FacadeInterfaces.implement(type, blockwise.isPresent() ? FacadeInterfaces.BLOCKWISE_DECODER : FacadeInterfaces.DECODER);
    type.addMethod(method("kernels", KERNELS,
            "The generated kernels, or the plain (EJML) ones when the system property {@code nlpm.plainKernels} is true.\n")
        .addStatement("return $T.choose(new $T())", KERNELS, sibling("Kernels"))
        .build());
    type.addMethod(method("initialize", PARAMETERS, "Fresh parameters (truncated normal 0.02; LayerNorm gains 1, biases 0) from {@code seed}.\n")
        .addParameter(TypeName.LONG, "seed")
        .addStatement("$T parameters = $T.rows($T.LAYOUT)", PARAMETERS, DECODER_PARAMETERS, sibling("Layout"))
        .addStatement("float[] flat = new float[$T.LAYOUT.size()]", sibling("Layout"))
        .addStatement("$T.bert().initialize($T.LAYOUT, flat, seed)", INITIALIZER, sibling("Layout"))
        .addStatement("parameters.importFrom(flat)")
        .addStatement("return parameters")
        .build());
    type.addMethod(method("decoder", sibling("Passes"),
            "The decoder's passes over {@code parameters}, its work split by {@code parallel}.\n")
        .addParameter(PARAMETERS, "parameters")
        .addParameter(PARALLEL, "parallel")
        .addStatement("return new $T(kernels(), parameters, parallel)", sibling("Passes"))
        .build());
    TrainingOptionsMethods.add(type, t, model.name());
    type.addMethod(method("trainer", TRAINER, "A trainer for {@code parameters} with {@code options}; give its {@code train} the decoder's pass.\n")
        .addParameter(PARAMETERS, "parameters")
        .addParameter(OPTIONS, "options")
        .addStatement("return new $T(parameters, options, NAME, $T.CHECKPOINT_PREFIX)", TRAINER, sibling("Layout"))
        .build());
    blockwise.ifPresent(d -> blockwiseHeads(type, d.k()));
    addDecoderFacade(type, blockwise.isPresent());
    return type;
  }

  /** The proposal heads of a {@code decoding blockwise { k = K; }} section: trained apart, on the frozen base. */
  private void blockwiseHeads(TypeSpec.Builder type, int k) {
    type.addField(constant(TypeName.INT, "BLOCKWISE_K", CodeBlock.of("$L", k),
        "The proposal heads of blockwise parallel decoding: head {@code i} guesses the token {@code i + 2} ahead."));
    type.addField(constant(TypeName.get(String.class), "HEADS_NAME", CodeBlock.of("NAME + $S", "-blockwise-heads"),
        "The name the heads' own checkpoints record, so that neither checkpoint is read as the other."));
    type.addMethod(method("initializeHeads", PARAMETERS,
            "Fresh proposal heads (weights truncated normal 0.02, biases 0) from {@code seed}, in parameters of their own\n"
                + "(the layout's {@code blockwise_heads} tensors alone), which {@link #headsTrainer} updates while the base stays frozen.\n")
        .addParameter(TypeName.LONG, "seed")
        .addStatement("return $T.initialize($T.layout($T.LAYOUT), seed)", HEADS, HEADS, sibling("Layout"))
        .build());
    type.addMethod(method("proposalHeads", HEADS,
            "The heads in {@code heads} on {@code decoder}: their {@code train} is the heads' pass, their {@code step} the model\n"
                + "{@code Blockwise.decode} runs.\n")
        .addParameter(PASSES, "decoder")
        .addParameter(PARAMETERS, "heads")
        .addStatement("return new $T(decoder, heads)", HEADS)
        .build());
    type.addMethod(method("headsTrainer", TRAINER,
            "A trainer for the heads' parameters alone with {@code options}; give its {@code train} the heads' pass.\n")
        .addParameter(PARAMETERS, "heads")
        .addParameter(OPTIONS, "options")
        .addStatement("return new $T(heads, options, HEADS_NAME, $T.CHECKPOINT_PREFIX)", TRAINER, sibling("Layout"))
        .build());
  }

  /** {@code DecoderFacade}'s methods (and {@code BlockwiseDecoderFacade}'s, with {@code blockwise}), each calling its static twin. */
  private void addDecoderFacade(TypeSpec.Builder type, boolean blockwise) {
    FacadeInterfaces.addModelFacade(type, CodeBlock.of("$T.CHECKPOINT_PREFIX", sibling("Layout")));
    type.addMethod(FacadeInterfaces.returning("vocab", TypeName.INT, CodeBlock.of("CONFIG.vocab()")));
    type.addMethod(FacadeInterfaces.returning("positions", TypeName.INT, CodeBlock.of("CONFIG.maxPositions()")));
    type.addMethod(FacadeInterfaces.returning("config", CONFIG, CodeBlock.of("CONFIG")));
    type.addMethod(FacadeInterfaces.override("newParameters", PARAMETERS)
        .addParameter(TypeName.LONG, "seed")
        .addStatement("return initialize(seed)")
        .build());
    type.addMethod(FacadeInterfaces.override("newDecoder", PASSES)
        .addParameter(PARAMETERS, "parameters")
        .addParameter(PARALLEL, "parallel")
        .addStatement("return decoder(parameters, parallel)")
        .build());
    type.addMethod(FacadeInterfaces.override("newTrainer", TRAINER)
        .addParameter(PARAMETERS, "parameters")
        .addParameter(OPTIONS, "options")
        .addStatement("return trainer(parameters, options)")
        .build());
    if (!blockwise) {
      return;
    }
    type.addMethod(FacadeInterfaces.returning("blockwiseK", TypeName.INT, CodeBlock.of("BLOCKWISE_K")));
    type.addMethod(FacadeInterfaces.returning("headsName", TypeName.get(String.class), CodeBlock.of("HEADS_NAME")));
    type.addMethod(FacadeInterfaces.override("newHeads", PARAMETERS)
        .addParameter(TypeName.LONG, "seed")
        .addStatement("return initializeHeads(seed)")
        .build());
    type.addMethod(FacadeInterfaces.override("newProposalHeads", HEADS)
        .addParameter(PASSES, "decoder")
        .addParameter(PARAMETERS, "heads")
        .addStatement("return proposalHeads(decoder, heads)")
        .build());
    type.addMethod(FacadeInterfaces.override("newHeadsTrainer", TRAINER)
        .addParameter(PARAMETERS, "heads")
        .addParameter(OPTIONS, "options")
        .addStatement("return headsTrainer(heads, options)")
        .build());
  }
}
