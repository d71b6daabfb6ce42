package dev.nlpm.runtime.text.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits one line of a corpus into the "words" a trainer counts: the seam between a trainer and
 * the tokenizer whose vocabulary it trains. A WordPiece vocabulary for BERT is trained on the
 * words of BERT's basic tokenizer ({@code BertBasicTokenizer.of(true)::words}); a GPT-2
 * vocabulary on the pieces of GPT-2's pre-tokenization pattern ({@code Gpt2PreTokenizer::split}),
 * the counts then mapped to byte-level symbols with {@link WordCounts#byteLevel}. Any {@code
 * Function<String, List<String>>} fits as a method reference.
 *
 * <p>Implementations must be deterministic and must not return empty words (they are skipped).
 */
@FunctionalInterface
public interface PreTokenizer {

  /** The words of {@code line}, in order; the line holds no {@code \n}. */
  List<String> words(String line);

  /** This pre-tokenizer applied to the line lower-cased with {@link Locale#ROOT}. */
  default PreTokenizer lowercased() {
    return line -> words(line.toLowerCase(Locale.ROOT));
  }

  /** Words are the maximal runs of non-whitespace ({@link Character#isWhitespace}). */
  static PreTokenizer whitespace() {
    return PreTokenizer::split;
  }

  private static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    int start = -1;
    int i = 0;
    int n = line.length();
    while (i < n) {
      int cp = line.codePointAt(i);
      int width = Character.charCount(cp);
      if (Character.isWhitespace(cp)) {
        if (start >= 0) {
          words.add(line.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
      i += width;
    }
    if (start >= 0) {
      words.add(line.substring(start));
    }
    return words;
  }
}
