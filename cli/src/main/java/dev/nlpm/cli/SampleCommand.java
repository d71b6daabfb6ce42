package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.checkpoint.CheckpointMismatchException;
import dev.nlpm.runtime.decoder.DecoderPasses;
import dev.nlpm.runtime.decoding.BeamSearch;
import dev.nlpm.runtime.decoding.Blockwise;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.decoding.LanguageModelStep;
import dev.nlpm.runtime.decoding.Sampling;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.lstm.LstmPasses;
import dev.nlpm.runtime.model.BlockwiseDecoderFacade;
import dev.nlpm.runtime.model.DecoderFacade;
import dev.nlpm.runtime.model.LanguageModelFacade;
import dev.nlpm.runtime.model.LstmFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nlpm sample FILE --model-dir DIR}: text from a decoder {@code nlpm train} trained. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the prompt and a trained decoder's continuation of it.",
      "FILE declares the model (compiled in process); DIR is what `nlpm train` wrote (DIR or DIR/model).",
      "Each setting not given comes from the declaration's decoding section of the scheme (the first",
      "greedy, beam or sampling section when --scheme is not given), else greedy with --max-new 100."
    })
final class SampleCommand implements Callable<Integer> {

  static final int DEFAULT_MAX_NEW = 100;

  @Mixin ModelFiles input;

  @Option(names = {"-m", "--model"}, description = "The model, when the files declare several.")
  String model;

  @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "The trained model directory.")
  Path modelDir;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "The text to continue (default: a newline).")
  String prompt;

  @Option(names = "--max-new", paramLabel = "N", description = "The most tokens generated after the prompt.")
  Integer maxNew;

  @Option(names = "--scheme", description = "greedy, beam or sampling.")
  String scheme;

  @Option(names = "--width", paramLabel = "W", description = "beam: the beams kept (default 4).")
  Integer width;

  @Option(names = "--temperature", paramLabel = "T", description = "sampling: divides the logits (default 1).")
  Double temperature;

  @Option(names = "--top-k", paramLabel = "K", description = "sampling: keep the K likeliest tokens (default 0, all).")
  Integer topK;

  @Option(names = "--top-p", paramLabel = "P", description = "sampling: keep the likeliest tokens up to probability P (default 1).")
  Double topP;

  @Option(names = "--repetition-penalty", paramLabel = "R", description = "Above 1 makes tokens already there less likely (default 1).")
  Double repetitionPenalty;

  @Option(names = "--seed", paramLabel = "S", description = "sampling: the draws' seed (default: the declaration's, else 0).")
  Long seed;

  @Option(names = "--threads", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (threads < 1) {
      throw new UserError("--threads must be positive, got " + threads);
    }
    if (scheme != null && !List.of("greedy", "beam", "sampling", "blockwise").contains(scheme)) {
      throw new UserError("--scheme is greedy, beam, sampling or blockwise, not " + scheme);
    }
    if (maxNew != null && maxNew < 1) {
      throw new UserError("--max-new must be positive, got " + maxNew);
    }
    if (!Files.isDirectory(modelDir)) {
      throw new UserError("no such directory: " + modelDir);
    }
    Path directory = modelDir;
    if (!Files.exists(directory.resolve(DecoderRun.WEIGHTS)) && Files.isDirectory(directory.resolve(DecoderRun.MODEL))) {
      directory = directory.resolve(DecoderRun.MODEL); // the folder `nlpm train -o` wrote
    }
    Optional<Compilation> compiled = CompilerRun.runModel(input.files, err);
    if (compiled.isEmpty()) {
      return Main.EXIT_INPUT_ERRORS;
    }
    ModelSpec spec = GeneratedFacade.choose(compiled.get(), model);
    boolean lstm = spec.family() == Family.LSTM_LM;
    if (spec.family() != Family.DECODER && !lstm) {
      throw new UserError(spec.name() + " is " + GeneratedFacade.article(spec.family().keyword()) + " model: `nlpm sample` runs decoders"
          + " and LSTM language models"
          + (spec.family() == Family.ENCODER ? " (for an encoder, try `nlpm fill-mask`)"
              : spec.family() == Family.WORD2VEC ? " (for word vectors, try `nlpm similar`)" : ""));
    }
    String kind = DecoderRun.tokenizerKind(spec);
    LanguageModelFacade facade = DecoderRun.load(compiled.get(), spec);
    int declaredVocabulary = facade.vocab();
    DecoderRun.Text text = DecoderRun.load(kind, directory);
    if (text.vocabulary().size() > declaredVocabulary) {
      throw new UserError(directory + ": the vocabulary has " + text.vocabulary().size() + " tokens, more than " + spec.name()
          + "'s vocab of " + declaredVocabulary);
    }
    // an LSTM reads its text a token at a time, with no positions to run out of
    DecoderFacade decoderFacade = facade instanceof DecoderFacade d ? d : null;
    ParameterRows parameters = decoderFacade == null ? null : DecoderRun.loadWeights(decoderFacade, directory.resolve(DecoderRun.WEIGHTS));

    int[] promptIds = text.encode(prompt != null ? prompt : "\n");
    if (prompt == null && (promptIds.length == 0 || promptIds[0] == text.unknown())) {
      promptIds = new int[] {text.unknown() == 0 ? 1 : 0}; // the data had no newline: start from its commonest token
    }
    if (promptIds.length == 0) {
      throw new UserError("the prompt is empty: give it at least one character");
    }
    int positions = facade.positions();
    if (promptIds.length > positions) {
      throw new UserError("the prompt is " + promptIds.length + " tokens, longer than " + spec.name() + "'s " + positions + " positions");
    }
    int room = positions - promptIds.length + 1; // the last token generated needs no position
    Decoding declared = declared(spec, scheme);
    String chosen = scheme != null ? scheme : declared != null ? declared.keyword() : "greedy";
    int tokens;
    if (maxNew != null) {
      if (maxNew > room) {
        throw new UserError("--max-new " + maxNew + " does not fit: " + spec.name() + " has " + positions + " positions, the prompt takes "
            + promptIds.length + "; at most " + room);
      }
      tokens = maxNew;
    } else {
      tokens = Math.min(room, declared != null ? declared.limits().maxLength() : DEFAULT_MAX_NEW);
    }
    double penalty = repetitionPenalty != null ? repetitionPenalty : declared != null ? declared.limits().repetitionPenalty() : 1.0;
    long drawSeed = seed != null ? seed : declared != null ? declared.limits().seed() : 0;
    int[] stops = declared == null ? new int[0]
        : declared.limits().stopTokens().stream().mapToInt(t -> text.vocabulary().idOrMinusOne(t)).filter(id -> id >= 0).toArray();
    DecodingOptions options;
    try {
      options = new DecodingOptions(tokens, stops, penalty);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    int[] generated;
    String passes = "";
    try (Parallel parallel = new Parallel(threads)) {
      DecoderPasses<?> decoder = decoderFacade == null ? null : decoderFacade.newDecoder(parameters, parallel);
      LanguageModelStep model = facade instanceof LstmFacade recurrent ? lstm(recurrent, directory, parallel, text.vocabulary().size())
          : decoder.step(positions);
      LanguageModelStep step = new Restricted(model, text.vocabulary().size(), text.unknown());
      try {
        generated = switch (chosen) {
          case "blockwise" -> {
            if (!(facade instanceof BlockwiseDecoderFacade blockwise)) {
              throw new UserError(spec.name() + " declares no decoding blockwise: no proposal heads to decode with");
            }
            // greedy's output over the whole vocabulary, in fewer passes of the model
            Blockwise.Result result = Blockwise.decode(HeadsTraining.load(blockwise, decoder, directory).step(positions), promptIds, options);
            passes = String.format(Locale.ROOT, " in %d passes of the model (%.2f tokens a pass)", result.modelPasses(),
                result.tokensPerPass());
            yield result.tokens();
          }
          case "beam" -> {
            Decoding.Beam beam = declared instanceof Decoding.Beam b ? b : null;
            int w = width != null ? width : beam != null ? beam.width() : 4;
            yield new BeamSearch(w, beam != null ? beam.lengthPenalty() : 1.0, beam == null || beam.earlyStopping(), 1)
                .decode(step, promptIds, options).get(0).tokens();
          }
          case "sampling" -> {
            Decoding.Sampling s = declared instanceof Decoding.Sampling d ? d : null;
            yield new Sampling(temperature != null ? temperature : s != null ? s.temperature() : 1.0,
                topK != null ? topK : s != null ? s.topK() : 0, topP != null ? topP : s != null ? s.topP() : 1.0)
                .decode(step, promptIds, options, new SplittableRandom(drawSeed));
          }
          default -> Greedy.decode(step, promptIds, options);
        };
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new UserError(e.getMessage());
      }
    }
    if (!chosen.equals("beam") && width != null) {
      err.println("nlpm: warning: --width is beam search's; " + chosen + " ignores it");
    }
    if (!chosen.equals("sampling") && (temperature != null || topK != null || topP != null || seed != null)) {
      err.println("nlpm: warning: --temperature, --top-k, --top-p and --seed are sampling's; " + chosen + " ignores them");
    }
    err.printf(Locale.ROOT, "%s: %s, %d tokens generated after a prompt of %d%s%n", spec.name(), chosen, generated.length - promptIds.length,
        promptIds.length, passes);
    out.println(text.decode(generated));
    out.flush();
    err.flush();
    return 0;
  }

  /** The LSTM saved in {@code directory}, refused with its tensor's name when it is not this model's, as a decoding step. */
  private static LanguageModelStep lstm(LstmFacade facade, Path directory, Parallel parallel, int vocabulary) throws IOException {
    LstmPasses model;
    try {
      model = facade.loadModel(directory, parallel);
    } catch (CheckpointMismatchException e) {
      throw new UserError(EncoderRun.oneLine(e));
    } catch (NoSuchFileException e) {
      throw new UserError("no such file: " + e.getFile());
    }
    if (model.config().vocab() < vocabulary) {
      throw new UserError(directory + ": the vocabulary has " + vocabulary + " tokens, the weights " + model.config().vocab());
    }
    return model.step();
  }

  /** The declared section of {@code scheme}, or (no scheme given) the first greedy, beam or sampling one; null if none. */
  private static Decoding declared(ModelSpec spec, String scheme) {
    for (Decoding d : spec.decodings()) {
      if (scheme != null ? d.keyword().equals(scheme) : List.of("greedy", "beam", "sampling").contains(d.keyword())) {
        return d;
      }
    }
    return null;
  }

  /**
   * The decoder's step with the ids the vocabulary lacks (the declared vocab can be larger than
   * the trained one) and the unknown character at −∞: no scheme can choose them.
   */
  private record Restricted(LanguageModelStep inner, int size, int unknown) implements LanguageModelStep {

    @Override
    public int vocabularySize() {
      return inner.vocabularySize();
    }

    @Override
    public State start(int[] prompt) {
      return new Masked(inner.start(prompt));
    }

    private final class Masked implements State {
      private final State state;

      Masked(State state) {
        this.state = state;
      }

      @Override
      public float[] logits() {
        float[] logits = state.logits();
        Arrays.fill(logits, Math.min(size, logits.length), logits.length, Float.NEGATIVE_INFINITY);
        if (unknown >= 0 && unknown < logits.length) {
          logits[unknown] = Float.NEGATIVE_INFINITY;
        }
        return logits;
      }

      @Override
      public State advance(int token) {
        return new Masked(state.advance(token));
      }

      @Override
      public State fork() {
        return new Masked(state.fork());
      }
    }
  }
}
