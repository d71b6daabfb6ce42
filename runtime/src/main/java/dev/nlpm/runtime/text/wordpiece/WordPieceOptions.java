package dev.nlpm.runtime.text.wordpiece;

import java.util.Objects;

/**
 * How a {@link WordPieceTokenizer} normalizes and splits text.
 *
 * @param lowercase lowercase each word as Python's {@code str.lower()} does (BERT's {@code
 *     do_lower_case})
 * @param stripAccents decompose (NFD) and drop nonspacing marks; BERT's reference does this
 *     exactly when it lowercases, HuggingFace's {@code strip_accents} can say otherwise
 * @param maxInputCharsPerWord a word of more code points than this becomes the unknown token
 * @param continuingSubwordPrefix what marks a piece that continues a word, {@code ##}
 * @param specialTokens the special tokens' spellings
 */
public record WordPieceOptions(
    boolean lowercase,
    boolean stripAccents,
    int maxInputCharsPerWord,
    String continuingSubwordPrefix,
    SpecialTokens specialTokens) {

  /** HuggingFace's and BERT's {@code BertTokenizer} default; the reference's class default is 200. */
  public static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

  public WordPieceOptions {
    if (maxInputCharsPerWord < 1) {
      throw new IllegalArgumentException(
          "maxInputCharsPerWord must be at least 1, got " + maxInputCharsPerWord);
    }
    Objects.requireNonNull(continuingSubwordPrefix, "continuingSubwordPrefix");
    if (continuingSubwordPrefix.isEmpty()) {
      throw new IllegalArgumentException("continuingSubwordPrefix must not be empty");
    }
    Objects.requireNonNull(specialTokens, "specialTokens");
  }

  /** Uncased BERT: lowercase and strip accents, 100 code points a word, {@code ##}, BERT's specials. */
  public static WordPieceOptions uncased() {
    return new WordPieceOptions(
        true, true, DEFAULT_MAX_INPUT_CHARS_PER_WORD, "##", SpecialTokens.bert());
  }

  /** Cased BERT: text kept as it is (but cleaned and split), otherwise as {@link #uncased()}. */
  public static WordPieceOptions cased() {
    return new WordPieceOptions(
        false, false, DEFAULT_MAX_INPUT_CHARS_PER_WORD, "##", SpecialTokens.bert());
  }

  /** These options with BERT's casing: lowercase and strip accents both on or both off. */
  public WordPieceOptions withLowercase(boolean newLowercase) {
    return new WordPieceOptions(
        newLowercase, newLowercase, maxInputCharsPerWord, continuingSubwordPrefix, specialTokens);
  }

  public WordPieceOptions withStripAccents(boolean newStripAccents) {
    return new WordPieceOptions(
        lowercase, newStripAccents, maxInputCharsPerWord, continuingSubwordPrefix, specialTokens);
  }

  public WordPieceOptions withMaxInputCharsPerWord(int newMax) {
    return new WordPieceOptions(
        lowercase, stripAccents, newMax, continuingSubwordPrefix, specialTokens);
  }

  public WordPieceOptions withContinuingSubwordPrefix(String newPrefix) {
    return new WordPieceOptions(lowercase, stripAccents, maxInputCharsPerWord, newPrefix, specialTokens);
  }

  public WordPieceOptions withSpecialTokens(SpecialTokens newSpecialTokens) {
    return new WordPieceOptions(
        lowercase, stripAccents, maxInputCharsPerWord, continuingSubwordPrefix, newSpecialTokens);
  }
}
