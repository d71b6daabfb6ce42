package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.TrainingDefaults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Model}, the facade of a word2vec declaration: its declared training settings as
 * {@code Word2VecOptions}, its vocabulary limits, and training, resuming and loading wired to the
 * generated {@code <Model>Kernels} — the runtime's trainer, formats and queries do the rest. The
 * facade implements the runtime's {@code Word2VecFacade} ({@link FacadeInterfaces}).
 */
final class Word2VecModelWriter extends SourceWriter {

  private static final String W2V = "dev.nlpm.runtime.word2vec";
  private static final ClassName OPTIONS = ClassName.get(W2V, "Word2VecOptions");
  private static final ClassName TRAINER = ClassName.get(W2V, "Word2VecTrainer");
  private static final ClassName PROGRESS = TRAINER.nestedClass("ProgressListener");
  private static final ClassName VOCABULARY = ClassName.get(W2V, "Word2VecVocabulary");
  private static final ClassName WEIGHTS = ClassName.get(W2V, "Word2VecWeights");
  private static final ClassName VECTORS = ClassName.get(W2V, "WordVectors");
  private static final ClassName FORMAT = ClassName.get(W2V, "Word2VecFormat");
  private static final TypeName PATHS = ParameterizedTypeName.get(List.class, Path.class);

  private final Architecture.Word2Vec architecture;
  private final Settings settings;

  /** What the declaration's objective says, with word2vec.c's defaults where it is silent. */
  private record Settings(boolean skipGram, int window, int negatives, double power, boolean hierarchical, double subsample, boolean mean) {

    static Settings of(List<Objective> objectives) {
      for (Objective objective : objectives) {
        if (objective instanceof Objective.SkipGram sg) {
          return of(true, sg.window(), sg.output(), sg.subsample(), true);
        }
        if (objective instanceof Objective.Cbow cbow) {
          return of(false, cbow.window(), cbow.output(), cbow.subsample(), cbow.mean());
        }
      }
      throw new IllegalStateException("a validated word2vec model declares skipgram or cbow");
    }

    private static Settings of(boolean skipGram, int window, Objective.Word2VecOutput output, double subsample, boolean mean) {
      if (output instanceof Objective.NegativeSampling ns) {
        return new Settings(skipGram, window, ns.negatives(), ns.power(), false, subsample, mean);
      }
      return new Settings(skipGram, window, 0, 0.75, true, subsample, mean);
    }
  }

  Word2VecModelWriter(ModelSpec model) {
    super(model);
    this.architecture = (Architecture.Word2Vec) model.architecture();
    this.settings = Settings.of(model.objectives());
  }

  /**
   * {@code <Model>Model}, not {@code <Model>}: an annotated interface declaring the model already
   * has the model's name.
   */
  @Override
  String simpleName() {
    return model.name() + "Model";
  }

  private ClassName kernels() {
    return sibling("Kernels");
  }

  @Override
  TypeSpec.Builder type() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(simpleName())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addJavadoc(
                "$L: $L with $L, $L dimensions, as declared. Trains on text files (one sentence a line, words\n"
                    + "split on spaces and tabs) with {@link $L}, its dimension-specialized kernels; the vectors it\n"
                    + "returns answer similarity and analogy queries and save in word2vec's formats.\n",
                model.name(),
                settings.skipGram() ? "skip-gram" : "CBOW",
                settings.hierarchical() ? "hierarchical softmax" : settings.negatives() + " negative samples",
                architecture.dim(),
                kernels().simpleName());
    type.addField(constant(TypeName.INT, "DIMENSION", CodeBlock.of("$L", architecture.dim()), "The vector dimension."));
    type.addField(
        constant(TypeName.LONG, "MIN_COUNT", CodeBlock.of("$LL", architecture.minCount()), "Words seen fewer times are left out of the vocabulary."));
    type.addField(
        constant(TypeName.INT, "MAX_VOCAB", CodeBlock.of("$L", LayoutWriter.literal(architecture.vocab().size())), "The most words the vocabulary keeps, the most frequent."));
    FacadeInterfaces.implement(type, FacadeInterfaces.WORD2VEC);
    addOptions(type);
    addKernels(type);
    addVocabulary(type);
    addTrain(type);
    addResume(type);
    addLoad(type);
    addWord2VecFacade(type);
    return type;
  }

  /** {@code public static RETURNS name(...) throws IOException}, documented. */
  private static MethodSpec.Builder operation(String name, TypeName returns, String doc, Object... args) {
    return MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(returns)
        .addException(IOException.class)
        .addJavadoc(doc, args);
  }

  private void addOptions(TypeSpec.Builder type) {
    TrainingDefaults t = model.training();
    CodeBlock threads =
        t.threads() > 0
            ? CodeBlock.of("$L", t.threads())
            : CodeBlock.of("$T.getRuntime().availableProcessors()", Runtime.class);
    type.addMethod(
        MethodSpec.methodBuilder("options")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(OPTIONS)
            .addJavadoc(
                "The declared settings: window $L, subsampling $L, learning rate $L decaying to $L over $L epochs,\n"
                    + "$L, seed $L. Change any with the {@code with…} methods.\n",
                settings.window(),
                settings.subsample(),
                t.lr(),
                t.minLr(),
                t.epochs(),
                t.threads() > 0 ? t.threads() + " threads" : "a thread per core",
                t.seed())
            .addStatement(
                "return new $T($L, DIMENSION, $L, $L, $L, $L, $L, $Lf, $Lf, $L, $L, $LL, $L)",
                OPTIONS,
                settings.skipGram(),
                settings.window(),
                settings.negatives(),
                settings.hierarchical(),
                settings.power(),
                settings.subsample(),
                (float) t.lr(),
                (float) t.minLr(),
                t.epochs(),
                threads,
                t.seed(),
                settings.mean())
            .build());
  }

  private void addKernels(TypeSpec.Builder type) {
    type.addMethod(
        MethodSpec.methodBuilder("kernels")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(Word2VecKernelsWriter.KERNELS)
            .addJavadoc(
                "The generated kernels, or the plain ones when the system property {@code $L} is true.\n",
                "nlpm.plainKernels")
            .addStatement("return $T.orPlain(new $T())", Word2VecKernelsWriter.KERNELS, kernels())
            .build());
  }

  private void addVocabulary(TypeSpec.Builder type) {
    type.addMethod(
        operation("vocabulary", VOCABULARY, "Counts the words of the corpus, keeping those seen MIN_COUNT times or more, at most MAX_VOCAB.\n")
            .addParameter(PATHS, "corpus")
            .addStatement("return vocabulary(corpus, MIN_COUNT, MAX_VOCAB)")
            .build());
    type.addMethod(
        operation("vocabulary", VOCABULARY,
                "Counts the words of the corpus, keeping those seen {@code minCount} times or more, at most {@code maxVocab}\n"
                    + "(0: no limit) of the commonest.\n")
            .addParameter(PATHS, "corpus")
            .addParameter(TypeName.LONG, "minCount")
            .addParameter(TypeName.INT, "maxVocab")
            .addStatement("return $T.count(corpus, minCount, maxVocab)", VOCABULARY)
            .build());
  }

  private void addTrain(TypeSpec.Builder type) {
    type.addMethod(
        operation(
                "train",
                WEIGHTS,
                "Builds the vocabulary and trains on the corpus.\n\n"
                    + "@param checkpoint where to write a checkpoint after every epoch, or null for none\n"
                    + "@throws IllegalArgumentException if the options change the dimension\n")
            .addParameter(PATHS, "corpus")
            .addParameter(OPTIONS, "options")
            .addParameter(PROGRESS, "progress")
            .addParameter(Path.class, "checkpoint")
            .addStatement("return train(vocabulary(corpus), corpus, options, progress, checkpoint)")
            .build());
    type.addMethod(
        operation(
                "train",
                WEIGHTS,
                "Trains on the corpus over a vocabulary already counted (another minimum count or size).\n\n"
                    + "@param checkpoint where to write a checkpoint after every epoch, or null for none\n"
                    + "@throws IllegalArgumentException if the options change the dimension\n")
            .addParameter(VOCABULARY, "vocabulary")
            .addParameter(PATHS, "corpus")
            .addParameter(OPTIONS, "options")
            .addParameter(PROGRESS, "progress")
            .addParameter(Path.class, "checkpoint")
            .addCode(requireDimension("options.dimension()"))
            .addStatement("return $T.train(vocabulary, corpus, options, kernels(), progress, checkpoint)", TRAINER)
            .build());
  }

  private void addResume(TypeSpec.Builder type) {
    type.addMethod(
        operation("resume", WEIGHTS, "Continues a run from its last checkpoint, over the same corpus.\n")
            .addParameter(Path.class, "checkpoint")
            .addParameter(PATHS, "corpus")
            .addParameter(PROGRESS, "progress")
            .addStatement("return $T.resume(checkpoint, corpus, kernels(), progress)", TRAINER)
            .build());
  }

  private void addLoad(TypeSpec.Builder type) {
    type.addMethod(
        operation(
                "load",
                VECTORS,
                "Reads vectors in word2vec's text or binary format (as the C tool and gensim write them).\n\n"
                    + "@throws IllegalArgumentException if they are not of this model's dimension\n")
            .addParameter(Path.class, "file")
            .addParameter(TypeName.BOOLEAN, "binary")
            .addStatement("$T vectors = $T.read(file, binary)", VECTORS, FORMAT)
            .beginControlFlow("if (vectors.dimension() != DIMENSION)")
            .addStatement(
                "throw new $T(file + $S + vectors.dimension() + $S)",
                IllegalArgumentException.class,
                ": vectors of dimension ",
                ", " + model.name() + " has " + architecture.dim())
            .endControlFlow()
            .addStatement("return vectors")
            .build());
  }

  private CodeBlock requireDimension(String expression) {
    return CodeBlock.builder()
        .beginControlFlow("if ($L != DIMENSION)", expression)
        .addStatement(
            "throw new $T($S + $L)",
            IllegalArgumentException.class,
            model.name() + "'s kernels are for dimension " + architecture.dim() + "; the options say ",
            expression)
        .endControlFlow()
        .build();
  }

  /** {@code Word2VecFacade}'s methods, each calling its static twin. */
  private void addWord2VecFacade(TypeSpec.Builder type) {
    type.addMethod(FacadeInterfaces.returning("declaredOptions", OPTIONS, CodeBlock.of("options()")));
    type.addMethod(FacadeInterfaces.returning("minCount", TypeName.LONG, CodeBlock.of("MIN_COUNT")));
    type.addMethod(FacadeInterfaces.returning("maxVocab", TypeName.INT, CodeBlock.of("MAX_VOCAB")));
    type.addMethod(FacadeInterfaces.override("countVocabulary", VOCABULARY)
        .addException(IOException.class)
        .addParameter(PATHS, "corpus")
        .addParameter(TypeName.LONG, "minCount")
        .addParameter(TypeName.INT, "maxVocab")
        .addStatement("return vocabulary(corpus, minCount, maxVocab)")
        .build());
    type.addMethod(FacadeInterfaces.override("trainVectors", WEIGHTS)
        .addException(IOException.class)
        .addParameter(VOCABULARY, "vocabulary")
        .addParameter(PATHS, "corpus")
        .addParameter(OPTIONS, "options")
        .addParameter(PROGRESS, "progress")
        .addParameter(Path.class, "checkpoint")
        .addStatement("return train(vocabulary, corpus, options, progress, checkpoint)")
        .build());
    type.addMethod(FacadeInterfaces.override("resumeVectors", WEIGHTS)
        .addException(IOException.class)
        .addParameter(Path.class, "checkpoint")
        .addParameter(PATHS, "corpus")
        .addParameter(PROGRESS, "progress")
        .addStatement("return resume(checkpoint, corpus, progress)")
        .build());
  }
}
