package dev.nlpm.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.checkpoint.CheckpointMismatchException;
import dev.nlpm.runtime.checkpoint.TrainingProgress;
import dev.nlpm.runtime.encoder.EncoderConfig;
import dev.nlpm.runtime.encoder.EncoderModel;
import dev.nlpm.runtime.encoder.EncoderPasses;
import dev.nlpm.runtime.encoder.EncoderTokenizerFiles;
import dev.nlpm.runtime.encoder.PretrainingData;
import dev.nlpm.runtime.encoder.TextDocuments;
import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.model.EncoderFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.pretrain.Masking;
import dev.nlpm.runtime.pretrain.MlmMasker;
import dev.nlpm.runtime.pretrain.MlmSettings;
import dev.nlpm.runtime.text.EncoderTokenizer;
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

/**
 * Pretrains an encoder (MLM, and NSP when declared) through its generated facade, compiled in this
 * process: the declared tokenizer ({@link EncoderVocabulary}: its files loaded, or a vocabulary
 * trained on the data at the declared size, or {@code --vocab}'s), the
 * text cut into documents of {@value #SENTENCES_PER_DOCUMENT} sentences, {@link PretrainingData}
 * with the declared masking, and the facade's trainer with the declared options and the flags'
 * overrides.
 *
 * <p>Writes into the output folder: the tokenizer's files ({@link EncoderTokenizerFiles}: {@value
 * #VOCABULARY} for WordPiece) and {@value #SETTINGS} (the run's settings,
 * which {@code --resume} reads back) before the first step; {@value #CHECKPOINT}/ every so many
 * steps, at the end and when stopped; {@code metrics.jsonl} a record per step; {@code loss.png} at
 * every checkpoint and at the end; {@value #MODEL}/ ({@link EncoderModel#save}: weights and
 * tokenizer) at the end.
 */
final class EncoderRun {

  static final String CHECKPOINT = "checkpoint";
  static final String MODEL = "model";
  static final String VOCABULARY = "vocab.txt";
  static final String SETTINGS = "training.json";
  static final int SENTENCES_PER_DOCUMENT = 12;
  /** Steps between checkpoints when the declaration says only at the end. */
  static final long DEFAULT_CHECKPOINT_EVERY = 1000;

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private EncoderRun() {}

  /** The flags; a null one keeps the declaration's (or, resuming, the run's) setting. */
  record Overrides(Long steps, Integer batch, Double lr, Long warmup, Double weightDecay, Double clip, Integer threads, Long seed,
      Long checkpointEvery, Path vocab, Integer epochs, String optimizer, String schedule, Double minLr, Integer seq) {

    /** The declared sequence length, or the flag's, which the model's positions must hold. */
    int sequence(int declared, int positions) {
      if (seq != null && (seq < 2 || seq > positions)) {
        throw new UserError("--seq must be between 2 and the model's " + positions + " positions, got " + seq);
      }
      return seq != null ? seq : declared;
    }

    /** The declared warmup, or the flag's, never past the last step. */
    long warmup(long declared, long steps) {
      if (warmup != null && warmup < 0) {
        throw new UserError("--warmup must be at least 0, got " + warmup);
      }
      return Math.min(warmup != null ? warmup : declared, steps);
    }

    double weightDecay(double declared) {
      if (weightDecay != null && !(weightDecay >= 0)) {
        throw new UserError("--weight-decay must be at least 0, got " + weightDecay);
      }
      return weightDecay != null ? weightDecay : declared;
    }

    double clip(double declared) {
      if (clip != null && !(clip >= 0)) {
        throw new UserError("--clip must be at least 0 (0: no clipping), got " + clip);
      }
      return clip != null ? clip : declared;
    }

    /** On --resume: refuses the settings that would make it another run. */
    void refuseChanges(long warmupWas, double weightDecayWas, double clipWas) {
      refuse("--warmup", warmup, warmupWas);
      refuse("--weight-decay", weightDecay, weightDecayWas);
      refuse("--clip", clip, clipWas);
    }
  }

  /**
   * The masked-LM flags; a null one keeps the declaration's (or, resuming, the run's) setting.
   *
   * @param rate the share of tokens predicted
   * @param split the shares of predicted tokens replaced by [MASK], by a random token, and kept, as "0.8,0.1,0.1"
   * @param masking "static" (a sequence's masks drawn once) or "dynamic" (drawn afresh every epoch)
   */
  record MlmFlags(Double rate, String split, String masking) {
    static final MlmFlags NONE = new MlmFlags(null, null, null);

    /** The declared masking with the flags' over it. */
    Mlm over(Mlm declared) {
      double r = declared.rate();
      if (rate != null) {
        if (!(rate > 0 && rate <= 1)) {
          throw new UserError("--mlm-rate must be in (0, 1], got " + rate);
        }
        r = rate;
      }
      double[] shares = {declared.mask(), declared.random(), declared.keep()};
      if (split != null) {
        shares = shares(split);
      }
      String m = declared.masking();
      if (masking != null) {
        m = masking(masking).name().toLowerCase(Locale.ROOT);
      }
      return new Mlm(r, shares[0], shares[1], shares[2], m);
    }

    /** On --resume: refuses what would make it another run. */
    void refuseChanges(Mlm was) {
      refuse("--mlm-rate", rate, was.rate());
      if (split != null && !java.util.Arrays.equals(shares(split), new double[] {was.mask(), was.random(), was.keep()})) {
        throw new UserError("--resume continues the run with its settings: --mlm-split " + was.mask() + "," + was.random() + ","
            + was.keep() + ", not " + split + "; drop --mlm-split (only --threads and --checkpoint-every may change)");
      }
      if (masking != null && masking(masking) != masking(was.masking())) {
        throw new UserError("--resume continues the run with its settings: --masking " + was.masking() + ", not " + masking
            + "; drop --masking (only --threads and --checkpoint-every may change)");
      }
    }

    private static double[] shares(String split) {
      String[] parts = split.split(",", -1);
      double[] shares = new double[3];
      try {
        if (parts.length != 3) {
          throw new NumberFormatException();
        }
        for (int i = 0; i < 3; i++) {
          shares[i] = Double.parseDouble(parts[i].trim());
        }
      } catch (NumberFormatException e) {
        throw new UserError("--mlm-split takes three shares, [MASK], random and kept, as 0.8,0.1,0.1; got " + split);
      }
      if (!(shares[0] >= 0 && shares[1] >= 0 && shares[2] >= 0) || Math.abs(shares[0] + shares[1] + shares[2] - 1) > 1e-9) {
        throw new UserError("--mlm-split's shares must be at least 0 and sum to 1, got " + split);
      }
      return shares;
    }

    private static Masking masking(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "static" -> Masking.STATIC;
        case "dynamic" -> Masking.DYNAMIC;
        default -> throw new UserError("--masking is static or dynamic, not " + name);
      };
    }
  }

  /** How a run masks: the rate, the shares of [MASK], random and kept tokens, and static or dynamic masking. */
  record Mlm(double rate, double mask, double random, double keep, String masking) {

    /** A model's declared masking. */
    static Mlm of(MlmSettings declared) {
      return new Mlm(declared.rate(), declared.mask(), declared.random(), declared.keep(), declared.masking().name().toLowerCase(Locale.ROOT));
    }

    Masking kind() {
      return Masking.valueOf(masking.toUpperCase(Locale.ROOT));
    }

    /** As the facade's masker takes it. */
    MlmSettings settings() {
      return new MlmSettings(rate, mask, random, keep, kind());
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s of tokens predicted (%s [MASK], %s random, %s kept), %s masking", rate, mask, random, keep,
          masking);
    }
  }

  /**
   * What a run left.
   *
   * @param stopped whether the stop request ended it before its last step (no model written then)
   * @param step the last step done
   * @param chart the chart drawn, or null
   */
  record Result(boolean stopped, long step, long steps, double loss, Path checkpoint, Path model, Path chart, int vocabulary,
      EncoderConfig config) {}

  /**
   * The settings a run trains with, kept in {@value #SETTINGS}: what {@code --resume} needs to
   * continue the same run (the checkpoint holds the parameters, moments and step).
   */
  record Settings(String model, long steps, int batch, double learningRate, long warmup, int accumulation, double clip,
      double weightDecay, long seed, long checkpointEvery, int threads, Mlm mlm, Optimization optimization, int sequence) {

    EncoderTrainer.Options options() {
      return optimization.apply(new EncoderTrainer.Options(learningRate, Math.min(warmup, steps), steps, accumulation, clip, weightDecay,
          seed, checkpointEvery));
    }

    /** With the steps the declared epochs take over {@code examples}, when no steps were declared or given. */
    Settings withStepsFor(long examples) {
      return new Settings(model, optimization.steps(steps, examples, batch), batch, learningRate, warmup, accumulation, clip, weightDecay,
          seed, checkpointEvery, threads, mlm, optimization, sequence);
    }
  }

  /** @param sources the folder the declaration's source names are relative to (its declared files are found from there) */
  static Result train(Compilation compilation, ModelSpec spec, Path sources, List<Path> data, Path output, boolean resume, Overrides flags,
      MlmFlags mlmFlags, PrintWriter err, StopRequest stop) throws IOException {
    Path checkpoint = output.resolve(CHECKPOINT);
    if (resume && !Files.isDirectory(checkpoint)) {
      throw new UserError("--resume: no checkpoint at " + checkpoint);
    }
    if (flags.vocab() != null && !Files.isRegularFile(flags.vocab())) {
      throw new UserError("no such file: " + flags.vocab());
    }
    EncoderFacade facade = GeneratedFacade.load(compilation, spec, EncoderFacade.class);
    EncoderConfig config = facade.config();
    if (!config.mlm()) {
      throw new UserError(spec.name() + " declares no mlm objective: `nlpm train` pretrains encoders with masked-token prediction");
    }
    Mlm declaredMlm = Mlm.of(facade.mlm());
    Settings planned = resume ? resumedSettings(output, spec, flags, mlmFlags, declaredMlm, facade.sequence())
        : freshSettings(facade, spec, flags, mlmFlags.over(declaredMlm));
    Files.createDirectories(output);
    EncoderTokenizer tokenizer = EncoderVocabulary.prepare(spec, sources, data, output, resume, flags.vocab(), config.vocab(), err);
    int sequence = planned.sequence();
    List<List<int[]>> documents;
    try {
      documents = TextDocuments.read(data, tokenizer, SENTENCES_PER_DOCUMENT, 0, false);
    } catch (MalformedInputFileException e) {
      throw new UserError(e.getMessage());
    }
    Mlm mlm = planned.mlm();
    MlmMasker masker = facade.newMasker(tokenizer, sequence, mlm.settings());
    int maxPredictions = MlmMasker.maxPredictions(sequence, mlm.rate());
    PretrainingData pretraining;
    EncoderTrainer.Batches batches;
    try {
      pretraining = new PretrainingData(documents, sequence, config.pairs(), masker, mlm.kind(),
          tokenizer.clsId(), tokenizer.sepId(), tokenizer.padId(), planned.seed());
      batches = pretraining.batches(planned.batch());
    } catch (IllegalArgumentException e) {
      throw new UserError("the data make " + documents.size() + " documents of up to " + SENTENCES_PER_DOCUMENT
          + " sentences, too few to train on: " + e.getMessage());
    }
    Settings settings = planned.withStepsFor(pretraining.examples());
    if (!resume) {
      AtomicFiles.write(output.resolve(SETTINGS), stream -> stream.write(GSON.toJson(settings).getBytes(StandardCharsets.UTF_8)));
    }
    err.printf(Locale.ROOT, "%s %s: %d layers, width %d, %d heads, %s; %s; %,d documents, %,d examples of up to %d tokens;"
            + " %d steps of %d, lr %s (warmup %d, %s), seed %d, %d thread%s%n",
        resume ? "resuming" : "training", spec.name(), config.layers(), config.hidden(), config.heads(),
        switch (config.pairs()) {
          case NEXT_SENTENCE -> "MLM + NSP";
          case SENTENCE_ORDER -> "MLM + SOP";
          case NONE -> "MLM";
        }, mlm, documents.size(), pretraining.examples(), sequence, settings.steps(), settings.batch(),
        settings.learningRate(), settings.options().warmup(), settings.optimization(), settings.seed(), settings.threads(),
        settings.threads() == 1 ? "" : "s");

    MetricsChart.warmUp();
    Path metricsFile = output.resolve(Word2VecRun.METRICS);
    ParameterRows parameters = facade.newParameters(settings.seed());
    Listener listener;
    EncoderTrainer trainer;
    try (Parallel parallel = new Parallel(settings.threads());
        MetricsLog metrics = resume ? MetricsLog.resume(metricsFile, "step") : MetricsLog.create(metricsFile, "step")) {
      EncoderPasses<?> encoder = facade.newEncoder(parameters, parallel);
      trainer = facade.newTrainer(encoder, settings.options(), settings.batch(), sequence, maxPredictions);
      long first = 1;
      if (resume) {
        TrainingProgress progress;
        try {
          progress = trainer.resume(checkpoint);
        } catch (CheckpointMismatchException e) {
          throw new UserError(oneLine(e));
        } catch (IllegalArgumentException e) {
          throw new UserError(e.getMessage());
        }
        metrics.resumeAt(progress.step());
        err.println("resuming " + spec.name() + " from " + checkpoint + " at step " + progress.step() + " of " + settings.steps());
        first = progress.step() + 1;
      }
      listener = new Listener(trainer, metrics, output, spec.name(), first, settings.checkpointEvery(), stop, err);
      try {
        trainer.train(batches, checkpoint, listener);
      } catch (TrainingDivergedException e) {
        listener.draw();
        throw new UserError(e.getMessage() + " (a lower --lr may help)");
      } finally {
        listener.endLine();
      }
    }
    listener.draw();
    long done = trainer.optimizer().steps();
    boolean stopped = done < settings.steps();
    Path model = null;
    if (!stopped) {
      model = output.resolve(MODEL);
      try (EncoderModel trained = facade.newModel(parameters, tokenizer, settings.threads())) {
        trained.save(model);
      }
    }
    return new Result(stopped, done, settings.steps(), listener.lastLoss, checkpoint, model, listener.chart(),
        tokenizer.vocabulary().size(), config);
  }

  /** The declared settings with the flags'. */
  private static Settings freshSettings(EncoderFacade facade, ModelSpec spec, Overrides flags, Mlm mlm) {
    // over as many steps as can be: the declared warmup uncut (it is cut to the run's steps later)
    EncoderTrainer.Options declared = facade.declaredOptions(Long.MAX_VALUE);
    int batch = facade.batch();
    int threads = facade.declaredThreads();
    if (flags.lr() != null && !(flags.lr() > 0)) {
      throw new UserError("--lr must be positive, got " + flags.lr());
    }
    double lr = flags.lr() != null ? flags.lr() : declared.learningRate();
    if (flags.steps() != null && flags.epochs() != null) {
      throw new UserError("give --steps or --epochs, not both");
    }
    // --epochs stands for the declared steps: the run takes as many as its epochs need
    long steps = flags.steps() != null ? positive("--steps", flags.steps()) : flags.epochs() != null ? 0 : facade.steps();
    long checkpointEvery = flags.checkpointEvery() != null ? positive("--checkpoint-every", flags.checkpointEvery())
        : declared.checkpointEvery() > 0 ? declared.checkpointEvery() : DEFAULT_CHECKPOINT_EVERY;
    Optimization optimization = Optimization.declared(declared, facade.epochs()).over(flags, lr);
    return new Settings(spec.name(), steps, flags.batch() != null ? (int) positive("--batch", flags.batch()) : batch,
        lr, flags.warmup(declared.warmup(), Long.MAX_VALUE), declared.accumulation(),
        flags.clip(declared.clip()), flags.weightDecay(declared.weightDecay()), flags.seed() != null ? flags.seed() : declared.seed(), checkpointEvery,
        flags.threads() != null ? (int) positive("--threads", flags.threads()) : threads, mlm, optimization,
        flags.sequence(facade.sequence(), facade.config().maxLength()));
  }

  /**
   * The stopped run's settings; a flag that would change the run (steps, batch, learning rate,
   * seed, vocabulary) is refused unless it says what the run already had; threads and the
   * checkpoint interval, which change no number, may change.
   */
  private static Settings resumedSettings(Path output, ModelSpec spec, Overrides flags, MlmFlags mlmFlags, Mlm declaredMlm,
      int declaredSequence) throws IOException {
    Path file = output.resolve(SETTINGS);
    Settings s;
    try {
      s = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Settings.class);
    } catch (NoSuchFileException e) {
      throw new UserError("--resume: no " + SETTINGS + " in " + output + " (the settings of the run to continue)");
    } catch (JsonParseException e) {
      throw new UserError("--resume: " + file + " is not a run's settings: " + e.getMessage());
    }
    if (s == null || !spec.name().equals(s.model())) {
      throw new UserError("--resume: " + output + " holds a run of " + (s == null ? "nothing" : s.model()) + ", not " + spec.name());
    }
    refuse("--steps", flags.steps(), s.steps());
    refuse("--batch", flags.batch(), s.batch());
    refuse("--lr", flags.lr(), s.learningRate());
    refuse("--seed", flags.seed(), s.seed());
    flags.refuseChanges(s.warmup(), s.weightDecay(), s.clip());
    // a run from before the masking was kept in the settings masked as declared
    Mlm mlm = s.mlm() != null ? s.mlm() : declaredMlm;
    mlmFlags.refuseChanges(mlm);
    Optimization optimization = s.optimization() != null ? s.optimization() : Optimization.BEFORE_RECORDED;
    optimization.refuseChanges(flags);
    // a run from before the length was kept in the settings trained at the declared one
    int sequence = s.sequence() > 0 ? s.sequence() : declaredSequence;
    refuse("--seq", flags.seq(), sequence);
    if (flags.vocab() != null && (!Files.isRegularFile(output.resolve(VOCABULARY))
        || !Arrays.equals(Files.readAllBytes(flags.vocab()), Files.readAllBytes(output.resolve(VOCABULARY))))) {
      throw new UserError("--resume continues with " + output.resolve(VOCABULARY) + "; drop --vocab " + flags.vocab()
          + ", which differs from it");
    }
    return new Settings(s.model(), s.steps(), s.batch(), s.learningRate(), s.warmup(), s.accumulation(), s.clip(), s.weightDecay(),
        s.seed(), flags.checkpointEvery() != null ? positive("--checkpoint-every", flags.checkpointEvery()) : s.checkpointEvery(),
        flags.threads() != null ? (int) positive("--threads", flags.threads()) : s.threads(), mlm, optimization, sequence);
  }

  static void refuse(String flag, Number given, Number run) {
    if (given != null && given.doubleValue() != run.doubleValue()) {
      throw new UserError("--resume continues the run with its settings: " + flag + " " + run + ", not " + given
          + "; drop " + flag + " (only --threads and --checkpoint-every may change)");
    }
  }

  /** A checkpoint mismatch's message (a line a tensor) in one line. */
  static String oneLine(CheckpointMismatchException e) {
    return e.getMessage().replace("\n  ", " ").replace(":\n", ":").replace('\n', ' ');
  }

  static long positive(String flag, long value) {
    if (value < 1) {
      throw new UserError(flag + " must be positive, got " + value);
    }
    return value;
  }

  /**
   * A step's progress line, its metrics record, the chart redrawn at every checkpoint, and the
   * stop request passed on to the trainer.
   */
  private static final class Listener implements EncoderTrainer.Listener {
    private final EncoderTrainer trainer;
    private final MetricsLog metrics;
    private final long checkpointEvery;
    private final StopRequest stop;
    private final StepProgress progress;
    private double lastLoss = Double.NaN;

    Listener(EncoderTrainer trainer, MetricsLog metrics, Path output, String model, long first, long checkpointEvery,
        StopRequest stop, PrintWriter err) {
      this.trainer = trainer;
      this.metrics = metrics;
      this.checkpointEvery = checkpointEvery;
      this.stop = stop;
      this.progress = new StepProgress(err, metrics, output, model + " (encoder)", first);
    }

    @Override
    public void step(EncoderTrainer.StepReport r) {
      lastLoss = r.loss();
      Map<String, Number> values = new LinkedHashMap<>();
      values.put("step", r.step());
      values.put("loss", r.loss());
      values.put("mlm_accuracy", r.mlmAccuracy());
      values.put("learning_rate", r.learningRate());
      values.put("tokens_per_second", r.tokensPerSecond());
      metrics.recordUnchecked(r.seconds(), values);
      progress.print(r.step(), r.steps(), r.seconds(), String.format(Locale.ROOT, "loss %.4f  mlm acc %.3f  lr %.2e  %,.0f tokens/s",
          r.loss(), r.mlmAccuracy(), r.learningRate(), r.tokensPerSecond()), "", false);
      if (r.step() % checkpointEvery == 0) {
        progress.draw(); // the trainer writes its checkpoint after this call
      }
      if (stop != null && stop.requested()) {
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
