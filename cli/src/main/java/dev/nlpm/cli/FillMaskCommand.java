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

/** {@code nlpm fill-mask FILE --model-dir DIR TEXT...}: a trained encoder's guesses for every {@code [MASK]}. */
@Command(
    name = "fill-mask",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a trained encoder's k likeliest tokens, with their probabilities, for every [MASK] of each text.",
      "FILE declares the model (compiled in process); DIR is what `nlpm train` wrote (DIR or DIR/model)."
    })
final class FillMaskCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "1", paramLabel = "FILE", description = "The .nlpm file (or directory) declaring the model.")
  Path file;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "Texts with one or more [MASK].")
  List<String> texts;

  @Option(names = {"-m", "--model"}, description = "The model, when the files declare several.")
  String model;

  @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "The trained model directory.")
  Path modelDir;

  @Option(names = {"-k", "--top"}, defaultValue = "5", description = "Candidates per mask (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--threads", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--debug", description = "Print stack traces of internal errors.")
  boolean debug;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (top < 1) {
      throw new UserError("-k must be positive, got " + top);
    }
    PrintWriter out = spec.commandLine().getOut();
    Optional<EncoderModel> loaded = EncoderQueries.load(List.of(file), model, modelDir, threads, "fill-mask", spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return Main.EXIT_INPUT_ERRORS;
    }
    try (EncoderModel encoder = loaded.get()) {
      String mask = encoder.tokenizer().vocabulary().token(encoder.tokenizer().maskId());
      for (String text : texts) {
        if (!text.contains(mask)) {
          throw new UserError("the text has no " + mask + " to fill: " + text);
        }
      }
      for (String text : texts) {
        List<EncoderModel.MaskPrediction> predictions = encoder.fillMask(text, top);
        out.println(text);
        for (int i = 0; i < predictions.size(); i++) {
          if (predictions.size() > 1) {
            out.printf(Locale.ROOT, "  %s %d of %d:%n", mask, i + 1, predictions.size());
          }
          for (EncoderModel.Candidate c : predictions.get(i).candidates()) {
            out.printf(Locale.ROOT, "%s%-20s %.4f%n", predictions.size() > 1 ? "    " : "  ", c.token(), c.probability());
          }
        }
      }
    }
    out.flush();
    return 0;
  }
}
