package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.checkpoint.ParameterCheckpoint;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.io.AtomicDirectories;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A trained encoder ready to answer: hidden states, fill-mask, sentence embeddings — text in,
 * through the model's tokenizer (WordPiece, byte-level BPE or characters). Safe for concurrent callers: each call borrows a
 * workspace of its own from a pool (and returns it), the parameters are only read.
 *
 * <p>A model directory holds {@value #WEIGHTS} (the pretraining checkpoint's names) and the
 * tokenizer's files ({@link EncoderTokenizerFiles}: {@value #VOCABULARY} for WordPiece); {@link
 * #save} writes them atomically, {@link #load} reads them back.
 */
public final class EncoderModel implements AutoCloseable {

  public static final String WEIGHTS = "model.safetensors";
  public static final String VOCABULARY = "vocab.txt";

  /** One candidate for a masked position. */
  public record Candidate(String token, int id, double probability) {}

  /** The candidates for one {@code [MASK]}, best first. */
  public record MaskPrediction(int position, List<Candidate> candidates) {}

  /** Builds a model's passes (its generated {@code <Model>Passes}) over the threads the model owns. */
  @FunctionalInterface
  public interface PassesFactory {
    EncoderPasses<?> build(Parallel parallel);
  }

  /** Passes with their pool of workspaces, of the passes' own workspace type. */
  private static final class Runner<W extends EncoderActivations> {
    final EncoderPasses<W> passes;
    final ConcurrentLinkedQueue<W> workspaces = new ConcurrentLinkedQueue<>();

    Runner(EncoderPasses<W> passes) {
      this.passes = Objects.requireNonNull(passes, "passes");
    }

    <T> T infer(EncoderBatch batch, int[] predictionRows, Function<? super EncoderActivations, T> reader) {
      W ws = workspaces.poll();
      if (ws == null || ws.maxBatch() < batch.batch() || ws.maxLength() < batch.length() || ws.maxPredictions() < predictionRows.length) {
        ws = passes.workspace(batch.batch(), Math.min(passes.config().maxLength(), Math.max(batch.length(), 128)),
            Math.max(predictionRows.length, 8));
      }
      try {
        passes.infer(batch, ws, predictionRows);
        return reader.apply(ws);
      } finally {
        workspaces.offer(ws);
      }
    }
  }

  private final String name;
  private final Runner<?> runner;
  private final Parallel parallel;
  private final EncoderTokenizer tokenizer;
  private final String backbonePrefix;

  /** A model over the passes {@code passes} builds over its {@code threads} threads. */
  public EncoderModel(String name, PassesFactory passes, int threads, EncoderTokenizer tokenizer, String backbonePrefix) {
    this.name = Objects.requireNonNull(name, "name");
    this.parallel = new Parallel(threads);
    this.runner = runner(passes.build(parallel));
    this.tokenizer = tokenizer;
    this.backbonePrefix = backbonePrefix;
  }

  private static <W extends EncoderActivations> Runner<W> runner(EncoderPasses<W> passes) {
    return new Runner<>(passes);
  }

  /**
   * Reads a model directory written by {@link #save} (or any checkpoint with the reference's
   * names plus a {@code vocab.txt}) into {@code parameters}, for the passes {@code passes} builds
   * over them.
   *
   * @param lowercase whether a directory's bare {@code vocab.txt} (no tokenizer record) is read
   *     as uncased WordPiece
   */
  public static EncoderModel load(Path directory, String name, EncoderConfig config, ParameterRows parameters, PassesFactory passes,
      int threads, String backbonePrefix, boolean lowercase) throws IOException {
    directory = AtomicDirectories.readable(directory);
    loadWeights(directory, parameters, backbonePrefix);
    EncoderTokenizer tokenizer = EncoderTokenizerFiles.present(directory)
        ? EncoderTokenizerFiles.read(directory, lowercase ? WordPieceOptions.uncased() : WordPieceOptions.cased())
        : null;
    if (tokenizer != null && tokenizer.vocabulary().size() > config.vocab()) {
      throw new IllegalArgumentException(directory + "'s vocabulary has " + tokenizer.vocabulary().size() + " tokens, more than the model's "
          + config.vocab());
    }
    return new EncoderModel(name, passes, threads, tokenizer, backbonePrefix);
  }

  /**
   * Overwrites {@code parameters} with every tensor of {@code directory}'s {@value #WEIGHTS} that
   * the layout has; heads the file lacks keep their values.
   *
   * @throws dev.nlpm.runtime.checkpoint.CheckpointMismatchException naming every backbone tensor
   *     that is missing and every tensor of another shape
   */
  public static ParameterCheckpoint.LoadReport loadWeights(Path directory, ParameterRows parameters, String backbonePrefix)
      throws IOException {
    Path weights = AtomicDirectories.readable(directory).resolve(WEIGHTS);
    if (!Files.isRegularFile(weights)) {
      throw new NoSuchFileException(weights.toString(), null, "no " + WEIGHTS + " in the model directory");
    }
    float[] flat = parameters.toFlat();
    ParameterCheckpoint.LoadReport report;
    try (SafetensorsFile file = SafetensorsFile.open(weights)) {
      report = ParameterCheckpoint.load(file, parameters.layout(), flat, backbonePrefix, false);
    }
    parameters.importFrom(flat);
    return report;
  }

  /** Writes {@value #WEIGHTS} and the tokenizer's files into {@code directory}, replacing it whole. */
  public void save(Path directory) throws IOException {
    ParameterRows parameters = runner.passes.parameters();
    float[] flat = parameters.toFlat();
    AtomicDirectories.write(directory, dir -> {
      ParameterCheckpoint.save(parameters.layout(), flat, backbonePrefix, Map.of("format", "pt", "model", name), dir.resolve(WEIGHTS));
      if (tokenizer != null) {
        EncoderTokenizerFiles.write(tokenizer, dir);
      }
    });
  }

  /** The passes the model runs (its generated {@code <Model>Passes}). */
  public EncoderPasses<?> passes() {
    return runner.passes;
  }

  public EncoderConfig config() {
    return runner.passes.config();
  }

  public EncoderTokenizer tokenizer() {
    if (tokenizer == null) {
      throw new IllegalStateException("this model has no vocabulary (no " + VOCABULARY + " or " + EncoderTokenizerFiles.RECORD
          + " beside its weights)");
    }
    return tokenizer;
  }

  /** Runs {@code batch} (no dropout) in a borrowed workspace, then hands it to {@code reader}. */
  public <T> T infer(EncoderBatch batch, int[] predictionRows, Function<? super EncoderActivations, T> reader) {
    return runner.infer(batch, predictionRows, reader);
  }

  /** {@code [CLS] text [SEP]}, the text's tokens cut to fit the model's longest sequence. */
  private EncoderBatch single(String text) {
    int[] tokens = tokenizer().encodeIds(text);
    int kept = Math.min(tokens.length, config().maxLength() - 2);
    int[] ids = new int[kept + 2];
    ids[0] = tokenizer().clsId();
    System.arraycopy(tokens, 0, ids, 1, kept);
    ids[kept + 1] = tokenizer().sepId();
    return EncoderBatch.of(1, ids.length, ids, new int[ids.length], new int[] {ids.length});
  }

  /**
   * {@code [CLS] text [SEP]} with every occurrence of the mask token's text as that one token (the
   * pre-tokenizer would split {@code [MASK]} into pieces, as BERT's never-split list prevents), with
   * the space before it when the tokenizer's mask takes it.
   */
  private EncoderBatch withMasks(String text, int mask) {
    String token = tokenizer().vocabulary().token(mask);
    String[] parts = text.split(java.util.regex.Pattern.quote(token), -1);
    int limit = config().maxLength();
    int[] ids = new int[limit];
    int n = 0;
    ids[n++] = tokenizer().clsId();
    for (int p = 0; p < parts.length; p++) {
      if (p > 0 && n < limit - 1) {
        ids[n++] = mask;
      }
      String part = p + 1 < parts.length && tokenizer().maskTakesSpaceBefore() ? parts[p].stripTrailing() : parts[p];
      for (int id : tokenizer().encodeIds(part)) {
        if (n < limit - 1) {
          ids[n++] = id;
        }
      }
    }
    ids[n++] = tokenizer().sepId();
    int[] sequence = java.util.Arrays.copyOf(ids, n);
    return EncoderBatch.of(1, n, sequence, new int[n], new int[] {n});
  }

  /** The last layer's hidden state of every token of {@code [CLS] text [SEP]}. */
  public float[][] hiddenStates(String text) {
    EncoderBatch batch = single(text);
    return infer(batch, new int[0], ws -> {
      float[][] out = new float[batch.length()][];
      for (int t = 0; t < batch.length(); t++) {
        out[t] = ws.hidden(t).clone();
      }
      return out;
    });
  }

  /**
   * The sentence embedding: the pooled output (tanh of the pooler over the {@code [CLS]} state,
   * BERT's), or, for an encoder without a pooler, the {@code [CLS]} hidden state itself.
   */
  public float[] embed(String text) {
    return infer(single(text), new int[0], ws -> ws.pooled(0).clone());
  }

  /** The {@code k} likeliest tokens, with their probabilities, at every {@code [MASK]} of {@code text}. */
  public List<MaskPrediction> fillMask(String text, int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    int mask = tokenizer().maskId();
    EncoderBatch batch = withMasks(text, mask);
    int[] rows = java.util.stream.IntStream.range(0, batch.length()).filter(t -> batch.ids()[t] == mask).toArray();
    if (rows.length == 0) {
      throw new IllegalArgumentException("the text has no " + tokenizer().vocabulary().token(mask) + " to fill: " + text);
    }
    int vocabulary = tokenizer().vocabulary().size();
    return infer(batch, rows, ws -> {
      List<MaskPrediction> predictions = new ArrayList<>();
      for (int i = 0; i < rows.length; i++) {
        float[] logits = ws.mlmLogits(i);
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocabulary; v++) {
          max = Math.max(max, logits[v]);
        }
        double sum = 0;
        for (int v = 0; v < vocabulary; v++) {
          sum += Math.exp(logits[v] - max);
        }
        Integer[] order = new Integer[vocabulary];
        for (int v = 0; v < vocabulary; v++) {
          order[v] = v;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        List<Candidate> candidates = new ArrayList<>();
        for (int c = 0; c < Math.min(k, vocabulary); c++) {
          int id = order[c];
          candidates.add(new Candidate(tokenizer.vocabulary().token(id), id, Math.exp(logits[id] - max) / sum));
        }
        predictions.add(new MaskPrediction(rows[i], List.copyOf(candidates)));
      }
      return List.copyOf(predictions);
    });
  }

  @Override
  public void close() {
    parallel.close();
  }
}
