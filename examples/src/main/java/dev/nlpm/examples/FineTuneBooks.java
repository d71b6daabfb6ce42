package dev.nlpm.examples;

import dev.nlpm.runtime.encoder.EncoderBatch;
import dev.nlpm.runtime.io.Utf8Lines;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.text.corpus.SentenceSplitter;
import dev.nlpm.runtime.text.corpus.Shuffling;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Fine-tunes the pretrained {@code NovelBert} (from {@link PretrainBert}) as {@code NovelBertBooks}
 * — the same backbone with a sequence-classification head — to tell which of five books a sentence
 * comes from, and prints its held-out accuracy next to a bag-of-words baseline (multinomial naive
 * Bayes over the same WordPiece tokens) trained on the same sentences.
 *
 * <pre>java -cp … dev.nlpm.examples.FineTuneBooks DATA_DIR PRETRAINED_MODEL_DIR [THREADS]</pre>
 */
public final class FineTuneBooks {

  static final String[] BOOKS = {"austen-novels.txt", "tolstoy-anna-karenina.txt", "dostoevsky-crime-and-punishment.txt",
      "tinyshakespeare.txt", "bible-kjv.txt"};
  static final String[] NAMES = {"Austen", "Tolstoy", "Dostoevsky", "Shakespeare", "King James Bible"};
  static final int TRAIN_PER_BOOK = 2000;
  static final int HELD_OUT_PER_BOOK = 400;

  record Example(int[] ids, int label) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: FineTuneBooks DATA_DIR PRETRAINED_MODEL_DIR [THREADS]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path pretrained = Path.of(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : NovelBertBooksModel.threads();
    WordPieceTokenizer tokenizer = WordPieceTokenizer.fromVocabTxt(pretrained.resolve("vocab.txt"), WordPieceOptions.uncased());
    List<Example> train = new ArrayList<>();
    List<Example> heldOut = new ArrayList<>();
    for (int book = 0; book < BOOKS.length; book++) {
      List<int[]> sentences = sentences(data.resolve(BOOKS[book]), tokenizer);
      int[] order = Shuffling.permutation(sentences.size(), 17, book);
      if (order.length < TRAIN_PER_BOOK + HELD_OUT_PER_BOOK) {
        throw new IllegalStateException(BOOKS[book] + " has only " + order.length + " usable sentences");
      }
      // every sentence is one example: [CLS] sentence [SEP]; the held-out ones come after the training ones in a seeded order
      for (int i = 0; i < TRAIN_PER_BOOK + HELD_OUT_PER_BOOK; i++) {
        int[] s = sentences.get(order[i]);
        int[] ids = new int[s.length + 2];
        ids[0] = tokenizer.clsId();
        System.arraycopy(s, 0, ids, 1, s.length);
        ids[ids.length - 1] = tokenizer.sepId();
        (i < TRAIN_PER_BOOK ? train : heldOut).add(new Example(ids, book));
      }
    }
    System.out.printf(Locale.ROOT, "%d training and %d held-out sentences from %d books%n", train.size(), heldOut.size(), BOOKS.length);

    double baseline = naiveBayes(train, heldOut, tokenizer.vocabulary().size());

    ParameterRows parameters = NovelBertBooksModel.loadPretrained(pretrained, 1);
    int batchSize = NovelBertBooksModel.BATCH;
    try (Parallel parallel = new Parallel(threads)) {
      NovelBertBooksPasses encoder = NovelBertBooksModel.encoder(parameters, parallel);
      EncoderTrainer.Options options = NovelBertBooksModel.trainingOptions();
      EncoderTrainer trainer = NovelBertBooksModel.trainer(encoder, options, batchSize);
      int perEpoch = train.size() / batchSize;
      EncoderTrainer.Batches batches = k -> {
        int epoch = (int) (k / perEpoch);
        int[] order = Shuffling.permutation(train.size(), 5, epoch);
        int from = (int) (k % perEpoch) * batchSize;
        return batch(train, Arrays.copyOfRange(order, from, from + batchSize));
      };
      long start = System.nanoTime();
      trainer.train(batches, null, report -> {
        if (report.step() % 50 == 0) {
          System.out.printf(Locale.ROOT, "step %4d/%d  loss %.3f  lr %.2e  %.0f s%n", report.step(), report.steps(), report.loss(),
              report.learningRate(), report.seconds());
        }
      });
      System.out.printf(Locale.ROOT, "fine-tuned %d steps (%.1f epochs) in %.1f min%n", options.steps(),
          (double) options.steps() / perEpoch, (System.nanoTime() - start) / 60e9);
      NovelBertBooksPasses.Workspace ws = encoder.workspace(batchSize, NovelBertBooksModel.SEQUENCE, 0);
      int correct = 0;
      int[][] confusion = new int[BOOKS.length][BOOKS.length];
      for (int from = 0; from < heldOut.size(); from += batchSize) {
        int[] indices = java.util.stream.IntStream.range(from, Math.min(heldOut.size(), from + batchSize)).toArray();
        EncoderBatch batch = batch(heldOut, indices);
        encoder.infer(batch, ws, new int[0]);
        for (int i = 0; i < indices.length; i++) {
          float[] logits = ws.sequenceLogits(i);
          int best = 0;
          for (int c = 1; c < BOOKS.length; c++) {
            if (logits[c] > logits[best]) {
              best = c;
            }
          }
          int label = heldOut.get(indices[i]).label();
          confusion[label][best]++;
          if (best == label) {
            correct++;
          }
        }
      }
      System.out.printf(Locale.ROOT, "held-out accuracy: fine-tuned NovelBert %.4f, bag-of-words naive Bayes %.4f, chance %.4f%n",
          (double) correct / heldOut.size(), baseline, 1.0 / BOOKS.length);
      System.out.println("confusion (rows: true book, columns: predicted):");
      for (int b = 0; b < BOOKS.length; b++) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-17s", NAMES[b]));
        for (int c = 0; c < BOOKS.length; c++) {
          row.append(String.format(Locale.ROOT, "%5d", confusion[b][c]));
        }
        System.out.println(row);
      }
    }
  }

  /** Sentences of 5 to 60 WordPiece tokens from a book's paragraphs. */
  static List<int[]> sentences(Path file, WordPieceTokenizer tokenizer) throws IOException {
    List<int[]> sentences = new ArrayList<>();
    StringBuilder paragraph = new StringBuilder();
    List<String> paragraphs = new ArrayList<>();
    Utf8Lines.read(file, (number, line) -> {
      if (line.isBlank()) {
        if (paragraph.length() > 0) {
          paragraphs.add(paragraph.toString());
          paragraph.setLength(0);
        }
      } else {
        paragraph.append(paragraph.length() > 0 ? " " : "").append(line.strip());
      }
    });
    if (paragraph.length() > 0) {
      paragraphs.add(paragraph.toString());
    }
    for (String text : paragraphs) {
      for (SentenceSplitter.Sentence sentence : SentenceSplitter.split(text)) {
        int[] ids = tokenizer.encodeIds(sentence.text());
        if (ids.length >= 5 && ids.length <= 60) {
          sentences.add(ids);
        }
      }
    }
    return sentences;
  }

  static EncoderBatch batch(List<Example> examples, int[] indices) {
    int longest = 0;
    for (int i : indices) {
      longest = Math.max(longest, examples.get(i).ids().length);
    }
    int b = indices.length;
    int[] ids = new int[b * longest];
    int[] lengths = new int[b];
    int[] labels = new int[b];
    for (int k = 0; k < b; k++) {
      Example e = examples.get(indices[k]);
      System.arraycopy(e.ids(), 0, ids, k * longest, e.ids().length);
      lengths[k] = e.ids().length;
      labels[k] = e.label();
    }
    return new EncoderBatch(b, longest, ids, new int[b * longest], lengths, null, null, labels, null);
  }

  /** Multinomial naive Bayes with add-one smoothing over the sentences' tokens; returns held-out accuracy. */
  static double naiveBayes(List<Example> train, List<Example> heldOut, int vocabulary) {
    double[][] counts = new double[BOOKS.length][vocabulary];
    double[] totals = new double[BOOKS.length];
    int[] documents = new int[BOOKS.length];
    for (Example e : train) {
      documents[e.label()]++;
      for (int t = 1; t < e.ids().length - 1; t++) {
        counts[e.label()][e.ids()[t]]++;
        totals[e.label()]++;
      }
    }
    int correct = 0;
    for (Example e : heldOut) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < BOOKS.length; c++) {
        double score = Math.log(documents[c]);
        for (int t = 1; t < e.ids().length - 1; t++) {
          score += Math.log((counts[c][e.ids()[t]] + 1) / (totals[c] + vocabulary));
        }
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      if (best == e.label()) {
        correct++;
      }
    }
    return (double) correct / heldOut.size();
  }
}
