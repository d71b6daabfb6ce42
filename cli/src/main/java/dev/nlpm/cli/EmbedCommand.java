package dev.nlpm.cli;

import dev.nlpm.runtime.encoder.EncoderModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm embed FILE --model-dir DIR TEXT...}: a trained encoder's pooled sentence vectors (an
 * encoder without a pooler gives its {@code [CLS]} hidden states, and says so).
 */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a trained encoder's pooled vector (tanh over the [CLS] state; for an encoder declared with",
      "pooler = false, the [CLS] hidden state itself) of each text, one line a text,",
      "or with --cosine the cosine similarity of two texts' vectors.",
      "FILE declares the model (compiled in process); DIR is what `nlpm train` wrote (DIR or DIR/model)."
    })
final class EmbedCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "1", paramLabel = "FILE", description = "The .nlpm file (or directory) declaring the model.")
  Path file;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "Texts to embed.")
  List<String> texts;

  @Option(names = {"-m", "--model"}, description = "The model, when the files declare several.")
  String model;

  @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "The trained model directory.")
  Path modelDir;

  @Option(names = "--cosine", description = "Print the cosine similarity of the two texts' vectors instead.")
  boolean cosine;

  @Option(names = "--threads", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--debug", description = "Print stack traces of internal errors.")
  boolean debug;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (cosine && texts.size() != 2) {
      throw new UserError("--cosine compares two texts, got " + texts.size());
    }
    PrintWriter out = spec.commandLine().getOut();
    Optional<EncoderModel> loaded = EncoderQueries.load(List.of(file), model, modelDir, threads, "embed", spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return Main.EXIT_INPUT_ERRORS;
    }
    try (EncoderModel encoder = loaded.get()) {
      if (!encoder.config().shape().pooler()) {
        spec.commandLine().getErr().println("the model has no pooler (pooler = false): the vectors are its [CLS] hidden states");
      }
      if (cosine) {
        out.printf(Locale.ROOT, "%.6f%n", cosine(encoder.embed(texts.get(0)), encoder.embed(texts.get(1))));
      } else {
        for (String text : texts) {
          float[] vector = encoder.embed(text);
          StringBuilder line = new StringBuilder();
          for (float v : vector) {
            line.append(line.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.6f", v));
          }
          out.println(line);
        }
      }
    }
    out.flush();
    return 0;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
