package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.model.Word2VecFacade;
import dev.nlpm.runtime.word2vec.Word2VecFormat;
import dev.nlpm.runtime.word2vec.Word2VecOptions;
import dev.nlpm.runtime.word2vec.Word2VecTrainer;
import dev.nlpm.runtime.word2vec.Word2VecVocabulary;
import dev.nlpm.runtime.word2vec.Word2VecWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a word2vec model through its generated facade, compiled in this process: what {@code
 * train} and {@code demo} share. Writes {@code DIR/checkpoint.w2v} after every epoch (and when
 * stopped), {@code DIR/metrics.jsonl} as it goes, {@code DIR/loss.png} after every epoch and at the
 * end, and {@code DIR/vectors.txt} and {@code DIR/vectors.bin} at the end.
 */
final class Word2VecRun {

  /** The metrics file, in the output folder. */
  static final String METRICS = "metrics.jsonl";

  private Word2VecRun() {}

  /**
   * What a run left.
   *
   * @param weights the trained weights; when stopped, as they stood
   * @param stopped whether the stop request ended it early (no vectors written then)
   * @param chart the chart drawn ({@code loss.png}, or {@code metrics.png} before any loss), or null
   */
  record Result(Word2VecWeights weights, boolean stopped, Path chart) {}

  /** Trains to the end, with no stop request. */
  static Word2VecWeights train(
      Compilation compilation, ModelSpec spec, List<Path> data, Path output, boolean resume,
      Flags flags, PrintWriter err) throws IOException {
    return train(compilation, spec, data, output, resume, flags, err, null).weights();
  }

  /**
   * Trains, stopping at the next batch once {@code stop} (if not null) is requested: the trainer
   * then writes its checkpoint, and the vectors are not written.
   */
  static Result train(
      Compilation compilation, ModelSpec spec, List<Path> data, Path output, boolean resume,
      Flags flags, PrintWriter err, StopRequest stop) throws IOException {
    Path checkpoint = output.resolve("checkpoint.w2v");
    if (resume && !Files.isRegularFile(checkpoint)) {
      throw new UserError("--resume: no checkpoint at " + checkpoint);
    }
    Word2VecFacade facade = GeneratedFacade.load(compilation, spec, Word2VecFacade.class);
    PrintStream progressStream = new PrintStream(new WriterOutputStream(err), true, StandardCharsets.UTF_8);
    Word2VecWeights weights;
    Files.createDirectories(output);
    // Java2D registers shutdown hooks as it starts: started after Ctrl-C, it could not draw.
    MetricsChart.warmUp();
    Path metricsFile = output.resolve(METRICS);
    Listener progress;
    try (MetricsLog metrics = resume ? MetricsLog.resume(metricsFile, "words") : MetricsLog.create(metricsFile, "words")) {
      progress = new Listener(Word2VecTrainer.ProgressListener.line(progressStream), metrics, output, spec.name(), stop, err);
      if (resume) {
        err.println("resuming " + spec.name() + " from " + checkpoint);
        weights = reported(() -> facade.resumeVectors(checkpoint, data, progress));
      } else {
        Word2VecOptions options = flags.apply(facade.declaredOptions());
        long minCount = flags.minCount(facade.minCount());
        int maxVocab = flags.maxVocab(facade.maxVocab());
        Word2VecVocabulary vocabulary = reported(() -> facade.countVocabulary(data, minCount, maxVocab));
        err.printf(Locale.ROOT, "training %s: %s, %d dimensions, window %d, %s, %,d words (min count %d), %d epochs, %d thread%s, seed %d%n",
            spec.name(), options.skipGram() ? "skip-gram" : "CBOW", options.dimension(), options.window(), outputLayer(options),
            vocabulary.size(), minCount, options.epochs(), options.threads(), options.threads() == 1 ? "" : "s", options.seed());
        weights = reported(() -> facade.trainVectors(vocabulary, data, options, progress, checkpoint));
      }
    }
    progress.draw();
    err.flush();
    if (progress.stopped) {
      return new Result(weights, true, progress.chart);
    }
    Word2VecFormat.writeText(weights.wordVectors(), output.resolve("vectors.txt"));
    Word2VecFormat.writeBinary(weights.wordVectors(), output.resolve("vectors.bin"));
    return new Result(weights, false, progress.chart);
  }

  /** A facade call that reads the corpus or a checkpoint. */
  private interface CorpusCall<T> {
    T run() throws IOException;
  }

  /** {@code call}'s result; a malformed file or a setting the trainer refuses is the user's to fix, and said so. */
  private static <T> T reported(CorpusCall<T> call) throws IOException {
    try {
      return call.run();
    } catch (MalformedInputFileException | IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  /**
   * The progress line, a metrics record per report, the chart redrawn once an epoch has ended
   * (its checkpoint written), and the stop request passed on to the trainer.
   */
  private static final class Listener implements Word2VecTrainer.ProgressListener {
    private final Word2VecTrainer.ProgressListener line;
    private final MetricsLog metrics;
    private final Path output;
    private final String title;
    private final StopRequest stop;
    private final PrintWriter err;
    private boolean stopped;
    private Path chart;
    private int lastEpoch = -1;
    private long lastWords = -1;
    private double lastSeconds;

    Listener(Word2VecTrainer.ProgressListener line, MetricsLog metrics, Path output, String model, StopRequest stop,
        PrintWriter err) {
      this.line = line;
      this.err = err;
      this.metrics = metrics;
      this.output = output;
      this.title = model + " (word2vec)";
      this.stop = stop;
    }

    @Override
    public void progress(int epoch, long rawWords, long effectiveWords, long totalRawWords, float alpha, double seconds) {
      line.progress(epoch, rawWords, effectiveWords, totalRawWords, alpha, seconds);
    }

    @Override
    public void report(Word2VecTrainer.Report r) {
      line.progress(r.epoch(), r.rawWords(), r.effectiveWords(), r.totalRawWords(), r.alpha(), r.seconds());
      // Throughput over the interval since the last report of this process's run; a resumed run's
      // first report (the checkpoint's counters, at 0 s) has none.
      double rate = lastWords < 0
          ? (r.seconds() > 0 ? r.rawWords() / r.seconds() : Double.NaN)
          : r.seconds() > lastSeconds ? (r.rawWords() - lastWords) / (r.seconds() - lastSeconds) : Double.NaN;
      if (lastWords < 0 && r.seconds() == 0) {
        rate = Double.NaN;
      }
      Map<String, Number> values = new LinkedHashMap<>();
      values.put("epoch", r.epoch() + 1);
      values.put("words", r.rawWords());
      values.put("effective_words", r.effectiveWords());
      values.put("total_words", r.totalRawWords());
      values.put("loss", r.loss());
      values.put("learning_rate", (double) r.alpha());
      values.put("words_per_second", rate);
      metrics.recordUnchecked(r.seconds(), values);
      lastWords = r.rawWords();
      lastSeconds = r.seconds();
      if (lastEpoch >= 0 && r.epoch() != lastEpoch) {
        draw(); // the epoch before has ended and its checkpoint is written
      }
      lastEpoch = r.epoch();
    }

    @Override
    public boolean stopRequested() {
      if (stop != null && stop.requested()) {
        stopped = true;
      }
      return stopped;
    }

    /** Redraws the chart; a failure is a warning, never a reason to lose the checkpoint that follows. */
    void draw() {
      try {
        chart = MetricsChart.draw(metrics.file(), output, title, "words", "words processed (all epochs)");
      } catch (IOException | RuntimeException e) {
        err.println();
        err.println("nlpm: warning: could not draw " + MetricsChart.file(output, true) + ": " + e);
      }
    }
  }

  /**
   * The flags; a null one keeps the declaration's setting.
   *
   * @param negative negative samples a prediction (0: none)
   * @param hierarchicalSoftmax whether to train the Huffman-tree output layer
   * @param minCount the fewest occurrences a word needs to enter the vocabulary
   * @param maxVocab the most words the vocabulary keeps (0: no limit)
   */
  record Flags(Integer epochs, Integer threads, Long seed, Float lr, Float minLr, Integer window, Double sample, Integer negative,
      Boolean hierarchicalSoftmax, Long minCount, Integer maxVocab) {

    /** Only the epochs and threads, as {@code demo} sets them. */
    static Flags epochsAndThreads(Integer epochs, Integer threads) {
      return new Flags(epochs, threads, null, null, null, null, null, null, null, null, null);
    }

    /** Whether any flag is given: a resumed run keeps its checkpoint's settings and refuses them all. */
    boolean any() {
      return java.util.stream.Stream.of(epochs, threads, seed, lr, minLr, window, sample, negative, hierarchicalSoftmax, minCount, maxVocab)
          .anyMatch(java.util.Objects::nonNull);
    }

    /** The declared options with the flags' settings over them. */
    Word2VecOptions apply(Word2VecOptions options) {
      if (window != null) {
        options = options.withWindow(positive("--window", window));
      }
      if (sample != null) {
        if (!(sample >= 0)) {
          throw new UserError("--sample must be at least 0 (0: no subsampling), got " + sample);
        }
        options = options.withSample(sample);
      }
      if (epochs != null) {
        options = options.withEpochs(positive("--epochs", epochs));
      }
      if (threads != null) {
        options = options.withThreads(positive("--threads", threads));
      }
      if (seed != null) {
        options = options.withSeed(seed);
      }
      if (lr != null && !(lr > 0)) {
        throw new UserError("--lr must be positive, got " + lr);
      }
      if (lr != null || minLr != null) {
        float alpha = lr != null ? lr : options.alpha();
        float floor = minLr != null ? minLr : Math.min(options.minAlpha(), alpha);
        if (!(floor >= 0 && floor <= alpha)) {
          throw new UserError("--min-lr must be between 0 and the learning rate " + alpha + ", got " + floor);
        }
        options = options.withAlpha(alpha, floor);
      }
      if (negative != null || hierarchicalSoftmax != null) {
        int negatives = negative != null ? negative : options.negatives();
        if (negatives < 0) {
          throw new UserError("--negative must be at least 0 (0: none), got " + negatives);
        }
        boolean hs = hierarchicalSoftmax != null ? hierarchicalSoftmax : options.hierarchicalSoftmax();
        if (negatives == 0 && !hs) {
          throw new UserError("no output layer left: with --negative 0, add --hierarchical-softmax");
        }
        options = options.withOutputLayer(negatives, hs);
      }
      return options;
    }

    /** The declared minimum count, or the flag's. */
    long minCount(long declared) {
      if (minCount != null && minCount < 1) {
        throw new UserError("--min-count must be at least 1, got " + minCount);
      }
      return minCount != null ? minCount : declared;
    }

    /** The declared vocabulary size, or the flag's. */
    int maxVocab(int declared) {
      if (maxVocab != null && maxVocab < 0) {
        throw new UserError("--max-vocab must be at least 0 (0: no limit), got " + maxVocab);
      }
      return maxVocab != null ? maxVocab : declared;
    }
  }

  private static String outputLayer(Word2VecOptions options) {
    String negatives = options.negatives() + " negative" + (options.negatives() == 1 ? "" : "s");
    if (!options.hierarchicalSoftmax()) {
      return negatives;
    }
    return options.negatives() == 0 ? "hierarchical softmax" : "hierarchical softmax and " + negatives;
  }

  private static int positive(String flag, int value) {
    if (value < 1) {
      throw new UserError(flag + " must be positive, got " + value);
    }
    return value;
  }

  /** Lets the runtime's PrintStream-based progress line write to picocli's error writer. */
  static final class WriterOutputStream extends java.io.OutputStream {
    private final PrintWriter writer;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      pending.write(b);
    }

    @Override
    public void flush() {
      writer.print(pending.toString(StandardCharsets.UTF_8));
      writer.flush();
      pending.reset();
    }
  }
}
