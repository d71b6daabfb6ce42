package dev.nlpm.runtime.word2vec;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.Utf8Lines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scores word vectors on an analogy file in the format of word2vec's {@code questions-words.txt}:
 * {@code : section} header lines, then questions of four words {@code a b c d} meaning "a is to b
 * as c is to d". It follows gensim's {@code KeyedVectors.evaluate_word_analogies} with its
 * defaults, so the two give the same numbers on the same vectors:
 *
 * <ul>
 *   <li>Only the first {@code restrictVocab} words (300,000 by default) are searched, and a
 *       question with any word outside them is skipped: counted for coverage, not for accuracy.
 *   <li>Case-insensitive by default: words are compared in upper case ({@link
 *       String#toUpperCase(Locale)} with the root locale, Python's {@code str.upper()}), a question
 *       word stands for the first (most frequent) word with that upper case, and an answer that
 *       differs from the expected word only in case is correct.
 *   <li>The answer is the best of the five 3CosAdd candidates ({@code b - a + c} over unit
 *       vectors, a, b and c left out) whose upper case is not one of the question's first three
 *       words; when all five are, the last of them.
 * </ul>
 *
 * <p>Where gensim logs and skips a line that is not four words, or fails on a question before any
 * section, this evaluator reports the line as malformed. Blank lines are skipped.
 */
public final class AnalogyEvaluator {

  /** gensim's default {@code restrict_vocab}. */
  public static final int DEFAULT_RESTRICT_VOCAB = 300_000;

  /** How many candidates gensim looks at before giving up on finding one not in the question. */
  private static final int CANDIDATES = 5;

  private final int restrictVocab;
  private final boolean caseInsensitive;

  /** gensim's defaults: the first 300,000 words, case-insensitive. */
  public AnalogyEvaluator() {
    this(DEFAULT_RESTRICT_VOCAB, true);
  }

  public AnalogyEvaluator(int restrictVocab, boolean caseInsensitive) {
    if (restrictVocab < 1) {
      throw new IllegalArgumentException("restrictVocab must be positive, got " + restrictVocab);
    }
    this.restrictVocab = restrictVocab;
    this.caseInsensitive = caseInsensitive;
  }

  /**
   * Scores {@code vectors} on the questions in {@code questions}.
   *
   * @throws MalformedInputFileException at a line that is neither blank, a {@code :} header with a
   *     name, nor four words, or at a question before the first header
   */
  public AnalogyReport evaluate(WordVectors vectors, Path questions) throws IOException {
    WordVectors searched = vectors.restrictVocab(restrictVocab);
    VocabularyKeys keys = new VocabularyKeys(searched, caseInsensitive);
    List<AnalogyScore> sections = new ArrayList<>();
    int[] counts = new int[3]; // correct, attempted, skipped of the current section
    String[] section = {null};
    Utf8Lines.read(questions, (line, text) -> {
      String stripped = text.strip();
      if (stripped.isEmpty()) {
        return;
      }
      if (stripped.startsWith(":")) {
        String name = stripLeading(stripped, ": ").strip();
        if (name.isEmpty()) {
          throw MalformedInputFileException.atLine(questions, line, "a section header needs a name");
        }
        if (section[0] != null) {
          sections.add(new AnalogyScore(section[0], counts[0], counts[1], counts[2]));
        }
        section[0] = name;
        counts[0] = counts[1] = counts[2] = 0;
        return;
      }
      if (section[0] == null) {
        throw MalformedInputFileException.atLine(
            questions, line, "a question before the first \": section\" header");
      }
      String[] words = stripped.split("\\s+");
      if (words.length != 4) {
        throw MalformedInputFileException.atLine(
            questions, line, "a question needs four words, got " + words.length + ": \""
                + stripped + "\"");
      }
      Boolean correct = answer(searched, keys, words);
      if (correct == null) {
        counts[2]++;
      } else {
        counts[1]++;
        if (correct) {
          counts[0]++;
        }
      }
    });
    if (section[0] != null) {
      sections.add(new AnalogyScore(section[0], counts[0], counts[1], counts[2]));
    }
    AnalogyScore semantic = new AnalogyScore("semantic", 0, 0, 0);
    AnalogyScore syntactic = new AnalogyScore("syntactic", 0, 0, 0);
    for (AnalogyScore score : sections) {
      if (isSyntactic(score.name())) {
        syntactic = syntactic.plus("syntactic", score);
      } else {
        semantic = semantic.plus("semantic", score);
      }
    }
    return new AnalogyReport(sections, semantic, syntactic, semantic.plus("total", syntactic));
  }

  /** Whether a section is syntactic: its name starts with {@code gram}, as in the word2vec file. */
  public static boolean isSyntactic(String sectionName) {
    return sectionName.startsWith("gram");
  }

  /** Whether the question is answered correctly, or null when a word is out of vocabulary. */
  private static Boolean answer(WordVectors searched, VocabularyKeys keys, String[] words) {
    String a = keys.key(words[0]);
    String b = keys.key(words[1]);
    String c = keys.key(words[2]);
    String expected = keys.key(words[3]);
    int ia = keys.index(a);
    int ib = keys.index(b);
    int ic = keys.index(c);
    if (ia < 0 || ib < 0 || ic < 0 || keys.index(expected) < 0) {
      return null;
    }
    float[] query = searched.meanOfUnitRows(new int[] {ib, ic}, new int[] {ia});
    int[] candidates = searched.search(query, CANDIDATES, new int[] {ia, ib, ic}, null);
    Set<String> question = Set.copyOf(List.of(a, b, c));
    String predicted = null;
    for (int candidate : candidates) {
      predicted = keys.key(searched.word(candidate));
      if (!question.contains(predicted)) {
        break;
      }
    }
    return expected.equals(predicted);
  }

  /** {@code text} without the leading characters that are in {@code characters} (Python lstrip). */
  private static String stripLeading(String text, String characters) {
    int start = 0;
    while (start < text.length() && characters.indexOf(text.charAt(start)) >= 0) {
      start++;
    }
    return text.substring(start);
  }
}
