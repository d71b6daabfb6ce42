package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
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
 * overridable by a flag — and writes what it learned. The word2vec ({@link Word2VecRun}),
 * encoder ({@link EncoderRun}) and decoder ({@link DecoderRun}) families train today; the others say
 * so. What is shared — the metrics file, the chart, Ctrl-C — is family-neutral.
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
      "continues from that batch (at one thread, to the same vectors as a run never stopped).",
      "encoder (MLM, and NSP when declared): trains a WordPiece vocabulary on the data at the declared",
      "vocab size (or takes --vocab), writes DIR/vocab.txt and DIR/training.json (the run's settings),",
      "DIR/checkpoint/ every --checkpoint-every steps (default: the declaration's, else 1000), at the",
      "end and on Ctrl-C (exit status 130), and at the end DIR/model/ (model.safetensors, vocab.txt)",
      "for fill-mask and embed. DIR/metrics.jsonl gets one JSON object per step (step, seconds, loss,",
      "mlm_accuracy, learning_rate, tokens_per_second), DIR/loss.png the curves against steps.",
      "--resume continues the same run: only --threads and --checkpoint-every may change.",
      "decoder (causal LM, tokenizer char or bpe): a vocabulary trained on the data at the declared vocab",
      "(DIR/chars.json, or DIR/vocab.json and DIR/merges.txt); the first 90% of the tokens train, the last 10%",
      "are held out; each step takes --batch random blocks of the declared seq tokens. Checkpoints, Ctrl-C and",
      "--resume as for encoders; DIR/metrics.jsonl (step, seconds, loss, learning_rate, tokens_per_second, and",
      "held_out_perplexity at each checkpoint); at the end DIR/model/ (model.safetensors under GPT-2's names,",
      "and the vocabulary) for `nlpm sample`, and held-out perplexity next to a unigram model's."
    })
final class TrainCommand implements Callable<Integer> {

  /** Exit status when Ctrl-C stopped training (128 + SIGINT, as a shell reports it). */
  static final int EXIT_STOPPED = 130;

  @Mixin ModelFiles input;

  @Option(names = {"-m", "--model"}, description = "The model to train, when the files declare several.")
  String model;

  @Option(names = "--data", arity = "1..*", required = true, paramLabel = "CORPUS",
      description = "UTF-8 text: word2vec, one sentence a line; encoders, paragraphs separated by blank lines.")
  List<Path> data;

  @Option(names = {"-o", "--output"}, required = true, description = "The folder to write into.")
  Path output;

  @Option(names = "--resume", description = "Continue from DIR's checkpoint instead of starting afresh.")
  boolean resume;

  @Option(names = "--epochs", description = "Override the declared epochs (encoder, decoder: they count when no steps are declared or given).")
  Integer epochs;

  @Option(names = "--steps", description = "encoder, decoder: override the declared optimizer steps.")
  Long steps;

  @Option(names = "--batch", description = "encoder, decoder: override the declared batch size (sequences a step).")
  Integer batch;

  @Option(names = "--checkpoint-every", paramLabel = "N", description = "encoder, decoder: write DIR/checkpoint every N steps.")
  Long checkpointEvery;

  @Option(names = "--vocab", paramLabel = "vocab.txt", description = "encoder: use this WordPiece vocabulary instead of training one.")
  Path vocab;

  @Option(names = "--threads", description = "Override the declared threads (word2vec is reproducible at 1; encoders at any count).")
  Integer threads;

  @Option(names = "--seed", description = "Override the declared seed.")
  Long seed;

  @Option(names = "--lr", description = "Override the declared (peak) learning rate.")
  Double lr;

  @Option(names = "--window", description = "word2vec: override the declared context window.")
  Integer window;

  @Option(names = "--sample", paramLabel = "X", description = "word2vec: override the declared subsampling threshold (0: none).")
  Double sample;

  @Option(names = "--negative", paramLabel = "N", description = "word2vec: override the declared negative samples a prediction (0: none).")
  Integer negative;

  @Option(names = "--hierarchical-softmax", negatable = true,
      description = "word2vec: train the Huffman-tree output layer (--no-hierarchical-softmax: do not), whatever the declaration says.")
  Boolean hierarchicalSoftmax;

  @Option(names = "--min-count", paramLabel = "N", description = "word2vec: override the declared fewest occurrences a word needs to be kept.")
  Long minCount;

  @Option(names = "--max-vocab", paramLabel = "N", description = "word2vec: override the declared most words kept (0: no limit).")
  Integer maxVocab;

  @Option(names = "--mlm-rate", paramLabel = "X", description = "encoder: override the declared share of tokens MLM predicts.")
  Double mlmRate;

  @Option(names = "--mlm-split", paramLabel = "MASK,RANDOM,KEEP",
      description = "encoder: override the declared shares of predicted tokens replaced by [MASK], by a random token, and kept (e.g. 0.8,0.1,0.1).")
  String mlmSplit;

  @Option(names = "--masking", paramLabel = "static|dynamic", description = "encoder: override the declared masking: drawn once per sequence, or every epoch.")
  String masking;

  @Option(names = "--heads-steps", paramLabel = "N",
      description = "decoder declaring decoding blockwise: steps of the proposal heads' training after the model (default: a quarter of its steps).")
  Long headsSteps;

  @Option(names = "--seq", paramLabel = "N", description = "encoder, decoder: override the declared tokens a sequence (a block, for decoders).")
  Integer seq;

  @Option(names = "--optimizer", paramLabel = "adamw|adam|sgd", description = "encoder, decoder: override the declared update rule.")
  String optimizer;

  @Option(names = "--schedule", paramLabel = "linear|cosine|constant",
      description = "encoder, decoder: override the declared decay of the learning rate after warmup.")
  String schedule;

  @Option(names = "--min-lr", paramLabel = "X", description = "Override the declared learning rate the decay ends at.")
  Double minLr;

  @Option(names = "--warmup", paramLabel = "STEPS", description = "encoder, decoder: override the declared warmup steps.")
  Long warmup;

  @Option(names = "--weight-decay", paramLabel = "X", description = "encoder, decoder: override the declared AdamW weight decay.")
  Double weightDecay;

  @Option(names = "--clip", paramLabel = "NORM", description = "encoder, decoder: override the global gradient-norm clip (0: none).")
  Double clip;

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
    ModelSpec spec = GeneratedFacade.choose(compiled.get(), model);
    return switch (spec.family()) {
      case WORD2VEC -> word2vec(compiled.get(), spec, out, err);
      case ENCODER -> encoder(compiled.get(), spec, out, err);
      case DECODER, LSTM_LM -> decoder(compiled.get(), spec, out, err);
      default -> throw new UserError(spec.name() + " is " + GeneratedFacade.article(spec.family().keyword())
          + " model: `nlpm train` trains the word2vec, encoder, decoder and lstm_lm families so far; the others' generated training code is not written yet");
    };
  }

  private int word2vec(Compilation compilation, ModelSpec spec, PrintWriter out, PrintWriter err) throws IOException {
    notFor(spec, "--steps", steps, "--batch", batch, "--checkpoint-every", checkpointEvery, "--vocab", vocab, "--warmup", warmup,
        "--weight-decay", weightDecay, "--clip", clip, "--mlm-rate", mlmRate, "--mlm-split", mlmSplit, "--masking", masking, "--optimizer",
        optimizer, "--schedule", schedule, "--seq", seq, "--heads-steps", headsSteps);
    Word2VecRun.Flags flags = new Word2VecRun.Flags(epochs, threads, seed, lr == null ? null : lr.floatValue(),
        minLr == null ? null : minLr.floatValue(), window, sample, negative,
        hierarchicalSoftmax, minCount, maxVocab);
    if (resume && flags.any()) {
      throw new UserError("--resume continues with the checkpoint's settings, vocabulary included; drop every flag but --data, -o and --resume");
    }
    // The stop request's hook holds the JVM's exit until close: everything printed before it.
    try (StopRequest stop = StopRequest.onShutdown(err)) {
      Word2VecRun.Result result = Word2VecRun.train(compilation, spec, data, output, resume,
          flags, err, stop);
      if (result.stopped()) {
        err.println();
      }
      if (stopped(result.stopped(), result.chart(), output.resolve("checkpoint.w2v"), err)) {
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

  private int encoder(Compilation compilation, ModelSpec spec, PrintWriter out, PrintWriter err) throws IOException {
    notFor(spec, word2vecFlags());
    notFor(spec, "--heads-steps", headsSteps);
    try (StopRequest stop = StopRequest.onShutdown(err)) {
      EncoderRun.Result result = EncoderRun.train(compilation, spec, SourceFiles.collect(input.files).baseDir(), data, output, resume,
          new EncoderRun.Overrides(steps, batch, lr, warmup, weightDecay, clip, threads, seed, checkpointEvery, vocab, epochs, optimizer,
              schedule, minLr, seq),
          new EncoderRun.MlmFlags(mlmRate, mlmSplit, masking), err, stop);
      if (stopped(result.stopped(), result.chart(), result.checkpoint(), err)) {
        return EXIT_STOPPED;
      }
      out.printf(Locale.ROOT, "%s: %,d steps, last loss %.4f; %,d %s tokens, %d layers × %d: %s%n", spec.name(), result.step(),
          result.loss(), result.vocabulary(), spec.tokenizer().keyword(), result.config().layers(), result.config().hidden(), result.model());
      out.flush();
      err.flush();
      return 0;
    }
  }

  private int decoder(Compilation compilation, ModelSpec spec, PrintWriter out, PrintWriter err) throws IOException {
    notFor(spec, word2vecFlags());
    notFor(spec, "--vocab", vocab, "--mlm-rate", mlmRate, "--mlm-split", mlmSplit, "--masking", masking);
    try (StopRequest stop = StopRequest.onShutdown(err)) {
      DecoderRun.Result result = DecoderRun.train(compilation, spec, data, output, resume,
          new EncoderRun.Overrides(steps, batch, lr, warmup, weightDecay, clip, threads, seed, checkpointEvery, null, epochs, optimizer,
              schedule, minLr, seq), headsSteps, err, stop);
      if (stopped(result.stopped(), result.chart(), result.checkpoint(), err)) {
        return EXIT_STOPPED;
      }
      out.printf(Locale.ROOT, "%s: %,d steps, last loss %.4f; %,d %s tokens; %s: %s%n", spec.name(), result.step(),
          result.loss(), result.vocabulary(), result.tokenizer(), result.architecture(), result.model());
      out.printf(Locale.ROOT, "held-out perplexity per %s token: %s %.2f, unigram %.2f%n", result.tokenizer(), spec.name(),
          result.perplexity(), result.unigram());
      if (result.heads() != null) {
        out.printf(Locale.ROOT, "blockwise heads: %,d steps, last loss %.4f: %s%n", result.heads().steps(), result.heads().loss(),
            result.model().resolve(HeadsTraining.WEIGHTS));
      }
      out.flush();
      err.flush();
      return 0;
    }
  }

  /** Prints where the metrics and chart are, and, when stopped, where the checkpoint is. */
  private boolean stopped(boolean stopped, Path chart, Path checkpoint, PrintWriter err) {
    err.println("metrics " + output.resolve(Word2VecRun.METRICS) + (chart == null ? "" : ", curves " + chart));
    if (stopped) {
      err.println("nlpm: stopped; checkpoint at " + checkpoint + " — continue with --resume");
      err.flush();
    }
    return stopped;
  }

  /** word2vec's own flags, as {@link #notFor} takes them. */
  private Object[] word2vecFlags() {
    return new Object[] {"--window", window, "--sample", sample, "--negative", negative, "--hierarchical-softmax",
        hierarchicalSoftmax, "--min-count", minCount, "--max-vocab", maxVocab};
  }

  /** Refuses the other family's flags: pairs of a flag's name and its value (null when not given). */
  private static void notFor(ModelSpec spec, Object... flags) {
    for (int i = 0; i < flags.length; i += 2) {
      if (flags[i + 1] != null) {
        throw new UserError(flags[i] + " is not a setting of " + spec.name() + ", " + GeneratedFacade.article(spec.family().keyword())
            + " model");
      }
    }
  }
}
