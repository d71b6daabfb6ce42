package dev.nlpm.benchmarks;

import dev.nlpm.models.CbowModel;
import dev.nlpm.models.SkipGramHsModel;
import dev.nlpm.models.SkipGramModel;
import dev.nlpm.runtime.word2vec.Word2VecFormat;
import dev.nlpm.runtime.word2vec.Word2VecKernels;
import dev.nlpm.runtime.word2vec.Word2VecOptions;
import dev.nlpm.runtime.word2vec.Word2VecTrainer;
import dev.nlpm.runtime.word2vec.Word2VecVocabulary;
import dev.nlpm.runtime.word2vec.Word2VecWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * nlpm's side of {@code benchmarks/word2vec/side_by_side.sh}: trains the standard word2vec models
 * (their generated kernels; {@code -Dnlpm.plainKernels=true} for the plain ones) on a prepared corpus
 * (one sentence a line, words separated by spaces) with gensim's settings, prints one JSON line
 * with the timing, and writes the vectors in word2vec's text format for the shared evaluator.
 *
 * <pre>
 * Word2VecTraining CORPUS OUT.txt sg|cbow ns|hs THREADS SEED [EPOCHS]
 * </pre>
 */
public final class Word2VecTraining {

  private Word2VecTraining() {}

  public static void main(String[] args) throws IOException {
    Path corpus = Path.of(args[0]);
    Path out = Path.of(args[1]);
    boolean skipGram = args[2].equals("sg");
    boolean hs = args[3].equals("hs");
    int threads = Integer.parseInt(args[4]);
    long seed = Long.parseLong(args[5]);
    int epochs = args.length > 6 ? Integer.parseInt(args[6]) : 5;

    long start = System.nanoTime();
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(List.of(corpus), 5, 0);
    double vocabSeconds = (System.nanoTime() - start) / 1e9;
    // The generated facades of the standard declarations, with the benchmark's settings: the
    // declarations' own, but for gensim's learning rate (0.025) for CBOW too.
    Word2VecOptions options =
        (skipGram ? hs ? SkipGramHsModel.options() : SkipGramModel.options() : CbowModel.options())
            .withAlpha(0.025f, 0.0001f).withEpochs(epochs).withThreads(threads).withSeed(seed);
    Word2VecKernels kernels = skipGram ? hs ? SkipGramHsModel.kernels() : SkipGramModel.kernels() : CbowModel.kernels();
    long[] done = new long[2];
    Word2VecTrainer.ProgressListener line = Word2VecTrainer.ProgressListener.line(System.err);
    long trainStart = System.nanoTime();
    Word2VecWeights weights =
        Word2VecTrainer.train(vocabulary, List.of(corpus), options, kernels, (epoch, raw, effective, total, alpha, s) -> {
          done[0] = raw;
          done[1] = effective;
          line.progress(epoch, raw, effective, total, alpha, s);
        }, null);
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
    Word2VecFormat.writeText(weights.wordVectors(), out);
    System.out.printf(Locale.ROOT,
        "{\"implementation\": \"nlpm\", \"vocabulary\": %d, \"vocab_seconds\": %.3f, \"train_seconds\": %.3f,"
            + " \"words\": %d, \"effective_words\": %d, \"words_per_second\": %.0f, \"effective_words_per_second\": %.0f}%n",
        vocabulary.size(), vocabSeconds, trainSeconds, done[0], done[1], done[0] / trainSeconds, done[1] / trainSeconds);
  }
}
