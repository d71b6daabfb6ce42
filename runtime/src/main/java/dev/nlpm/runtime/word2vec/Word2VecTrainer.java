package dev.nlpm.runtime.word2vec;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.Utf8Lines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trains word2vec as word2vec.c does — skip-gram or CBOW, negative sampling and/or hierarchical
 * softmax, frequent-word subsampling, randomly shrunk windows, a precomputed sigmoid — over text
 * files read a line (a sentence) at a time, epoch after epoch, with the learning rate decaying
 * linearly from {@code alpha} to {@code minAlpha} over all the words of all epochs.
 *
 * <p>The vector work goes through {@link Word2VecKernels}: a generated model passes its
 * dimension-specialized kernels, everything else gets the plain ones. With more than one thread
 * the workers share the weights without locks (Hogwild), as word2vec.c and gensim do, so only a
 * one-thread run is reproducible bit for bit: one worker, one random stream seeded by {@link
 * Word2VecOptions#seed()}, taking the batches in order while the calling thread reads ahead.
 *
 * <p>Given a checkpoint path, the trainer writes a {@link Word2VecCheckpoint} atomically after
 * every epoch; {@link #resume} continues from the last one written, and a one-thread run resumed
 * gives the same bits as one never stopped.
 *
 * <p>A {@link ProgressListener} may ask training to stop ({@link ProgressListener#stopRequested()},
 * asked before each batch of about {@value #BATCH_WORDS} words is handed to the workers): the
 * trainer lets the workers finish the batches already handed, reports once more, writes a
 * checkpoint that records how many batches of the epoch are done, and returns the weights as they
 * stand. Resuming skips those batches of that epoch (reading, not training them), so a one-thread
 * run stopped mid-epoch and resumed also gives the same bits as one never stopped.
 *
 * <p>The workers also sum the loss of what they predict, as gensim's {@code compute_loss} does but
 * from word2vec.c's sigmoid table: {@code -log σ(h·v)} for the true output and {@code -log σ(-h·v)}
 * for each negative sample (or each tree node, by its code), with {@code log(1 + e^(-z)) ≈ max(0,
 * -z)} where {@code |z| ≥ 6} and the table ends. It reads the dot product the gradient already
 * computed and touches neither the weights nor the random streams: the trained numbers are the
 * same with or without anyone listening.
 */
public final class Word2VecTrainer {

  /** Sentences longer than this are cut, as gensim's {@code MAX_WORDS_IN_BATCH}. */
  static final int MAX_SENTENCE = 10_000;

  /** Words handed to a worker at once. */
  static final int BATCH_WORDS = 10_000;

  /**
   * One progress report.
   *
   * @param epoch the epoch, from 0
   * @param rawWords words read so far, all epochs (gensim's "words")
   * @param effectiveWords of those, the words kept after subsampling (gensim's "effective words")
   * @param totalRawWords the words all epochs will read
   * @param alpha the current learning rate
   * @param seconds since this run (this process's training or resumption) started
   * @param loss the mean loss per prediction since the previous report — the sum of the output
   *     units' {@code -log σ} terms of one predicted word (skip-gram: one context pair; CBOW: one
   *     centre word) — or NaN when nothing was predicted since
   */
  public record Report(
      int epoch, long rawWords, long effectiveWords, long totalRawWords, float alpha, double seconds, double loss) {}

  /**
   * Told how training goes, about once a second, at the end of each epoch, when resuming (the
   * counters the checkpoint restored) and when stopping early.
   */
  @FunctionalInterface
  public interface ProgressListener {
    /**
     * @param epoch the epoch, from 0
     * @param rawWords words read so far, all epochs (gensim's "words")
     * @param effectiveWords of those, the words kept after subsampling (gensim's "effective words")
     * @param totalRawWords the words all epochs will read
     * @param alpha the current learning rate
     * @param seconds since training started
     */
    void progress(int epoch, long rawWords, long effectiveWords, long totalRawWords, float alpha, double seconds);

    /**
     * The whole report, with the running loss; by default passes the rest on to {@link #progress}.
     * Called from the thread that called {@code train} or {@code resume}.
     */
    default void report(Report report) {
      progress(report.epoch(), report.rawWords(), report.effectiveWords(), report.totalRawWords(), report.alpha(),
          report.seconds());
    }

    /**
     * Asked before each batch is handed to the workers, from the thread that called {@code train}
     * or {@code resume}: true stops training there, with a checkpoint if the run has a path for
     * one. By default, never.
     */
    default boolean stopRequested() {
      return false;
    }

    ProgressListener NONE = (e, r, w, t, a, s) -> {};

    /**
     * A progress line rewritten in place on {@code out} ({@code \r}), ended by a newline when
     * the last word is done: {@code epoch 2  43.1%  alpha 0.01433  251,012 words/s  181,440
     * effective words/s  0:31 left}.
     */
    static ProgressListener line(java.io.PrintStream out) {
      return (epoch, raw, effective, total, alpha, seconds) -> {
        double rate = raw / Math.max(seconds, 1e-9);
        long left = Math.round((total - raw) / Math.max(rate, 1e-9));
        out.printf(java.util.Locale.ROOT, "\repoch %d  %5.1f%%  alpha %.5f  %,.0f words/s  %,.0f effective words/s  %s left",
            epoch + 1, 100.0 * raw / Math.max(total, 1), alpha, rate, effective / Math.max(seconds, 1e-9),
            rate > 0 ? String.format(java.util.Locale.ROOT, "%d:%02d", left / 60, left % 60) : "?");
        if (raw >= total) {
          out.println();
        }
        out.flush();
      };
    }
  }

  private final Word2VecVocabulary vocabulary;
  private final Word2VecOptions options;
  private final Word2VecKernels kernels;
  private final Word2VecWeights weights;
  private final float[] sigmoid = SamplingTables.sigmoidTable();
  private final float[] positiveLoss = SamplingTables.lossTable(sigmoid, true);
  private final float[] negativeLoss = SamplingTables.lossTable(sigmoid, false);
  private final float[] keep;
  private final NegativeSampler negatives;
  private final HuffmanTree tree;

  private final AtomicLong rawWords = new AtomicLong();
  private final AtomicLong effectiveWords = new AtomicLong();
  /** The workers' loss and predictions, added after each batch; read and reset by each report. */
  private double lossSum;
  private long predictions;

  private Word2VecTrainer(Word2VecWeights weights, Word2VecOptions options, Word2VecKernels kernels) {
    if (kernels.dimension() != options.dimension()) {
      throw new IllegalArgumentException(
          "the kernels are for dimension " + kernels.dimension() + ", the options say " + options.dimension());
    }
    if (weights.dimension() != options.dimension()) {
      throw new IllegalArgumentException(
          "the weights have dimension " + weights.dimension() + ", the options say " + options.dimension());
    }
    this.vocabulary = weights.vocabulary();
    this.options = options;
    this.kernels = kernels;
    long[] counts = vocabulary.counts();
    this.weights = weights;
    this.keep = SamplingTables.keepProbabilities(counts, vocabulary.totalCount(), options.sample());
    this.negatives = options.negatives() > 0 ? NegativeSampler.of(counts, options.negativePower()) : null;
    this.tree = options.hierarchicalSoftmax() ? HuffmanTree.build(counts) : null;
  }

  /** Trains on {@code files} with the plain kernels and returns the weights. */
  public static Word2VecWeights train(
      Word2VecVocabulary vocabulary, List<Path> files, Word2VecOptions options, ProgressListener progress)
      throws IOException {
    return train(vocabulary, files, options, Word2VecKernels.plain(options.dimension()), progress, null);
  }

  /**
   * Trains on {@code files} with these kernels and returns the weights.
   *
   * @param checkpoint where to write a checkpoint after every epoch, or null for none
   */
  public static Word2VecWeights train(
      Word2VecVocabulary vocabulary,
      List<Path> files,
      Word2VecOptions options,
      Word2VecKernels kernels,
      ProgressListener progress,
      Path checkpoint)
      throws IOException {
    Word2VecTrainer trainer = new Word2VecTrainer(Word2VecWeights.initialize(vocabulary, options), options, kernels);
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < options.threads(); t++) {
      workers.add(trainer.new Worker(options.seed() * 0x9E3779B97F4A7C15L + t));
    }
    trainer.run(files, workers, 0, 0, progress, checkpoint);
    return trainer.weights;
  }

  /**
   * Continues the training a checkpoint stopped, over the same {@code files}, from where it
   * stopped — the epoch after the last one it completed, or the batch after the last one trained
   * when it was stopped mid-epoch — writing new checkpoints to the same path; returns the weights.
   *
   * @throws MalformedInputFileException if the checkpoint is not one
   * @throws IllegalArgumentException if the kernels are for another dimension
   */
  public static Word2VecWeights resume(
      Path checkpoint, List<Path> files, Word2VecKernels kernels, ProgressListener progress) throws IOException {
    Word2VecCheckpoint saved = Word2VecCheckpoint.read(checkpoint);
    Word2VecTrainer trainer = new Word2VecTrainer(saved.weights(), saved.options(), kernels);
    trainer.rawWords.set(saved.rawWords());
    trainer.effectiveWords.set(saved.effectiveWords());
    List<Worker> workers = new ArrayList<>();
    for (long random : saved.randoms()) {
      workers.add(trainer.new Worker(random));
    }
    long totalRaw = trainer.vocabulary.totalCount() * trainer.options.epochs();
    long now = System.nanoTime();
    trainer.report(progress, Math.min(saved.epochsDone(), saved.options().epochs() - 1), totalRaw, now, new long[] {now}, true);
    trainer.run(files, workers, saved.epochsDone(), saved.batchesDone(), progress, checkpoint);
    return trainer.weights;
  }

  private void run(
      List<Path> files, List<Worker> workers, int firstEpoch, long firstBatch, ProgressListener progress, Path checkpoint)
      throws IOException {
    long totalRaw = vocabulary.totalCount() * options.epochs();
    long start = System.nanoTime();
    long[] lastReport = {start};
    // The workers live across epochs: each one's random stream runs on, so every epoch draws fresh
    // subsampling, windows and negatives.
    for (int epoch = firstEpoch; epoch < options.epochs(); epoch++) {
      // The calling thread reads and splits the text while the workers train, one thread or many:
      // one worker takes the batches in order and alone moves the word count the learning rate
      // follows, so a one-thread run stays reproducible.
      long stoppedAt = trainInParallel(files, workers, epoch, epoch == firstEpoch ? firstBatch : 0, totalRaw, progress, start,
          lastReport);
      report(progress, epoch, totalRaw, start, lastReport, true);
      if (checkpoint != null) {
        long[] randoms = workers.stream().mapToLong(w -> w.random).toArray();
        (stoppedAt < 0
            ? new Word2VecCheckpoint(options, weights, epoch + 1, rawWords.get(), effectiveWords.get(), randoms)
            : new Word2VecCheckpoint(options, weights, epoch, stoppedAt, rawWords.get(), effectiveWords.get(), randoms))
            .write(checkpoint);
      }
      if (stoppedAt >= 0) {
        return;
      }
    }
  }

  /** Thrown through the text reader when the listener asks to stop; carries nothing. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super(null, null, false, false);
    }
  }

  /**
   * Trains one epoch, skipping its first {@code skip} batches (done before a stop); returns -1
   * when the epoch is done, or the batches of it done when the listener asked to stop.
   */
  private long trainInParallel(
      List<Path> files, List<Worker> workers, int epoch, long skip, long totalRaw, ProgressListener progress,
      long start, long[] lastReport) throws IOException {
    BlockingQueue<int[][]> queue = new ArrayBlockingQueue<>(options.threads() * 2);
    int[][] poison = new int[0][];
    List<Thread> threads = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    for (int t = 0; t < workers.size(); t++) {
      Worker worker = workers.get(t);
      Thread thread = new Thread(() -> {
        try {
          for (int[][] batch = queue.take(); batch != poison; batch = queue.take()) {
            worker.train(batch, alpha(totalRaw));
          }
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException | Error ex) {
          synchronized (failure) {
            failure[0] = ex;
          }
        }
      }, "word2vec-" + t);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    long[] batches = {0};
    boolean stopped = false;
    try {
      forEachBatch(files, batch -> {
        if (batches[0] < skip) {
          batches[0]++;
          return;
        }
        if (progress.stopRequested()) {
          throw new Stop();
        }
        if (!hand(queue, batch, failure)) {
          synchronized (failure) {
            throw failure[0] != null
                ? new IllegalStateException("a training thread failed", failure[0])
                : new IllegalStateException("interrupted while training");
          }
        }
        batches[0]++;
        report(progress, epoch, totalRaw, start, lastReport, false);
      });
    } catch (Stop stop) {
      stopped = true;
    } finally {
      // One end marker per worker, handed over while the queue drains; if a worker has failed (or
      // this thread is interrupted), the others are interrupted instead, so nothing waits forever.
      for (int t = 0; t < threads.size(); t++) {
        if (!hand(queue, poison, failure)) {
          threads.forEach(Thread::interrupt);
          break;
        }
      }
      for (Thread thread : threads) {
        try {
          thread.join();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (failure[0] != null) {
      throw new IllegalStateException("a training thread failed", failure[0]);
    }
    return stopped ? batches[0] : -1;
  }

  /**
   * Puts {@code item} on the queue, waiting while it is full; gives up, returning false, once a
   * worker has failed (the workers left may never take it) or this thread is interrupted.
   */
  private static boolean hand(BlockingQueue<int[][]> queue, int[][] item, Throwable[] failure) {
    try {
      synchronized (failure) {
        if (failure[0] != null) {
          return false; // stop reading as soon as a worker has failed, not when the queue fills
        }
      }
      while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
        synchronized (failure) {
          if (failure[0] != null) {
            return false;
          }
        }
      }
      return true;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void report(ProgressListener progress, int epoch, long totalRaw, long start, long[] last, boolean always) {
    long now = System.nanoTime();
    if (always || now - last[0] > 1_000_000_000L) {
      last[0] = now;
      double loss;
      synchronized (this) {
        loss = predictions == 0 ? Double.NaN : lossSum / predictions;
        lossSum = 0;
        predictions = 0;
      }
      progress.report(new Report(epoch, rawWords.get(), effectiveWords.get(), totalRaw, alpha(totalRaw), (now - start) / 1e9, loss));
    }
  }

  private synchronized void addLoss(double sum, long count) {
    lossSum += sum;
    predictions += count;
  }

  /** The learning rate after the words done so far: linear from alpha to minAlpha over all epochs. */
  private float alpha(long totalRaw) {
    double done = Math.min(1.0, rawWords.get() / (double) Math.max(1, totalRaw));
    return (float) (options.alpha() - (options.alpha() - options.minAlpha()) * done);
  }

  @FunctionalInterface
  private interface BatchSink {
    void accept(int[][] batch);
  }

  /** Reads the files into batches of sentences (vocabulary indices) of about BATCH_WORDS words. */
  private void forEachBatch(List<Path> files, BatchSink sink) throws IOException {
    List<int[]> batch = new ArrayList<>();
    int[] words = {0};
    for (Path file : files) {
      Utf8Lines.read(file, (line, text) -> {
        int[] sentence = vocabulary.indices(text);
        for (int from = 0; from < sentence.length; from += MAX_SENTENCE) {
          int to = Math.min(sentence.length, from + MAX_SENTENCE);
          batch.add(from == 0 && to == sentence.length ? sentence : java.util.Arrays.copyOfRange(sentence, from, to));
          words[0] += to - from;
        }
        if (words[0] >= BATCH_WORDS) {
          sink.accept(batch.toArray(new int[0][]));
          batch.clear();
          words[0] = 0;
        }
      });
    }
    if (!batch.isEmpty()) {
      sink.accept(batch.toArray(new int[0][]));
    }
  }

  /** One thread's state: its random stream and its scratch vectors. */
  private final class Worker {
    private long random;
    private final float[] hidden;
    private final float[] error;
    private final float[] lanes = new float[Word2VecKernels.LANES];
    private final int[] kept = new int[MAX_SENTENCE];
    /** This batch's summed loss and predictions so far. */
    private double loss;
    private long predicted;

    Worker(long random) {
      this.random = random;
      this.hidden = new float[options.dimension()];
      this.error = new float[options.dimension()];
    }

    private long next() {
      random = random * 25214903917L + 11;
      return random;
    }

    void train(int[][] batch, float alpha) {
      long raw = 0;
      long effective = 0;
      for (int[] sentence : batch) {
        int length = 0;
        for (int w : sentence) {
          if (keep[w] < 1f && keep[w] < (next() & 0xFFFF) / 65536f) {
            continue;
          }
          kept[length++] = w;
        }
        raw += sentence.length;
        effective += length;
        for (int position = 0; position < length; position++) {
          int shrink = (int) Long.remainderUnsigned(next(), options.window());
          if (options.skipGram()) {
            trainSkipGram(position, length, shrink, alpha);
          } else {
            trainCbow(position, length, shrink, alpha);
          }
        }
      }
      addLoss(loss, predicted);
      loss = 0;
      predicted = 0;
      rawWords.addAndGet(raw);
      effectiveWords.addAndGet(effective);
    }

    private void trainSkipGram(int position, int length, int shrink, float alpha) {
      int window = options.window();
      int word = kept[position];
      for (int a = shrink; a < window * 2 + 1 - shrink; a++) {
        int c = position - window + a;
        if (a == window || c < 0 || c >= length) {
          continue;
        }
        float[] input = weights.input()[kept[c]];
        java.util.Arrays.fill(error, 0f);
        update(input, word, alpha);
        kernels.axpy(1f, error, input);
      }
    }

    private void trainCbow(int position, int length, int shrink, float alpha) {
      int window = options.window();
      float[][] in = weights.input();
      java.util.Arrays.fill(hidden, 0f);
      int count = 0;
      for (int a = shrink; a < window * 2 + 1 - shrink; a++) {
        int c = position - window + a;
        if (a == window || c < 0 || c >= length) {
          continue;
        }
        kernels.axpy(1f, in[kept[c]], hidden);
        count++;
      }
      if (count == 0) {
        return;
      }
      if (options.cbowMean()) {
        kernels.scale(1f / count, hidden);
      }
      java.util.Arrays.fill(error, 0f);
      update(hidden, kept[position], alpha);
      for (int a = shrink; a < window * 2 + 1 - shrink; a++) {
        int c = position - window + a;
        if (a == window || c < 0 || c >= length) {
          continue;
        }
        kernels.axpy(1f, error, in[kept[c]]);
      }
    }

    /**
     * One prediction of {@code word} from the hidden vector {@code h}: accumulates the gradient
     * for the hidden vector into {@code error} and updates the output weights.
     */
    private void update(float[] h, int word, float alpha) {
      predicted++;
      if (tree != null) {
        float[][] out = weights.hierarchicalOutput();
        byte[] code = tree.code(word);
        int[] points = tree.points(word);
        for (int d = 0; d < code.length; d++) {
          float[] row = out[points[d]];
          float f = kernels.dot(h, row, lanes);
          if (f <= -SamplingTables.MAX_EXP || f >= SamplingTables.MAX_EXP) {
            // code 0 wants f high: its loss is about -f where f is very negative, 0 where high
            loss += code[d] == 0 ? Math.max(0f, -f) : Math.max(0f, f);
            continue;
          }
          int index = (int) ((f + SamplingTables.MAX_EXP) * (SamplingTables.SIGMOID_TABLE_SIZE / SamplingTables.MAX_EXP / 2));
          loss += code[d] == 0 ? positiveLoss[index] : negativeLoss[index];
          f = sigmoid[index];
          float g = (1 - code[d] - f) * alpha;
          kernels.update(g, h, row, error);
        }
      }
      if (negatives != null) {
        float[][] out = weights.negativeOutput();
        for (int d = 0; d <= options.negatives(); d++) {
          int target;
          float label;
          if (d == 0) {
            target = word;
            label = 1;
          } else {
            target = negatives.sample(next());
            if (target == word) {
              continue;
            }
            label = 0;
          }
          float[] row = out[target];
          float f = kernels.dot(h, row, lanes);
          float g;
          if (f > SamplingTables.MAX_EXP) {
            g = (label - 1) * alpha;
            loss += label == 1 ? 0f : f;
          } else if (f < -SamplingTables.MAX_EXP) {
            g = label * alpha;
            loss += label == 1 ? -f : 0f;
          } else {
            int index = (int) ((f + SamplingTables.MAX_EXP) * (SamplingTables.SIGMOID_TABLE_SIZE / SamplingTables.MAX_EXP / 2));
            g = (label - sigmoid[index]) * alpha;
            loss += label == 1 ? positiveLoss[index] : negativeLoss[index];
          }
          kernels.update(g, h, row, error);
        }
      }
    }
  }
}
