package dev.nlpm.runtime.text;

import dev.nlpm.runtime.text.corpus.Corpus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Words separated by whitespace, for word2vec and word-level models. Two modes:
 *
 * <ul>
 *   <li>{@link Mode#UNICODE}: splits on every Unicode whitespace character (Java's {@link
 *       Character#isWhitespace} plus no-break spaces);
 *   <li>{@link Mode#WORD2VEC}: what word2vec.c's {@code ReadWord} does: splits on space, tab and
 *       newline only (other Unicode spaces stay inside words) and emits {@code </s>} at each
 *       newline, so a corpus read line by line gives a sentence end after every line.
 * </ul>
 *
 * Optional lowercasing uses {@link Locale#ROOT}. Words missing from the vocabulary become the
 * unknown token; decoding joins words with single spaces.
 */
public final class WhitespaceTokenizer implements Tokenizer {

  /** How text divides into words. */
  public enum Mode {
    UNICODE,
    WORD2VEC
  }

  /** word2vec.c's end-of-sentence token, emitted at each newline in {@link Mode#WORD2VEC}. */
  public static final String END_OF_SENTENCE = "</s>";

  private final Vocabulary vocabulary;
  private final Mode mode;
  private final boolean lowercase;
  private final String unknown;
  private final int unknownId;

  private WhitespaceTokenizer(Vocabulary vocabulary, Mode mode, boolean lowercase, String unknown) {
    this.vocabulary = vocabulary;
    this.mode = mode;
    this.lowercase = lowercase;
    this.unknown = unknown;
    this.unknownId = vocabulary.idOrMinusOne(unknown);
    if (unknownId < 0) {
      throw new IllegalArgumentException("the vocabulary lacks the unknown token " + unknown);
    }
  }

  public static WhitespaceTokenizer of(Vocabulary vocabulary, Mode mode, boolean lowercase, String unknown) {
    return new WhitespaceTokenizer(vocabulary, mode, lowercase, unknown);
  }

  /**
   * A tokenizer whose vocabulary is {@code unknown} (and {@code </s>} in word2vec mode), then the
   * corpus's words seen at least {@code minCount} times, most frequent first, {@code maxSize} in
   * all (0: no limit).
   */
  public static WhitespaceTokenizer train(
      Corpus corpus, Mode mode, boolean lowercase, String unknown, long minCount, int maxSize)
      throws IOException {
    VocabularyBuilder counts = new VocabularyBuilder();
    corpus.forEach(e -> words(e.text() + "\n", mode, lowercase, (w, s, t) -> counts.add(w)));
    List<String> specials = mode == Mode.WORD2VEC ? List.of(END_OF_SENTENCE, unknown) : List.of(unknown);
    return new WhitespaceTokenizer(counts.build(specials, minCount, maxSize), mode, lowercase, unknown);
  }

  /**
   * The words of {@code text} split as {@code mode} splits them, without lowercasing or a
   * vocabulary; the pre-tokenizer for counting a corpus ({@code </s>} only where a newline is).
   */
  public static List<String> split(String text, Mode mode) {
    return split(text, mode, false);
  }

  /**
   * The words of {@code text} split as {@code mode} splits them, lowercased ({@link Locale#ROOT})
   * when {@code lowercase} is set, without a vocabulary; {@code </s>} is never lowercased.
   */
  public static List<String> split(String text, Mode mode, boolean lowercase) {
    List<String> words = new ArrayList<>();
    words(text, mode, lowercase, (w, s, e) -> words.add(w));
    return words;
  }

  /** The words of {@code text}, before any vocabulary lookup. */
  public List<String> words(String text) {
    List<String> words = new ArrayList<>();
    words(text, mode, lowercase, (w, s, e) -> words.add(w));
    return words;
  }

  @Override
  public Encoding encode(String text) {
    List<String> tokens = new ArrayList<>();
    List<int[]> spans = new ArrayList<>();
    words(text, mode, lowercase, (w, s, e) -> {
      tokens.add(vocabulary.contains(w) ? w : unknown);
      spans.add(new int[] {s, e});
    });
    int n = tokens.size();
    int[] ids = new int[n];
    int[] starts = new int[n];
    int[] ends = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = vocabulary.idOrMinusOne(tokens.get(i));
      starts[i] = spans.get(i)[0];
      ends[i] = spans.get(i)[1];
    }
    return Encoding.of(ids, tokens, starts, ends);
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder b = new StringBuilder();
    for (int id : ids) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(vocabulary.token(id));
    }
    return b.toString();
  }

  @Override
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  private interface WordSink {
    void word(String word, int start, int end);
  }

  private static void words(String text, Mode mode, boolean lowercase, WordSink sink) {
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ' ';
      boolean separator = mode == Mode.WORD2VEC
          ? c == ' ' || c == '\t' || c == '\n'
          : Character.isWhitespace(c) || Character.isSpaceChar(c);
      if (!separator) {
        if (start < 0) {
          start = i;
        }
        continue;
      }
      if (start >= 0) {
        String word = text.substring(start, i);
        sink.word(lowercase ? word.toLowerCase(Locale.ROOT) : word, start, i);
        start = -1;
      }
      if (mode == Mode.WORD2VEC && c == '\n' && i < text.length()) {
        sink.word(END_OF_SENTENCE, i, i + 1);
      }
    }
  }
}
