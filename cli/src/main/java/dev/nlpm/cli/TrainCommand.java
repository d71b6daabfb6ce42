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
      "DIR/checkpoint.w2v after every epoch; --resume continues from it.",
      "DIR/metrics.jsonl gets one JSON object per progress report (step, seconds, epoch, words,",
      "effective_words, total_words, loss, learning_rate, words_per_second); --resume appends to it.",
      "DIR/loss.png draws loss and learning rate against words processed, redrawn after every epoch.",
      "Ctrl-C stops at the next batch (about 10,000 words): the checkpoint then records the batches",
      "of the epoch done, the vectors are not written, and the exit status is 130; --resume",
      "continues from that batch (at one thread, to the same vectors as a run never stopped)."
    })
final class TrainCommand implements Callable<Integer> {

  /** Exit status when Ctrl-C stopped training (128 + SIGINT, as a shell reports it). */
  static final int EXIT_STOPPED = 130;

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
    // The stop request's hook holds the JVM's exit until close: everything printed before it.
    try (StopRequest stop = StopRequest.onShutdown(err)) {
      Word2VecRun.Result result =
          Word2VecRun.train(compiled.get(), spec, data, output, resume, Word2VecRun.overrides(epochs, threads, seed, lr), err, stop);
      if (result.stopped()) {
        err.println();
      }
      err.println("metrics " + output.resolve(Word2VecRun.METRICS) + (result.chart() == null ? "" : ", curves " + result.chart()));
      if (result.stopped()) {
        err.println("nlpm: stopped; checkpoint at " + output.resolve("checkpoint.w2v") + " — continue with --resume");
        err.flush();
        return EXIT_STOPPED;
      }
      Word2VecWeights weights = result.weights();
      out.printf(Locale.ROOT, "%,d words × %d dimensions: %s, %s%n", weights.vocabulary().size(), weights.dimension(),
          output.resolve("vectors.txt"), output.resolve("vectors.bin"));
      out.flush();
      err.flush();
      return 0;
    }
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
