package dev.nlpm.runtime.word2vec;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.Utf8Lines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores word vectors on a word-pair similarity file such as WordSim-353: lines {@code word1 word2
 * score} separated by tabs or spaces, {@code #} comment lines and blank lines skipped. As gensim's
 * {@code KeyedVectors.evaluate_word_pairs} with its defaults: only the first {@code restrictVocab}
 * words count, pairs with a word outside them are left out (and lower the coverage), words are
 * matched by upper case unless case-sensitive, and the result is Spearman's rho between the human
 * scores and the cosines, ties given average ranks.
 *
 * <p>Where gensim logs and skips a line that is not two words and a number, this evaluator reports
 * it as malformed.
 */
public final class SimilarityEvaluator {

  private final int restrictVocab;
  private final boolean caseInsensitive;

  /** gensim's defaults: the first 300,000 words, case-insensitive. */
  public SimilarityEvaluator() {
    this(AnalogyEvaluator.DEFAULT_RESTRICT_VOCAB, true);
  }

  public SimilarityEvaluator(int restrictVocab, boolean caseInsensitive) {
    if (restrictVocab < 1) {
      throw new IllegalArgumentException("restrictVocab must be positive, got " + restrictVocab);
    }
    this.restrictVocab = restrictVocab;
    this.caseInsensitive = caseInsensitive;
  }

  /**
   * Scores {@code vectors} on the pairs in {@code pairs}; the correlations are NaN when fewer than
   * two pairs are in the vocabulary or either series is constant.
   *
   * @throws MalformedInputFileException at a line that is not two words and a number
   */
  public SimilarityReport evaluate(WordVectors vectors, Path pairs) throws IOException {
    WordVectors searched = vectors.restrictVocab(restrictVocab);
    VocabularyKeys keys = new VocabularyKeys(searched, caseInsensitive);
    List<double[]> used = new ArrayList<>();
    int[] total = {0};
    Utf8Lines.read(pairs, (line, text) -> {
      String stripped = text.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        return;
      }
      String[] fields = stripped.split("[\\t ]+");
      if (fields.length != 3) {
        throw MalformedInputFileException.atLine(
            pairs, line, "a pair needs two words and a score, got " + fields.length
                + " fields: \"" + stripped + "\"");
      }
      double score;
      try {
        score = Word2VecFormat.parseNumber(fields[2]);
      } catch (NumberFormatException e) {
        throw MalformedInputFileException.atLine(
            pairs, line, "the score is not a number: \"" + fields[2] + "\"", e);
      }
      total[0]++;
      int a = keys.index(keys.key(fields[0]));
      int b = keys.index(keys.key(fields[1]));
      if (a >= 0 && b >= 0) {
        used.add(new double[] {score, searched.cosine(a, b)});
      }
    });
    double[] human = new double[used.size()];
    double[] model = new double[used.size()];
    for (int i = 0; i < used.size(); i++) {
      human[i] = used.get(i)[0];
      model[i] = used.get(i)[1];
    }
    return new SimilarityReport(used.size(), total[0], Correlation.spearman(human, model),
        Correlation.pearson(human, model));
  }
}
