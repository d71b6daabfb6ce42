package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.nlpm.compiler.graph.LayerGraph;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.FineTuningHead;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.ir.Tokenizer;
import dev.nlpm.compiler.ir.TrainingDefaults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Model}, the facade of an encoder declaration: its sizes as the runtime's
 * {@code EncoderConfig} (with its {@code EncoderShape} — names, LayerNorm placement, positions,
 * pooler, embedding width, sharing, SOP — when it is not BERT's), its declared pretraining and training settings, BERT's
 * initialization, and the encoder, trainer and inference model wired to the generated {@code
 * <Model>Kernels} and {@code <Model>Layout}; as static methods, and as the runtime's {@code
 * EncoderFacade} ({@link FacadeInterfaces}).
 */
final class EncoderModelWriter extends SourceWriter {

  private static final String ENCODER = "dev.nlpm.runtime.encoder";
  private static final ClassName CONFIG = ClassName.get(ENCODER, "EncoderConfig");
  private static final ClassName SHAPE = ClassName.get(ENCODER, "EncoderShape");
  private static final ClassName NAMES = ClassName.get(ENCODER, "EncoderNames");
  private static final ClassName ACTIVATION = ClassName.get(ENCODER, "FeedForwardActivation");
  private static final ClassName KERNELS = ClassName.get("dev.nlpm.runtime.kernels", "ProductKernels");
  private static final ClassName PARAMETERS = ClassName.get("dev.nlpm.runtime.parameters", "ParameterRows");
  private static final TypeName ANY_PASSES = ParameterizedTypeName.get(ClassName.get(ENCODER, "EncoderPasses"), WildcardTypeName.subtypeOf(Object.class));
  private static final ClassName PARALLEL = ClassName.get("dev.nlpm.runtime.kernels", "Parallel");
  private static final ClassName MODEL = ClassName.get(ENCODER, "EncoderModel");
  private static final ClassName TRAINER = ClassName.get("dev.nlpm.runtime.training", "EncoderTrainer");
  private static final ClassName OPTIONS = TRAINER.nestedClass("Options");
  private static final ClassName MASKING = ClassName.get("dev.nlpm.runtime.pretrain", "Masking");
  private static final ClassName MASKER = ClassName.get("dev.nlpm.runtime.pretrain", "MlmMasker");
  private static final ClassName MLM_SETTINGS = ClassName.get("dev.nlpm.runtime.pretrain", "MlmSettings");
  private static final ClassName INITIALIZER = ClassName.get("dev.nlpm.runtime.parameters", "TruncatedNormalInitializer");
  private static final ClassName TOKENIZER = ClassName.get("dev.nlpm.runtime.text", "EncoderTokenizer");

  private final Architecture.Encoder architecture;

  /** For an encoder the runtime runs whole ({@link Runnability#facade}), whose kernels and passes are generated too. */
  EncoderModelWriter(LayerGraph graph) {
    super(graph.model());
    this.architecture = (Architecture.Encoder) model.architecture();
    List<String> gaps = PassesWriter.gaps(graph);
    if (!gaps.isEmpty()) {
      throw new IllegalStateException(model.name() + ": a facade needs the generated passes, which are missing (" + String.join(", ", gaps) + ")");
    }
  }

  /** The model's generated passes over {@code parameters} and {@code parallel}. */
  private CodeBlock newPasses(String parameters, String parallel) {
    return CodeBlock.of("new $T(kernels(), $L, $L)", sibling("Passes"), parameters, parallel);
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
        .addJavadoc("$L: a BERT-style encoder of $L layers, width $L, $L heads, as declared. {@link #initialize} and\n"
            + "{@link #trainer} pretrain it with its declared objectives and settings; {@link #load} reads a trained\n"
            + "model directory for hidden states, fill-mask and embeddings.\n", model.name(), stack.layers(), stack.hidden(), stack.heads());
    type.addJavadoc("\n<p>It runs on {@link $T}, its passes as the compiler composed them.\n", sibling("Passes"));
    type.addField(constant(TypeName.get(String.class), "NAME", CodeBlock.of("$S", model.name()), "The model's name, recorded in its checkpoints."));
    type.addField(constant(CONFIG, "CONFIG", config(), "The sizes and choices the runtime encoder runs with."));
    addPretrainingConstants(type);
    FacadeInterfaces.implement(type, FacadeInterfaces.ENCODER);
    addKernels(type);
    addInitialize(type);
    addEncoder(type);
    addTrainingOptions(type);
    addMasker(type);
    addTrainer(type);
    addModel(type);
    addLoad(type);
    addLoadPretrained(type);
    addEncoderFacade(type);
    return type;
  }

  private CodeBlock config() {
    var stack = architecture.stack();
    var embeddings = architecture.embeddings();
    boolean mlm = model.objective(Objective.MaskedLm.class).isPresent();
    boolean sop = model.objective(Objective.SentenceOrder.class).isPresent();
    boolean nsp = sop || model.objective(Objective.NextSentence.class).isPresent();
    FineTuningHead sequence = head(FineTuningHead.SequenceClassification.class);
    FineTuningHead token = head(FineTuningHead.TokenClassification.class);
    boolean both = sequence != null && token != null;
    return CodeBlock.builder()
        .add("new $T($L, $L, $L, $L, $L, $L, $L, $L,\n", CONFIG, embeddings.vocab().size(), stack.hidden(), stack.layers(), stack.heads(),
            stack.intermediate(), embeddings.maxLength(), embeddings.segments(), stack.norm().eps())
        .add("    $T.$L, $Lf, $Lf, $L, $L,\n", ACTIVATION, stack.activation().name(), (float) stack.dropout().hidden(),
            (float) stack.dropout().attention(), mlm, nsp)
        .add("    $S, $L, $S, $L", sequence == null ? null : both ? "sequence_classifier" : "classifier", sequence == null ? 0 : sequence.labels(),
            token == null ? null : both ? "token_classifier" : "classifier", token == null ? 0 : token.labels())
        .add(bertShape(sop) ? CodeBlock.of(")") : CodeBlock.of(",\n    $L)", shape(sop)))
        .build();
  }

  /** The runtime's names for the declared ones ({@code nlpm} is BERT's for an encoder, as the planner names it). */
  private String names() {
    return switch (model.names()) {
      case ROBERTA -> "ROBERTA";
      case ALBERT -> "ALBERT";
      case DISTILBERT -> "DISTILBERT";
      default -> "BERT";
    };
  }

  /** Whether the declaration is BERT's shape, whose config the constructor without a shape gives. */
  private boolean bertShape(boolean sop) {
    var stack = architecture.stack();
    var embeddings = architecture.embeddings();
    return names().equals("BERT") && stack.norm().placement() == Norm.Placement.POST && embeddings.positions() == Positions.LEARNED
        && architecture.pooler() && embeddings.size() == stack.hidden() && stack.sharing() == Sharing.NONE && !sop;
  }

  private CodeBlock shape(boolean sop) {
    var stack = architecture.stack();
    var embeddings = architecture.embeddings();
    return CodeBlock.of("new $T($T.$L, $T.Placement.$L, $T.Positions.$L, $L, $L, $T.Sharing.$L, $L)", SHAPE, NAMES, names(),
        SHAPE, stack.norm().placement().name(), SHAPE, embeddings.positions().name(), architecture.pooler(), embeddings.size(),
        SHAPE, stack.sharing().name(), sop);
  }

  /** The longest sequence: the declared max_length, less RoBERTa's two offset position rows. */
  private int longestSequence() {
    int offset = model.names() == CheckpointNames.ROBERTA && architecture.embeddings().positions() == Positions.LEARNED ? 2 : 0;
    return architecture.embeddings().maxLength() - offset;
  }

  private FineTuningHead head(Class<? extends FineTuningHead> kind) {
    return model.heads().stream().filter(kind::isInstance).findFirst().orElse(null);
  }

  private void addPretrainingConstants(TypeSpec.Builder type) {
    TrainingDefaults t = model.training();
    Objective.MaskedLm mlm = model.objective(Objective.MaskedLm.class).orElse(null);
    double rate = mlm == null ? 0.15 : mlm.rate();
    type.addField(constant(TypeName.DOUBLE, "MLM_RATE", CodeBlock.of("$L", rate), "The share of tokens MLM predicts."));
    type.addField(constant(TypeName.DOUBLE, "MLM_MASK", CodeBlock.of("$L", mlm == null ? 0.8 : mlm.mask()),
        "The share of predicted tokens replaced by [MASK]."));
    type.addField(constant(TypeName.DOUBLE, "MLM_RANDOM", CodeBlock.of("$L", mlm == null ? 0.1 : mlm.random()),
        "The share of predicted tokens replaced by a random token."));
    type.addField(constant(TypeName.DOUBLE, "MLM_KEEP", CodeBlock.of("$L", mlm == null ? 0.1 : mlm.keep()),
        "The share of predicted tokens left as they are."));
    type.addField(constant(MASKING, "MASKING",
        CodeBlock.of("$T.$L", MASKING, mlm == null || mlm.masking() == Objective.Masking.STATIC ? "STATIC" : "DYNAMIC"),
        "Whether an example's masks are drawn once or every epoch."));
    int sequence = Math.min(t.seq() > 0 ? t.seq() : 128, longestSequence());
    type.addField(constant(TypeName.INT, "SEQUENCE", CodeBlock.of("$L", sequence), "The declared training sequence length."));
    type.addField(constant(TypeName.INT, "BATCH", CodeBlock.of("$L", Math.max(1, t.batch())), "The declared batch size."));
    type.addField(constant(TypeName.INT, "MAX_PREDICTIONS", CodeBlock.of("$L", (int) Math.ceil(sequence * rate)),
        "The most MLM positions in one sequence, as BERT's max_predictions_per_seq."));
    boolean lowercase = !(model.tokenizer() instanceof Tokenizer.WordPiece wp) || wp.lowercase();
    type.addField(constant(TypeName.BOOLEAN, "LOWERCASE", CodeBlock.of("$L", lowercase), "Whether the WordPiece tokenizer lowercases."));
  }

  private void addKernels(TypeSpec.Builder type) {
    MethodSpec.Builder kernels = method("kernels", KERNELS,
        "The generated kernels, or the plain (EJML) ones when the system property {@code nlpm.plainKernels} is true.\n");
    kernels.addStatement("return $T.choose(new $T())", KERNELS, sibling("Kernels"));
    type.addMethod(kernels.build());
  }

  private void addInitialize(TypeSpec.Builder type) {
    type.addMethod(method("initialize", PARAMETERS,
            "Fresh parameters, initialized as BERT is (truncated normal 0.02; LayerNorm gains 1, biases 0) from {@code seed}.\n")
        .addParameter(TypeName.LONG, "seed")
        .addStatement("$T parameters = new $T($T.LAYOUT)", PARAMETERS, PARAMETERS, sibling("Layout"))
        .addStatement("float[] flat = new float[$T.LAYOUT.size()]", sibling("Layout"))
        .addStatement("$T.bert().initialize($T.LAYOUT, flat, seed)", INITIALIZER, sibling("Layout"))
        .addStatement("parameters.importFrom(flat)")
        .addStatement("return parameters")
        .build());
  }

  private void addEncoder(TypeSpec.Builder type) {
    type.addMethod(method("encoder", sibling("Passes"),
            "The encoder's passes over {@code parameters}, their work split by {@code parallel}.\n")
        .addParameter(PARAMETERS, "parameters")
        .addParameter(PARALLEL, "parallel")
        .addStatement("return $L", newPasses("parameters", "parallel"))
        .build());
  }

  private void addTrainingOptions(TypeSpec.Builder type) {
    TrainingDefaults t = model.training();
    TrainingOptionsMethods.add(type, t, model.name());
    CodeBlock threads = t.threads() > 0 ? CodeBlock.of("$L", t.threads()) : CodeBlock.of("$T.getRuntime().availableProcessors()", Runtime.class);
    type.addMethod(method("threads", TypeName.INT, "The declared thread count ($L).\n", t.threads() > 0 ? t.threads() : "a thread per core")
        .addStatement("return $L", threads)
        .build());
  }

  private void addMasker(TypeSpec.Builder type) {
    type.addMethod(method("masker", MASKER, "MLM masking as declared, over {@code tokenizer}'s vocabulary and special tokens.\n")
        .addParameter(TOKENIZER, "tokenizer")
        .addStatement("return masker(tokenizer, SEQUENCE, MLM_RATE, MLM_MASK, MLM_RANDOM, MLM_KEEP)")
        .build());
    type.addMethod(method("masker", MASKER,
            "MLM masking of sequences of up to {@code sequence} tokens at another rate and split (the shares of [MASK], random\n"
                + "and kept tokens, summing to 1), over {@code tokenizer}'s vocabulary and special tokens; a trainer for it needs\n"
                + "{@code maxPredictions(sequence, rate)} positions a sequence.\n")
        .addParameter(TOKENIZER, "tokenizer")
        .addParameter(TypeName.INT, "sequence")
        .addParameter(TypeName.DOUBLE, "rate")
        .addParameter(TypeName.DOUBLE, "mask")
        .addParameter(TypeName.DOUBLE, "random")
        .addParameter(TypeName.DOUBLE, "keep")
        .addStatement("int[] specials = $T.range(0, tokenizer.vocabulary().size()).filter(tokenizer::isSpecial).toArray()",
            ClassName.get("java.util.stream", "IntStream"))
        .addStatement("return new $T(rate, mask, random, keep, tokenizer.maskId(), tokenizer.vocabulary().size(), specials,"
            + " maxPredictions(sequence, rate))", MASKER)
        .build());
    type.addMethod(method("maxPredictions", TypeName.INT, "The most MLM positions in a sequence of {@code sequence} tokens at {@code rate}.\n")
        .addParameter(TypeName.INT, "sequence")
        .addParameter(TypeName.DOUBLE, "rate")
        .addStatement("return $T.maxPredictions(sequence, rate)", MASKER)
        .build());
  }

  private void addTrainer(TypeSpec.Builder type) {
    type.addMethod(method("trainer", TRAINER,
            "A trainer for {@code encoder} with {@code options}, its workspace sized for {@code batch} sequences of SEQUENCE positions.\n")
        .addParameter(ANY_PASSES, "encoder")
        .addParameter(OPTIONS, "options")
        .addParameter(TypeName.INT, "batch")
        .addStatement("return trainer(encoder, options, batch, SEQUENCE, MAX_PREDICTIONS)")
        .build());
    type.addMethod(method("trainer", TRAINER,
            "A trainer whose workspace holds {@code batch} sequences of up to {@code sequence} tokens and {@code maxPredictions} MLM\n"
                + "positions a sequence, for another sequence length or a masker at another rate.\n")
        .addParameter(ANY_PASSES, "encoder")
        .addParameter(OPTIONS, "options")
        .addParameter(TypeName.INT, "batch")
        .addParameter(TypeName.INT, "sequence")
        .addParameter(TypeName.INT, "maxPredictions")
        .addStatement("return $T.of(encoder, batch, sequence, batch * maxPredictions, options, NAME, $T.CHECKPOINT_PREFIX)",
            TRAINER, sibling("Layout"))
        .build());
  }

  private void addModel(TypeSpec.Builder type) {
    type.addMethod(method("model", MODEL, "A model for inference over {@code parameters} and {@code tokenizer}.\n")
        .addParameter(PARAMETERS, "parameters")
        .addParameter(TOKENIZER, "tokenizer")
        .addParameter(TypeName.INT, "threads")
        .addStatement("return new $T(NAME, parallel -> $L, threads, tokenizer, $T.CHECKPOINT_PREFIX)", MODEL,
            newPasses("parameters", "parallel"), sibling("Layout"))
        .build());
  }

  private void addLoad(TypeSpec.Builder type) {
    type.addMethod(method("load", MODEL,
            "Reads a model directory ({@code model.safetensors} with the reference's names, and {@code vocab.txt}).\n\n"
                + "@throws dev.nlpm.runtime.checkpoint.CheckpointMismatchException naming every tensor that is missing or of another shape\n")
        .addException(IOException.class)
        .addParameter(Path.class, "directory")
        .addParameter(TypeName.INT, "threads")
        .addStatement("$T parameters = new $T($T.LAYOUT)", PARAMETERS, PARAMETERS, sibling("Layout"))
        .addStatement("return $T.load(directory, NAME, CONFIG, parameters, parallel -> $L, threads, $T.CHECKPOINT_PREFIX, LOWERCASE)",
            MODEL, newPasses("parameters", "parallel"), sibling("Layout"))
        .build());
  }

  private void addLoadPretrained(TypeSpec.Builder type) {
    type.addMethod(method("loadPretrained", PARAMETERS,
            "Parameters initialized from {@code seed}, then overwritten by every tensor a pretrained model directory has\n"
                + "for this layout: fine-tuning starts from the pretrained backbone, and a head the directory lacks (a new\n"
                + "classifier) keeps its fresh initialization.\n\n"
                + "@throws dev.nlpm.runtime.checkpoint.CheckpointMismatchException if a backbone tensor is missing or of another shape\n")
        .addException(IOException.class)
        .addParameter(Path.class, "directory")
        .addParameter(TypeName.LONG, "seed")
        .addStatement("$T parameters = initialize(seed)", PARAMETERS)
        .addStatement("$T.loadWeights(directory, parameters, $T.CHECKPOINT_PREFIX)", MODEL, sibling("Layout"))
        .addStatement("return parameters")
        .build());
  }

  /** {@code EncoderFacade}'s methods, each calling its static twin. */
  private void addEncoderFacade(TypeSpec.Builder type) {
    FacadeInterfaces.addModelFacade(type, CodeBlock.of("$T.CHECKPOINT_PREFIX", sibling("Layout")));
    type.addMethod(FacadeInterfaces.returning("config", CONFIG, CodeBlock.of("CONFIG")));
    type.addMethod(FacadeInterfaces.returning("lowercase", TypeName.BOOLEAN, CodeBlock.of("LOWERCASE")));
    type.addMethod(FacadeInterfaces.returning("mlm", MLM_SETTINGS,
        CodeBlock.of("new $T(MLM_RATE, MLM_MASK, MLM_RANDOM, MLM_KEEP, MASKING)", MLM_SETTINGS)));
    type.addMethod(FacadeInterfaces.returning("declaredThreads", TypeName.INT, CodeBlock.of("threads()")));
    type.addMethod(FacadeInterfaces.override("newParameters", PARAMETERS)
        .addParameter(TypeName.LONG, "seed")
        .addStatement("return initialize(seed)")
        .build());
    type.addMethod(FacadeInterfaces.override("newMasker", MASKER)
        .addParameter(TOKENIZER, "tokenizer")
        .addParameter(TypeName.INT, "sequence")
        .addParameter(MLM_SETTINGS, "mlm")
        .addStatement("return masker(tokenizer, sequence, mlm.rate(), mlm.mask(), mlm.random(), mlm.keep())")
        .build());
    type.addMethod(FacadeInterfaces.override("newEncoder", ANY_PASSES)
        .addParameter(PARAMETERS, "parameters")
        .addParameter(PARALLEL, "parallel")
        .addStatement("return encoder(parameters, parallel)")
        .build());
    type.addMethod(FacadeInterfaces.override("newTrainer", TRAINER)
        .addParameter(ANY_PASSES, "encoder")
        .addParameter(OPTIONS, "options")
        .addParameter(TypeName.INT, "batch")
        .addParameter(TypeName.INT, "sequence")
        .addParameter(TypeName.INT, "maxPredictions")
        .addStatement("return trainer(encoder, options, batch, sequence, maxPredictions)")
        .build());
    type.addMethod(FacadeInterfaces.override("newModel", MODEL)
        .addParameter(PARAMETERS, "parameters")
        .addParameter(TOKENIZER, "tokenizer")
        .addParameter(TypeName.INT, "threads")
        .addStatement("return model(parameters, tokenizer, threads)")
        .build());
    type.addMethod(FacadeInterfaces.override("loadModel", MODEL)
        .addException(IOException.class)
        .addParameter(Path.class, "directory")
        .addParameter(TypeName.INT, "threads")
        .addStatement("return load(directory, threads)")
        .build());
  }
}
