package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.TrainingDefaults;
import dev.nlpm.compiler.plan.ModelPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Model} for an {@code lstm_lm} declaration: its sizes and dropout as an
 * {@code LstmConfig}, its declared training, PyTorch's initialization, the model (its generated
 * {@code <Model>Passes}, an {@code LstmPasses}), its truncated-BPTT trainer, and loading a saved
 * model. A
 * vocabulary built at run time ({@code max_vocab}) makes every method that needs the vocabulary
 * take its actual size. The facade implements the runtime's {@code LstmFacade} ({@link
 * FacadeInterfaces}).
 */
final class LstmModelWriter extends SourceWriter {

  private static final ClassName PASSES = ClassName.get("dev.nlpm.runtime.lstm", "LstmPasses");
  private static final ClassName CONFIG = ClassName.get("dev.nlpm.runtime.lstm", "LstmConfig");
  private static final ClassName LSTM_PARAMETERS = ClassName.get("dev.nlpm.runtime.lstm", "LstmParameters");
  private static final ClassName TRAINER = ClassName.get("dev.nlpm.runtime.lstm", "LstmTrainer");
  private static final ClassName KERNELS = ClassName.get("dev.nlpm.runtime.kernels", "ProductKernels");
  private static final ClassName PARAMETERS = ClassName.get("dev.nlpm.runtime.parameters", "ParameterRows");
  private static final ClassName PARALLEL = ClassName.get("dev.nlpm.runtime.kernels", "Parallel");
  private static final ClassName OPTIONS = ClassName.get("dev.nlpm.runtime.training", "EncoderTrainer", "Options");
  private static final ClassName LAYOUT_TYPE = ClassName.get("dev.nlpm.runtime.parameters", "ParameterLayout");
  private static final ClassName CHECKPOINT = ClassName.get("dev.nlpm.runtime.checkpoint", "ParameterCheckpoint");
  private static final ClassName TRAINING_CHECKPOINT = ClassName.get("dev.nlpm.runtime.checkpoint", "TrainingCheckpoint");
  private static final ClassName SAFETENSORS = ClassName.get("dev.nlpm.runtime.checkpoint", "SafetensorsFile");
  private static final ClassName TENSOR_INFO = ClassName.get("dev.nlpm.runtime.checkpoint", "TensorInfo");
  private static final ClassName DIRECTORIES = ClassName.get("dev.nlpm.runtime.io", "AtomicDirectories");

  private final Architecture.LstmLm architecture;
  private final boolean runtimeVocabulary;
  private final String checkpointPrefix;

  /** For an LSTM language model the runtime runs ({@link Runnability#facade}), whose passes are generated too. */
  LstmModelWriter(ModelPlan plan) {
    super(plan.model());
    List<String> gaps = LstmPassesWriter.gaps(plan.graph());
    if (!gaps.isEmpty()) {
      throw new IllegalStateException(model.name() + ": a facade needs the generated passes, which are missing (" + String.join(", ", gaps) + ")");
    }
    this.architecture = (Architecture.LstmLm) plan.model().architecture();
    this.runtimeVocabulary = plan.runtimeVocabulary();
    this.checkpointPrefix = plan.checkpointPrefix();
  }

  @Override
  String simpleName() {
    return model.name() + "Model";
  }

  /** {@code new Config(<vocab>, …)} with every size a literal. */
  private CodeBlock config(String vocab) {
    return CodeBlock.of("new $T($L, $L, $L, $L, $Lf)", CONFIG, vocab, architecture.embedding(), architecture.hidden(), architecture.layers(),
        (float) architecture.dropout());
  }

  @Override
  TypeSpec.Builder type() {
    int vocab = architecture.vocab().size();
    TypeSpec.Builder type = TypeSpec.classBuilder(simpleName())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("$L: an LSTM language model (embedding $L, $L LSTM layers of $L, dropout $L), as declared. {@link #initialize}\n"
            + "and {@link #trainer} train it by truncated backpropagation through time; {@link #model} gives its passes, whose\n"
            + "{@code step()} feeds the runtime's decoding schemes.\n", model.name(), architecture.embedding(), architecture.layers(),
            architecture.hidden(), architecture.dropout());
    if (runtimeVocabulary) {
      type.addJavadoc("\n<p>The vocabulary is built from the data at run time, at most {@link #MAX_VOCAB} tokens: the methods that\n"
          + "need it take its actual size.\n");
    }
    type.addField(constant(TypeName.get(String.class), "NAME", CodeBlock.of("$S", model.name()), "The model's name, recorded in its checkpoints."));
    if (runtimeVocabulary) {
      type.addField(constant(TypeName.INT, "MAX_VOCAB", CodeBlock.of("$L", vocab), "The largest vocabulary the declaration allows."));
    }
    type.addField(constant(CONFIG, "CONFIG", config(Integer.toString(vocab)), runtimeVocabulary
        ? "The sizes at the largest vocabulary, and the dropout rate in training; {@link #config(int)} gives them for the actual one."
        : "The sizes the runtime model runs with, and the dropout rate in training."));
    TrainingDefaults t = model.training();
    type.addField(constant(TypeName.INT, "SEQUENCE", CodeBlock.of("$L", t.seq()), "The declared block length: how far backpropagation reaches back."));
    type.addField(constant(TypeName.INT, "BATCH", CodeBlock.of("$L", Math.max(1, t.batch())), "The declared batch: parallel streams over the text."));
    FacadeInterfaces.implement(type, FacadeInterfaces.LSTM);
    type.addMethod(method("kernels", KERNELS,
            "The generated kernels, or the plain (EJML) ones when the system property {@code nlpm.plainKernels} is true.\n")
        .addStatement("return $T.choose(new $T())", KERNELS, sibling("Kernels"))
        .build());
    String vocabDoc = runtimeVocabulary ? " for a vocabulary of {@code vocab} tokens" : "";
    if (runtimeVocabulary) {
      type.addMethod(method("config", CONFIG, "The sizes for a vocabulary of {@code vocab} tokens, at most {@link #MAX_VOCAB}.\n")
          .addParameter(TypeName.INT, "vocab")
          .addComment("the layout refuses a vocabulary outside 1..MAX_VOCAB, naming it")
          .addStatement("$T.layout(vocab)", sibling("Layout"))
          .addStatement("return $L", config("vocab"))
          .build());
    }
    MethodSpec.Builder initialize = method("initialize", PARAMETERS,
        "Fresh parameters$L from {@code seed}, as PyTorch initializes the modules: the embeddings from N(0, 1), the LSTM's\n"
            + "weights and biases from U(-$L, $L) (1/sqrt($L)), the output layer's from U(-$L, $L) (1/sqrt($L)).\n",
        vocabDoc, bound(), bound(), architecture.hidden(), bound(), bound(), architecture.hidden());
    if (runtimeVocabulary) {
      initialize.addParameter(TypeName.INT, "vocab");
    }
    type.addMethod(initialize.addParameter(TypeName.LONG, "seed")
        .addStatement("return $T.initialize($L, seed)", LSTM_PARAMETERS, runtimeVocabulary ? CodeBlock.of("$T.layout(vocab)", sibling("Layout")) : CodeBlock.of("$T.LAYOUT", sibling("Layout")))
        .build());
    MethodSpec.Builder modelMethod = method("model", PASSES,
            "The model's passes over {@code parameters} (their vocabulary's), the products split over {@code parallel} (null: the\n"
                + "calling thread): the generated {@link $L}.\n", model.name() + "Passes")
        .addParameter(PARAMETERS, "parameters")
        .addParameter(PARALLEL, "parallel");
    modelMethod.addStatement("return new $T(kernels(), parameters, parallel)", sibling("Passes"));
    type.addMethod(modelMethod.build());
    TrainingOptionsMethods.add(type, t, model.name());
    type.addMethod(method("trainer", TRAINER,
            "A truncated-BPTT trainer of {@code model} on {@code tokens}: {@link #BATCH} streams, blocks of {@link #SEQUENCE}, {@code options}.\n")
        .addParameter(PASSES, "model")
        .addParameter(ArrayTypeName.of(TypeName.INT), "tokens")
        .addParameter(OPTIONS, "options")
        .addStatement("return new $T(model, tokens, BATCH, SEQUENCE, options, NAME, $S)", TRAINER, checkpointPrefix)
        .build());
    MethodSpec.Builder load = method("load", PASSES,
            "The model saved in {@code directory} (its {@code model.safetensors}, under PyTorch's names: a training checkpoint or\n"
                + "a model directory)$L, split over {@code parallel}.\n",
            runtimeVocabulary ? ", the vocabulary's size read from its embedding table" : "")
        .addParameter(Path.class, "directory")
        .addParameter(PARALLEL, "parallel")
        .addException(IOException.class)
        .addStatement("$T file = $T.readable(directory).resolve($T.MODEL)", Path.class, DIRECTORIES, TRAINING_CHECKPOINT)
        .beginControlFlow("try ($T weights = $T.open(file))", SAFETENSORS, SAFETENSORS);
    if (runtimeVocabulary) {
      load.addStatement("$T embedding = weights.tensor($S).orElseThrow(() -> new $T(file + $S))", TENSOR_INFO, "embedding.weight",
              IOException.class, " holds no embedding.weight")
          .addStatement("$T layout = $T.layout((int) embedding.shape()[0])", LAYOUT_TYPE, sibling("Layout"));
    } else {
      load.addStatement("$T layout = $T.LAYOUT", LAYOUT_TYPE, sibling("Layout"));
    }
    load.addStatement("float[] flat = new float[layout.size()]")
        .addStatement("$T.load(weights, layout, flat, $S, true)", CHECKPOINT, checkpointPrefix)
        .addStatement("$T parameters = $T.rows(layout)", PARAMETERS, LSTM_PARAMETERS)
        .addStatement("parameters.importFrom(flat)")
        .addStatement("return model(parameters, parallel)")
        .endControlFlow();
    type.addMethod(load.build());
    addLstmFacade(type);
    return type;
  }

  /** torch.nn.LSTM's bound 1/sqrt(hidden), to four significant digits for the documentation. */
  private String bound() {
    return String.format(java.util.Locale.ROOT, "%.4g", 1 / Math.sqrt(architecture.hidden()));
  }

  /** {@code LstmFacade}'s methods, each calling its static twin. */
  private void addLstmFacade(TypeSpec.Builder type) {
    FacadeInterfaces.addModelFacade(type, CodeBlock.of("$S", checkpointPrefix));
    type.addMethod(FacadeInterfaces.returning("vocab", TypeName.INT, CodeBlock.of("CONFIG.vocab()")));
    type.addMethod(FacadeInterfaces.override("positions", TypeName.INT)
        .addComment("a recurrent model reads any length")
        .addStatement("return $T.MAX_VALUE", Integer.class)
        .build());
    type.addMethod(FacadeInterfaces.override("newParameters", PARAMETERS)
        .addParameter(TypeName.INT, "vocabulary")
        .addParameter(TypeName.LONG, "seed")
        .addStatement(runtimeVocabulary ? "return initialize(vocabulary, seed)" : "return initialize(seed)")
        .build());
    type.addMethod(FacadeInterfaces.override("newModel", PASSES)
        .addParameter(PARAMETERS, "parameters")
        .addParameter(PARALLEL, "parallel")
        .addStatement("return model(parameters, parallel)")
        .build());
    type.addMethod(FacadeInterfaces.override("loadModel", PASSES)
        .addException(IOException.class)
        .addParameter(Path.class, "directory")
        .addParameter(PARALLEL, "parallel")
        .addStatement("return load(directory, parallel)")
        .build());
  }
}
