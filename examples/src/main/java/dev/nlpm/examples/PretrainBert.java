package dev.nlpm.examples;

import dev.nlpm.runtime.encoder.EncoderBatch;
import dev.nlpm.runtime.encoder.EncoderModel;
import dev.nlpm.runtime.encoder.EncoderPasses;
import dev.nlpm.runtime.encoder.PretrainingData;
import dev.nlpm.runtime.encoder.TextDocuments;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.pretrain.Masking;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.train.WordCounter;
import dev.nlpm.runtime.text.train.WordPieceTrainer;
import dev.nlpm.runtime.text.train.WordPieceTrainingOptions;
import dev.nlpm.runtime.text.wordpiece.BertBasicTokenizer;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pretrains {@code NovelBert} (BERT-tiny's shape, declared in {@code austen_bert.nlpm}) with MLM
 * and NSP on English novels, then reports masked-token accuracy on held-out documents next to
 * always guessing the most frequent token, and fills the blanks of a few probe sentences.
 *
 * <pre>java -cp … dev.nlpm.examples.PretrainBert DATA_DIR OUT_DIR [MINUTES] [THREADS]</pre>
 *
 * Training stops at the declared step count or after MINUTES (default 25), whichever is first,
 * checkpointing to OUT_DIR/checkpoint every 200 steps and when it stops; run again with the same
 * OUT_DIR, it resumes from that checkpoint. The trained model goes to OUT_DIR/model.
 */
public final class PretrainBert {

  static final List<String> BOOKS = List.of("austen-novels.txt", "tolstoy-anna-karenina.txt", "dostoevsky-crime-and-punishment.txt",
      "tolstoy-war-and-peace.txt");
  static final String[] PROBES = {
    "it is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a [MASK].",
    "she was the youngest of the two [MASK] of a most affectionate, indulgent father.",
    "he opened the [MASK] and went out into the street.",
    "\"i do not know,\" [MASK] said.",
    "the old prince was sitting in his [MASK].",
  };

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: PretrainBert DATA_DIR OUT_DIR [MINUTES] [THREADS]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path out = Path.of(args[1]);
    double minutes = args.length > 2 ? Double.parseDouble(args[2]) : 25;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : NovelBertModel.threads();
    List<Path> files = new ArrayList<>();
    for (String book : BOOKS) {
      files.add(data.resolve(book));
    }
    long start = System.nanoTime();
    // ---- vocabulary: WordPiece trained on the novels, as large as the declaration's vocab ----
    WordPieceOptions wordPiece = NovelBertModel.LOWERCASE ? WordPieceOptions.uncased() : WordPieceOptions.cased();
    BertBasicTokenizer basic = BertBasicTokenizer.of(wordPiece);
    Vocabulary vocabulary = WordPieceTrainer.train(WordCounter.countFiles(files, basic::words, dev.nlpm.runtime.text.train.ProgressListener.NONE),
        WordPieceTrainingOptions.bert(NovelBertModel.CONFIG.vocab()));
    WordPieceTokenizer tokenizer = WordPieceTokenizer.of(vocabulary, wordPiece);
    System.out.printf(Locale.ROOT, "vocabulary: %d WordPiece tokens (%.0f s)%n", vocabulary.size(), seconds(start));
    // ---- documents of 12 sentences; every 20th held out ----
    List<List<int[]>> training = TextDocuments.read(files, tokenizer, 12, 20, false);
    List<List<int[]>> heldOut = TextDocuments.read(files, tokenizer, 12, 20, true);
    PretrainingData trainData = new PretrainingData(training, NovelBertModel.SEQUENCE, true, NovelBertModel.masker(tokenizer),
        NovelBertModel.MASKING, tokenizer.clsId(), tokenizer.sepId(), tokenizer.padId(), 1);
    PretrainingData heldOutData = new PretrainingData(heldOut, NovelBertModel.SEQUENCE, true, NovelBertModel.masker(tokenizer),
        Masking.STATIC, tokenizer.clsId(), tokenizer.sepId(), tokenizer.padId(), 7);
    System.out.printf(Locale.ROOT, "documents: %d training (%d examples), %d held out (%d examples) (%.0f s)%n",
        training.size(), trainData.examples(), heldOut.size(), heldOutData.examples(), seconds(start));
    int mostFrequent = mostFrequentToken(training, tokenizer);

    // ---- pretraining ----
    ParameterRows parameters = NovelBertModel.initialize(1);
    try (Parallel parallel = new Parallel(threads)) {
      NovelBertPasses encoder = NovelBertModel.encoder(parameters, parallel);
      EncoderTrainer.Options declared = NovelBertModel.trainingOptions();
      EncoderTrainer.Options options = new EncoderTrainer.Options(declared.learningRate(), declared.warmup(), declared.steps(),
          declared.accumulation(), declared.clip(), declared.weightDecay(), declared.seed(), 200);
      EncoderTrainer trainer = NovelBertModel.trainer(encoder, options, NovelBertModel.BATCH);
      if (java.nio.file.Files.isDirectory(out.resolve("checkpoint"))) {
        System.out.printf(Locale.ROOT, "resuming from %s at step %d%n", out.resolve("checkpoint"), trainer.resume(out.resolve("checkpoint")).step());
      }
      long trainingStart = System.nanoTime();
      double[] smoothed = {Double.NaN};
      trainer.train(trainData.batches(NovelBertModel.BATCH), out.resolve("checkpoint"), report -> {
        smoothed[0] = Double.isNaN(smoothed[0]) ? report.loss() : 0.98 * smoothed[0] + 0.02 * report.loss();
        if (report.step() % 25 == 0 || report.step() == 1) {
          System.out.printf(Locale.ROOT, "step %5d/%d  loss %.3f (smoothed %.3f)  mlm acc %.3f  lr %.2e  %,.0f tokens/s  %.0f s%n",
              report.step(), report.steps(), report.loss(), smoothed[0], report.mlmAccuracy(), report.learningRate(),
              report.tokensPerSecond(), report.seconds());
        }
        if (seconds(trainingStart) > minutes * 60) {
          trainer.requestStop();
        }
      });
      System.out.printf(Locale.ROOT, "trained %d steps in %.1f min, %d threads%n", trainer.optimizer().steps(), seconds(trainingStart) / 60, threads);

      // ---- held-out masked-token accuracy against always guessing the most frequent token ----
      NovelBertPasses.Workspace ws = encoder.workspace(NovelBertModel.BATCH, NovelBertModel.SEQUENCE, NovelBertModel.BATCH * NovelBertModel.MAX_PREDICTIONS);
      int[] order = heldOutData.order(0);
      long correct = 0;
      long baseline = 0;
      long counted = 0;
      for (int from = 0; from + NovelBertModel.BATCH <= order.length; from += NovelBertModel.BATCH) {
        EncoderBatch batch = heldOutData.batch(java.util.Arrays.copyOfRange(order, from, from + NovelBertModel.BATCH), 0);
        EncoderPasses.Losses losses = encoder.evaluate(batch, ws);
        correct += losses.mlmCorrect();
        counted += losses.mlmCounted();
        for (int label : batch.mlmLabels()) {
          if (label == mostFrequent) {
            baseline++;
          }
        }
      }
      System.out.printf(Locale.ROOT, "held-out masked-token accuracy: %.4f over %,d positions; always \"%s\": %.4f; ratio %.2f%n",
          (double) correct / counted, counted, vocabulary.token(mostFrequent), (double) baseline / counted,
          (double) correct / Math.max(1, baseline));
    }
    // ---- the trained model, saved and loaded back, fills in blanks ----
    try (EncoderModel model = NovelBertModel.model(parameters, tokenizer, threads)) {
      model.save(out.resolve("model"));
    }
    try (EncoderModel model = NovelBertModel.load(out.resolve("model"), threads)) {
      FillMask.print(model, java.util.Arrays.asList(PROBES));
    }
  }

  private static int mostFrequentToken(List<List<int[]>> documents, WordPieceTokenizer tokenizer) {
    long[] counts = new long[tokenizer.vocabulary().size()];
    for (List<int[]> document : documents) {
      for (int[] sentence : document) {
        for (int id : sentence) {
          counts[id]++;
        }
      }
    }
    int best = 0;
    for (int id = 1; id < counts.length; id++) {
      if (counts[id] > counts[best] && !tokenizer.isSpecial(id)) {
        best = id;
      }
    }
    return best;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
