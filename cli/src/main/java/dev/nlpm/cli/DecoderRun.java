package dev.nlpm.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Tokenizer;
import dev.nlpm.runtime.checkpoint.CheckpointMismatchException;
import dev.nlpm.runtime.checkpoint.ParameterCheckpoint;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.checkpoint.TrainingProgress;
import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.StrictUtf8;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.model.BlockwiseDecoderFacade;
import dev.nlpm.runtime.model.DecoderFacade;
import dev.nlpm.runtime.model.LanguageModelFacade;
import dev.nlpm.runtime.model.LstmFacade;
import dev.nlpm.runtime.model.ModelFacade;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.text.CharTokenizer;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.VocabularyBuilder;
import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import dev.nlpm.runtime.text.bpe.Gpt2PreTokenizer;
import dev.nlpm.runtime.text.train.BpeTrainer;
import dev.nlpm.runtime.text.train.BpeTrainingOptions;
import dev.nlpm.runtime.text.train.ProgressListener;
import dev.nlpm.runtime.text.train.WordCounter;
import dev.nlpm.runtime.training.EncoderTrainer;
import dev.nlpm.runtime.training.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a language model — a GPT-style decoder ({@link GptTraining}) or an LSTM LM ({@link
 * LstmTraining}) — through its generated facade, compiled in this process: the declared tokenizer
 * ({@code char}: the data's characters, most frequent first, capped at the declared vocab; {@code
 * bpe}: a byte-level BPE vocabulary trained at the declared vocab) turns the data into one id
 * stream; its first 90% trains, the last 10% is held out, scored as blocks of the run's length.
 *
 * <p>Writes into the output folder: the vocabulary ({@value #CHARS}, or {@code vocab.json} and
 * {@code merges.txt}) and {@value #SETTINGS} before the first step; {@value #CHECKPOINT}/ every so
 * many steps, at the end and when stopped; {@code metrics.jsonl} a record per step, with the
 * held-out perplexity at every checkpoint; {@code loss.png}; at the end {@value #MODEL}/ ({@value
 * #WEIGHTS} under the reference's names, and the vocabulary) for {@code nlpm sample}.
 */
final class DecoderRun {

  static final String CHECKPOINT = EncoderRun.CHECKPOINT;
  static final String MODEL = EncoderRun.MODEL;
  static final String SETTINGS = EncoderRun.SETTINGS;
  static final String WEIGHTS = "model.safetensors";
  /** A character vocabulary: a JSON array of the tokens, in id order. */
  static final String CHARS = "chars.json";
  /** The held-out evaluation reads at most this many blocks. */
  static final int MAX_HELD_OUT_BLOCKS = 256;

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private DecoderRun() {}

  /**
   * What a run left.
   *
   * @param perplexity held-out perplexity at the end (NaN when stopped)
   * @param unigram a unigram model's held-out perplexity (the training stream's token frequencies, add-one)
   */
  record Result(boolean stopped, long step, long steps, double loss, Path checkpoint, Path model, Path chart, int vocabulary,
      String architecture, String tokenizer, double perplexity, double unigram, HeadsTraining.Result heads) {}

  /** The settings of a run, kept in {@value #SETTINGS} for {@code --resume}. */
  record Settings(String model, String tokenizer, long steps, int batch, double learningRate, long warmup, double clip,
      double weightDecay, long seed, long checkpointEvery, int threads, Optimization optimization, int sequence, long headsSteps) {

    EncoderTrainer.Options options() {
      return optimization.apply(new EncoderTrainer.Options(learningRate, Math.min(warmup, steps), steps, 1, clip, weightDecay, seed,
          checkpointEvery));
    }

    /** The heads' training (a blockwise decoder's): the model's settings over {@code headsSteps} steps. */
    EncoderTrainer.Options headsOptions() {
      return optimization.apply(new EncoderTrainer.Options(learningRate, Math.min(warmup, headsSteps), headsSteps, 1, clip, weightDecay,
          seed, checkpointEvery));
    }

    /**
     * With the steps the declared epochs take over {@code blocks}, when no steps were declared or
     * given, and the heads' (a quarter of the model's unless given).
     */
    Settings withStepsFor(long blocks) {
      return new Settings(model, tokenizer, optimization.steps(steps, blocks, batch), batch, learningRate, warmup, clip, weightDecay, seed,
          checkpointEvery, threads, optimization, sequence, headsSteps > 0 ? headsSteps : Math.max(1, optimization.steps(steps, blocks,
          batch) / 4));
    }
  }

  /** A model's text ↔ ids, whichever the declared tokenizer. */
  interface Text {
    int[] encode(String text);

    String decode(int[] ids);

    /** The tokens, in id order. */
    Vocabulary vocabulary();

    /** An id no generated text should hold (the unknown character), or -1. */
    int unknown();

    /** Writes the vocabulary files into {@code dir}. */
    void write(Path dir) throws IOException;
  }

  static Result train(Compilation compilation, ModelSpec spec, List<Path> data, Path output, boolean resume, EncoderRun.Overrides flags,
      Long headsFlag, PrintWriter err, StopRequest stop) throws IOException {
    Path checkpoint = output.resolve(CHECKPOINT);
    if (resume && !Files.isDirectory(checkpoint)) {
      throw new UserError("--resume: no checkpoint at " + checkpoint);
    }
    String kind = tokenizerKind(spec);
    LanguageModelFacade facade = load(compilation, spec);
    // an LSTM declaring max_vocab is built at the size of the data's vocabulary, at most this
    int declaredVocabulary = facade.vocab();
    Settings planned = resume ? resumedSettings(output, spec, flags, facade.sequence(), headsFlag)
        : freshSettings(facade, spec, kind, flags, headsFlag);
    int length = planned.sequence();
    Files.createDirectories(output);

    String corpus = read(data);
    Text text = resume ? load(kind, output) : trainVocabulary(kind, corpus, declaredVocabulary, data, output, err);
    if (text.vocabulary().size() > declaredVocabulary) {
      throw new UserError(output + ": the vocabulary has " + text.vocabulary().size() + " tokens, more than " + spec.name() + "'s vocab of "
          + declaredVocabulary);
    }
    int[] ids = text.encode(corpus);
    int split = (int) (ids.length * 9L / 10);
    int[] train = Arrays.copyOfRange(ids, 0, split);
    int[] heldOut = Arrays.copyOfRange(ids, split, ids.length);
    if (train.length <= length || heldOut.length < 2) {
      throw new UserError("the data make " + ids.length + " tokens, too few: 90% of them must exceed a block of " + length
          + " tokens, and 10% must hold two");
    }
    // an epoch: as many blocks as the training tokens fill
    Settings settings = planned.withStepsFor(train.length / length);
    if (!resume) {
      AtomicFiles.write(output.resolve(SETTINGS), stream -> stream.write(GSON.toJson(settings).getBytes(StandardCharsets.UTF_8)));
    }
    int batch = settings.batch();

    MetricsChart.warmUp();
    Path metricsFile = output.resolve(Word2VecRun.METRICS);
    Listener listener;
    LanguageModelTraining training;
    double perplexity;
    HeldOut evaluation;
    try (Parallel parallel = new Parallel(settings.threads());
        MetricsLog metrics = resume ? MetricsLog.resume(metricsFile, "step") : MetricsLog.create(metricsFile, "step")) {
      training = facade instanceof LstmFacade recurrent
          ? new LstmTraining(recurrent, text.vocabulary().size(), settings.options(), settings.seed(), train, batch, length, parallel)
          : new GptTraining((DecoderFacade) facade, settings.options(), settings.seed(), train, batch, length, parallel);
      err.printf(Locale.ROOT, "%s %s: %s; %,d %s tokens (vocabulary %,d): %,d training, %,d held out;"
              + " %d steps of %d × %d tokens, lr %s (warmup %d, %s), seed %d, %d thread%s%n",
          resume ? "resuming" : "training", spec.name(), training.describe(), ids.length, kind, text.vocabulary().size(), train.length,
          heldOut.length, settings.steps(), batch, length, settings.learningRate(), settings.options().warmup(), settings.optimization(),
          settings.seed(), settings.threads(), settings.threads() == 1 ? "" : "s");
      evaluation = new HeldOut(training, heldOut, train, batch, length, text.vocabulary().size());
      long first = 1;
      if (resume) {
        TrainingProgress progress;
        try {
          progress = training.resume(checkpoint);
        } catch (CheckpointMismatchException e) {
          throw new UserError(EncoderRun.oneLine(e));
        } catch (IllegalArgumentException e) {
          throw new UserError(e.getMessage());
        }
        metrics.resumeAt(progress.step());
        err.println("resuming " + spec.name() + " from " + checkpoint + " at step " + progress.step() + " of " + settings.steps());
        first = progress.step() + 1;
      }
      listener = new Listener(training, metrics, evaluation, output, spec.name(), first, settings.checkpointEvery(), stop, err);
      try {
        training.train(checkpoint, listener);
      } catch (TrainingDivergedException e) {
        listener.draw();
        throw new UserError(e.getMessage() + " (a lower --lr may help)");
      } finally {
        listener.endLine();
      }
      perplexity = listener.lastPerplexity;
      listener.draw();
      if (training.stepsDone() < settings.steps()) {
        return new Result(true, training.stepsDone(), settings.steps(), listener.lastLoss, checkpoint, null, listener.chart(),
            text.vocabulary().size(), training.describe(), kind, Double.NaN, evaluation.unigram(), null);
      }
      Path model = output.resolve(MODEL);
      Files.createDirectories(model);
      save(facade, spec, training.parameters(), model.resolve(WEIGHTS));
      text.write(model);
      HeadsTraining.Result heads = null;
      if (training instanceof GptTraining gpt && facade instanceof BlockwiseDecoderFacade blockwise) {
        heads = HeadsTraining.train(blockwise, gpt.decoder(), settings.headsOptions(), train, batch, length, output, resume, stop, err);
      }
      boolean stopped = heads != null && heads.stopped();
      return new Result(stopped, training.stepsDone(), settings.steps(), listener.lastLoss,
          stopped ? output.resolve(HeadsTraining.CHECKPOINT) : checkpoint, model, listener.chart(), text.vocabulary().size(),
          training.describe(), kind, perplexity, evaluation.unigram(), heads);
    }
  }

  /** {@code char} or {@code bpe}; another tokenizer is refused. */
  static String tokenizerKind(ModelSpec spec) {
    Tokenizer tokenizer = spec.tokenizer();
    if (tokenizer instanceof Tokenizer.Char) {
      return "char";
    }
    if (tokenizer instanceof Tokenizer.ByteLevelBpe bpe) {
      if (bpe.vocabFile().isPresent() || bpe.mergesFile().isPresent()) {
        throw new UserError(spec.name() + " names its BPE files: `nlpm train` trains a vocabulary for decoders and does not load one yet");
      }
      return "bpe";
    }
    throw new UserError(spec.name() + " declares tokenizer " + tokenizer.keyword() + ": `nlpm train` tokenizes a decoder's data with"
        + " tokenizer char or bpe");
  }

  /** The facade of a decoder or an LSTM language model, as the interface its family's facade implements. */
  static LanguageModelFacade load(Compilation compilation, ModelSpec spec) {
    Class<? extends LanguageModelFacade> kind = spec.family() == Family.LSTM_LM ? LstmFacade.class : DecoderFacade.class;
    return GeneratedFacade.load(compilation, spec, kind);
  }

  /** Writes the parameters under the reference's names (GPT-2's, PyTorch's) with the model's checkpoint prefix. */
  static void save(ModelFacade facade, ModelSpec spec, ParameterRows parameters, Path file) throws IOException {
    ParameterCheckpoint.save(parameters.layout(), parameters.toFlat(), facade.checkpointPrefix(), Map.of("format", "pt", "nlpm.model",
        spec.name()), file);
  }

  /** Fresh parameters with the weights of {@code file}. */
  static ParameterRows loadWeights(DecoderFacade facade, Path file) throws IOException {
    ParameterRows parameters = facade.newParameters(0L);
    ParameterLayout layout = parameters.layout();
    float[] flat = new float[layout.size()];
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      ParameterCheckpoint.load(st, layout, flat, facade.checkpointPrefix(), true);
    } catch (CheckpointMismatchException e) {
      throw new UserError(EncoderRun.oneLine(e));
    } catch (NoSuchFileException e) {
      throw new UserError("no such file: " + file);
    } catch (IllegalArgumentException e) {
      throw new UserError(file + ": " + e.getMessage());
    }
    parameters.importFrom(flat);
    return parameters;
  }

  /** The data files, concatenated. */
  private static String read(List<Path> data) throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path file : data) {
      try {
        all.append(StrictUtf8.decode(file, Files.readAllBytes(file)));
      } catch (MalformedInputFileException e) {
        throw new UserError(e.getMessage()); // names the file and the line
      }
    }
    return all.toString();
  }

  private static Text trainVocabulary(String kind, String corpus, int declaredVocabulary, List<Path> data, Path output, PrintWriter err)
      throws IOException {
    long start = System.nanoTime();
    Text text;
    if (kind.equals("char")) {
      VocabularyBuilder counts = new VocabularyBuilder();
      corpus.codePoints().forEach(cp -> counts.add(Character.toString(cp)));
      Vocabulary vocabulary = counts.build(List.of(CharTokenizer.DEFAULT_UNKNOWN), 1, declaredVocabulary);
      long distinct = corpus.codePoints().distinct().count();
      text = chars(vocabulary);
      err.printf(Locale.ROOT, "vocabulary: %,d characters and %s (declared vocab %,d)%s%n", vocabulary.size() - 1,
          CharTokenizer.DEFAULT_UNKNOWN, declaredVocabulary,
          distinct > vocabulary.size() - 1 ? String.format(Locale.ROOT, "; the %,d rarest of the data's %,d become %s",
              distinct - (vocabulary.size() - 1), distinct, CharTokenizer.DEFAULT_UNKNOWN) : "");
    } else {
      if (declaredVocabulary < 257) {
        throw new UserError("a byte-level BPE vocabulary holds the 256 bytes and <|endoftext|>: a vocab of " + declaredVocabulary
            + " is too small (declare tokenizer char, or vocab >= 257)");
      }
      ByteLevelBpeTokenizer tokenizer = BpeTrainer.train(
          WordCounter.countFiles(data, Gpt2PreTokenizer::split, ProgressListener.NONE).byteLevel(),
          BpeTrainingOptions.byteLevel(declaredVocabulary)).byteLevelTokenizer();
      text = bpe(tokenizer);
      err.printf(Locale.ROOT, "vocabulary: %,d byte-level BPE tokens, %,d merges (declared vocab %,d) trained in %.1f s%n",
          tokenizer.vocabulary().size(), tokenizer.merges().size(), declaredVocabulary, (System.nanoTime() - start) / 1e9);
    }
    text.write(output);
    return text;
  }

  /** The vocabulary files in {@code dir}, as the declared tokenizer reads them. */
  static Text load(String kind, Path dir) throws IOException {
    if (kind.equals("char")) {
      Path file = dir.resolve(CHARS);
      if (!Files.isRegularFile(file)) {
        throw new UserError("no " + CHARS + " in " + dir + " (the character vocabulary `nlpm train` writes)");
      }
      List<String> tokens;
      try {
        tokens = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), new TypeToken<List<String>>() {}.getType());
        return chars(Vocabulary.of(Objects.requireNonNull(tokens, "empty")));
      } catch (JsonParseException | IllegalArgumentException | NullPointerException e) {
        throw new UserError(file + " is not a character vocabulary: " + e.getMessage());
      }
    }
    for (String name : List.of("vocab.json", "merges.txt")) {
      if (!Files.isRegularFile(dir.resolve(name))) {
        throw new UserError("no " + name + " in " + dir + " (the BPE vocabulary `nlpm train` writes)");
      }
    }
    try {
      return bpe(ByteLevelBpeTokenizer.fromDirectory(dir));
    } catch (IllegalArgumentException e) {
      throw new UserError(dir + ": " + e.getMessage());
    }
  }

  private static Text chars(Vocabulary vocabulary) {
    CharTokenizer tokenizer = CharTokenizer.of(vocabulary, CharTokenizer.DEFAULT_UNKNOWN);
    return new Text() {
      @Override
      public int[] encode(String text) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        int unknown = unknown();
        int k = 0;
        for (int i = 0; i < text.length(); ) {
          int cp = text.codePointAt(i);
          int next = i + Character.charCount(cp);
          int id = vocabulary.idOrMinusOne(text.substring(i, next));
          ids[k++] = id < 0 ? unknown : id;
          i = next;
        }
        return ids;
      }

      @Override
      public String decode(int[] ids) {
        return tokenizer.decode(ids);
      }

      @Override
      public Vocabulary vocabulary() {
        return vocabulary;
      }

      @Override
      public int unknown() {
        return vocabulary.idOrMinusOne(CharTokenizer.DEFAULT_UNKNOWN);
      }

      @Override
      public void write(Path dir) throws IOException {
        String json = new Gson().toJson(vocabulary.tokens());
        AtomicFiles.write(dir.resolve(CHARS), stream -> stream.write(json.getBytes(StandardCharsets.UTF_8)));
      }
    };
  }

  private static Text bpe(ByteLevelBpeTokenizer tokenizer) {
    return new Text() {
      @Override
      public int[] encode(String text) {
        return tokenizer.encodeIds(text);
      }

      @Override
      public String decode(int[] ids) {
        return tokenizer.decode(ids);
      }

      @Override
      public Vocabulary vocabulary() {
        return tokenizer.vocabulary();
      }

      @Override
      public int unknown() {
        return -1;
      }

      @Override
      public void write(Path dir) throws IOException {
        tokenizer.writeTo(dir);
      }
    };
  }

  private static Settings freshSettings(LanguageModelFacade facade, ModelSpec spec, String kind, EncoderRun.Overrides flags,
      Long headsFlag) {
    if (headsFlag != null && !(facade instanceof BlockwiseDecoderFacade)) {
      throw new UserError("--heads-steps trains blockwise decoding's proposal heads; " + spec.name() + " declares no decoding blockwise");
    }
    long headsSteps = headsFlag != null ? EncoderRun.positive("--heads-steps", headsFlag) : 0;
    // over as many steps as can be: the declared warmup uncut (it is cut to the run's steps later)
    EncoderTrainer.Options declared = facade.declaredOptions(Long.MAX_VALUE);
    int batch = facade.batch();
    int threads = spec.training().threads() > 0 ? spec.training().threads() : Runtime.getRuntime().availableProcessors();
    if (flags.lr() != null && !(flags.lr() > 0)) {
      throw new UserError("--lr must be positive, got " + flags.lr());
    }
    double lr = flags.lr() != null ? flags.lr() : declared.learningRate();
    if (flags.steps() != null && flags.epochs() != null) {
      throw new UserError("give --steps or --epochs, not both");
    }
    // --epochs stands for the declared steps: the run takes as many as its epochs need
    long steps = flags.steps() != null ? EncoderRun.positive("--steps", flags.steps()) : flags.epochs() != null ? 0 : facade.steps();
    long checkpointEvery = flags.checkpointEvery() != null ? EncoderRun.positive("--checkpoint-every", flags.checkpointEvery())
        : declared.checkpointEvery() > 0 ? declared.checkpointEvery() : EncoderRun.DEFAULT_CHECKPOINT_EVERY;
    Optimization optimization = Optimization.declared(declared, facade.epochs()).over(flags, lr);
    return new Settings(spec.name(), kind, steps, flags.batch() != null ? (int) EncoderRun.positive("--batch", flags.batch()) : batch,
        lr, flags.warmup(declared.warmup(), Long.MAX_VALUE), flags.clip(declared.clip()),
        flags.weightDecay(declared.weightDecay()), flags.seed() != null ? flags.seed() : declared.seed(), checkpointEvery,
        flags.threads() != null ? (int) EncoderRun.positive("--threads", flags.threads()) : threads, optimization,
        flags.sequence(facade.sequence(), facade.positions()), headsSteps);
  }

  private static Settings resumedSettings(Path output, ModelSpec spec, EncoderRun.Overrides flags, int declaredSequence, Long headsFlag)
      throws IOException {
    Path file = output.resolve(SETTINGS);
    Settings s;
    try {
      s = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Settings.class);
    } catch (NoSuchFileException e) {
      throw new UserError("--resume: no " + SETTINGS + " in " + output + " (the settings of the run to continue)");
    } catch (JsonParseException e) {
      throw new UserError("--resume: " + file + " is not a run's settings: " + e.getMessage());
    }
    if (s == null || !spec.name().equals(s.model()) || s.tokenizer() == null) {
      throw new UserError("--resume: " + output + " holds a run of " + (s == null ? "nothing" : s.model()) + ", not " + spec.name());
    }
    EncoderRun.refuse("--steps", flags.steps(), s.steps());
    EncoderRun.refuse("--batch", flags.batch(), s.batch());
    EncoderRun.refuse("--lr", flags.lr(), s.learningRate());
    flags.refuseChanges(s.warmup(), s.weightDecay(), s.clip());
    EncoderRun.refuse("--seed", flags.seed(), s.seed());
    Optimization optimization = s.optimization() != null ? s.optimization() : Optimization.BEFORE_RECORDED;
    optimization.refuseChanges(flags);
    // a run from before the length was kept in the settings trained at the declared one
    int sequence = s.sequence() > 0 ? s.sequence() : declaredSequence;
    EncoderRun.refuse("--seq", flags.seq(), sequence);
    EncoderRun.refuse("--heads-steps", headsFlag, s.headsSteps());
    return new Settings(s.model(), s.tokenizer(), s.steps(), s.batch(), s.learningRate(), s.warmup(), s.clip(), s.weightDecay(), s.seed(),
        flags.checkpointEvery() != null ? EncoderRun.positive("--checkpoint-every", flags.checkpointEvery()) : s.checkpointEvery(),
        flags.threads() != null ? (int) EncoderRun.positive("--threads", flags.threads()) : s.threads(), optimization, sequence,
        s.headsSteps());
  }

  /**
   * Held-out perplexity: the decoder's mean loss over non-overlapping blocks of the held-out
   * tokens (at most {@value #MAX_HELD_OUT_BLOCKS}), and a unigram model's over the same targets.
   */
  private static final class HeldOut {
    private final LanguageModelTraining model;
    private final int[][] groups;
    private final int[] groupBlocks;
    private final int blockLength;
    private final double unigram;

    HeldOut(LanguageModelTraining model, int[] heldOut, int[] train, int batch, int length, int vocabulary) {
      this.model = model;
      int block = Math.min(length, heldOut.length);
      this.blockLength = block;
      int blocks = Math.min(MAX_HELD_OUT_BLOCKS, heldOut.length / block);
      int groupCount = (blocks + batch - 1) / batch;
      groups = new int[groupCount][];
      groupBlocks = new int[groupCount];
      for (int g = 0; g < groupCount; g++) {
        int n = Math.min(batch, blocks - g * batch);
        groups[g] = Arrays.copyOfRange(heldOut, g * batch * block, (g * batch + n) * block);
        groupBlocks[g] = n;
      }
      double[] counts = new double[vocabulary];
      for (int id : train) {
        counts[id]++;
      }
      double loss = 0;
      long targets = 0;
      for (int[] group : groups) {
        for (int i = 0; i < group.length; i++) {
          if (i % block != 0) {
            loss -= Math.log((counts[group[i]] + 1) / (train.length + vocabulary));
            targets++;
          }
        }
      }
      unigram = Math.exp(loss / targets);
    }

    /** The model's held-out perplexity now. */
    double perplexity() {
      double sum = 0;
      long blocks = 0;
      for (int g = 0; g < groups.length; g++) {
        sum += model.blockLoss(groups[g], groupBlocks[g], blockLength) * groupBlocks[g];
        blocks += groupBlocks[g];
      }
      return Math.exp(sum / blocks);
    }

    double unigram() {
      return unigram;
    }
  }

  /** The progress line, the metrics record (held-out perplexity at checkpoints), the chart, the stop request. */
  private static final class Listener implements EncoderTrainer.Listener {
    private final LanguageModelTraining trainer;
    private final MetricsLog metrics;
    private final HeldOut heldOut;
    private final long checkpointEvery;
    private final StopRequest stop;
    private final StepProgress progress;
    private double lastLoss = Double.NaN;
    private double lastPerplexity = Double.NaN;

    Listener(LanguageModelTraining trainer, MetricsLog metrics, HeldOut heldOut, Path output, String model, long first, long checkpointEvery,
        StopRequest stop, PrintWriter err) {
      this.trainer = trainer;
      this.metrics = metrics;
      this.heldOut = heldOut;
      this.checkpointEvery = checkpointEvery;
      this.stop = stop;
      this.progress = new StepProgress(err, metrics, output, model + " (language model)", first);
    }

    @Override
    public void step(EncoderTrainer.StepReport r) {
      lastLoss = r.loss();
      boolean stopping = stop != null && stop.requested(); // asked once a step
      boolean checkpoint = stopping || r.step() % checkpointEvery == 0 || r.step() == r.steps();
      Map<String, Number> values = new LinkedHashMap<>();
      values.put("step", r.step());
      values.put("loss", r.loss());
      values.put("learning_rate", r.learningRate());
      values.put("tokens_per_second", r.tokensPerSecond());
      if (checkpoint) {
        lastPerplexity = heldOut.perplexity();
        values.put("held_out_perplexity", lastPerplexity);
      }
      metrics.recordUnchecked(r.seconds(), values);
      progress.print(r.step(), r.steps(), r.seconds(), String.format(Locale.ROOT, "loss %.4f  lr %.2e  %,.0f tokens/s", r.loss(),
          r.learningRate(), r.tokensPerSecond()), checkpoint ? String.format(Locale.ROOT, "  held-out ppl %.2f", lastPerplexity) : "",
          checkpoint);
      if (checkpoint) {
        progress.draw(); // the trainer writes its checkpoint after this call
      }
      if (stopping) {
        trainer.requestStop(); // the trainer checkpoints this step, then returns
      }
    }

    void endLine() {
      progress.endLine();
    }

    void draw() {
      progress.draw();
    }

    Path chart() {
      return progress.chart();
    }
  }
}
