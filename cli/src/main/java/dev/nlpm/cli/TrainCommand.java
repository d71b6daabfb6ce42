package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.word2vec.Word2VecWeights;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm train FILE --data CORPUS... -o DIR}: compiles the model in this process (the
 * generated sources, with the JDK's compiler), trains it with its declared settings — each
 * overridable by a flag — and writes what it learned. The word2vec family trains today; the
 * others say so.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Compiles a model in process and trains it on text files with its declared settings.",
      "word2vec: writes DIR/vectors.txt and DIR/vectors.bin (word2vec's formats) and a checkpoint",
      "DIR/checkpoint.w2v after every epoch; --resume continues from it."
    })
final class TrainCommand implements Callable<Integer> {

  @Mixin ModelFiles input;

  @Option(names = {"-m", "--model"}, description = "The model to train, when the files declare several.")
  String model;

  @Option(names = "--data", arity = "1..*", required = true, paramLabel = "CORPUS", description = "UTF-8 text, one sentence a line.")
  List<Path> data;

  @Option(names = {"-o", "--output"}, required = true, description = "The folder to write into.")
  Path output;

  @Option(names = "--resume", description = "Continue from DIR's checkpoint instead of starting afresh.")
  boolean resume;

  @Option(names = "--epochs", description = "Override the declared epochs.")
  Integer epochs;

  @Option(names = "--threads", description = "Override the declared threads (word2vec is reproducible at 1).")
  Integer threads;

  @Option(names = "--seed", description = "Override the declared seed.")
  Long seed;

  @Option(names = "--lr", description = "Override the declared starting learning rate.")
  Float lr;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path file : data) {
      if (!Files.isRegularFile(file)) {
        throw new UserError("no such file: " + file);
      }
    }
    Optional<Compilation> compiled = CompilerRun.run(input.files, true, err);
    if (compiled.isEmpty()) {
      return Main.EXIT_INPUT_ERRORS;
    }
    ModelSpec spec = choose(compiled.get());
    if (spec.family() != Family.WORD2VEC) {
      throw new UserError(spec.name() + " is " + article(spec.family().keyword()) + " model: `nlpm train` trains the word2vec family so far;"
          + " the others' generated training code is not written yet");
    }
    if (resume && (epochs != null || threads != null || seed != null || lr != null)) {
      throw new UserError("--resume continues with the checkpoint's settings; drop --epochs, --threads, --seed and --lr");
    }
    Word2VecWeights weights = Word2VecRun.train(compiled.get(), spec, data, output, resume, Word2VecRun.overrides(epochs, threads, seed, lr), err);
    out.printf(Locale.ROOT, "%,d words × %d dimensions: %s, %s%n", weights.vocabulary().size(), weights.dimension(),
        output.resolve("vectors.txt"), output.resolve("vectors.bin"));
    return 0;
  }

  private ModelSpec choose(Compilation compilation) {
    List<ModelSpec> models = compilation.models();
    if (model != null) {
      return models.stream().filter(m -> m.name().equals(model)).findFirst().orElseThrow(() -> new UserError(
          "no model named " + model + "; the files declare: " + String.join(", ", models.stream().map(ModelSpec::name).toList())));
    }
    if (models.size() != 1) {
      throw new UserError("the files declare " + models.size() + " models; choose one with --model: "
          + String.join(", ", models.stream().map(ModelSpec::name).toList()));
    }
    return models.get(0);
  }

  private static String article(String word) {
    return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }
}
