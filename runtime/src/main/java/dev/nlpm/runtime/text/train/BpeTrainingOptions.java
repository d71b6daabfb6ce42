package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.text.bpe.ByteLevelAlphabet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a BPE training aims for, as HuggingFace's {@code BpeTrainer} takes it.
 *
 * @param vocabularySize the vocabulary to reach: merges stop once special tokens, alphabet and
 *     merged tokens number this many (fewer when no pair is frequent enough; more when special
 *     tokens and alphabet alone exceed it, since no symbol of the alphabet is ever dropped to fit:
 *     use {@code limitAlphabet} for that)
 * @param minFrequency the least count a pair needs to be merged (counts below 1 never merge)
 * @param specialTokens tokens that get the first ids, in this order
 * @param initialAlphabet one-code-point symbols that belong to the alphabet even when the corpus
 *     lacks them ({@link ByteLevelAlphabet#symbols()} for byte-level BPE); they are never removed
 *     by {@code limitAlphabet} unless it is smaller than they are
 * @param limitAlphabet the most characters the alphabet keeps: the most frequent ones (ties kept
 *     in code point order); characters outside it are dropped from the words; {@code
 *     Integer.MAX_VALUE} for no limit
 * @param continuingSubwordPrefix put before every symbol that does not start a word ({@code ##}
 *     for WordPiece); empty for none
 * @param endOfWordSuffix put after the last symbol of every word ({@code </w>} in the original
 *     subword-nmt); empty for none
 */
public record BpeTrainingOptions(
    int vocabularySize,
    long minFrequency,
    List<String> specialTokens,
    List<String> initialAlphabet,
    int limitAlphabet,
    String continuingSubwordPrefix,
    String endOfWordSuffix) {

  public BpeTrainingOptions {
    if (vocabularySize < 1) {
      throw new IllegalArgumentException("vocabularySize must be positive: " + vocabularySize);
    }
    if (limitAlphabet < 0) {
      throw new IllegalArgumentException("limitAlphabet must not be negative: " + limitAlphabet);
    }
    specialTokens = List.copyOf(specialTokens);
    Set<String> seen = new HashSet<>();
    for (String token : specialTokens) {
      if (token.isEmpty() || !seen.add(token)) {
        throw new IllegalArgumentException("special tokens must be distinct and non-empty: "
            + specialTokens);
      }
    }
    initialAlphabet = List.copyOf(initialAlphabet);
    for (String symbol : initialAlphabet) {
      if (symbol.isEmpty() || symbol.codePointCount(0, symbol.length()) != 1) {
        throw new IllegalArgumentException(
            "an initial alphabet symbol must be one code point: '" + symbol + "'");
      }
    }
    Objects.requireNonNull(continuingSubwordPrefix, "continuingSubwordPrefix");
    Objects.requireNonNull(endOfWordSuffix, "endOfWordSuffix");
  }

  /**
   * Character-level BPE to {@code vocabularySize}: no special tokens, no minimum frequency beyond
   * 1, the alphabet of the corpus, no prefix or suffix.
   */
  public static BpeTrainingOptions of(int vocabularySize) {
    return new BpeTrainingOptions(
        vocabularySize, 1, List.of(), List.of(), Integer.MAX_VALUE, "", "");
  }

  /**
   * Byte-level BPE as GPT-2's: the 256 byte symbols as the alphabet, {@code <|endoftext|>} as
   * the special token; train it on counts of byte-level words ({@link ByteLevelAlphabet}).
   */
  public static BpeTrainingOptions byteLevel(int vocabularySize) {
    return new BpeTrainingOptions(vocabularySize, 1, List.of("<|endoftext|>"),
        ByteLevelAlphabet.symbols(), Integer.MAX_VALUE, "", "");
  }

  public BpeTrainingOptions withVocabularySize(int size) {
    return new BpeTrainingOptions(size, minFrequency, specialTokens, initialAlphabet,
        limitAlphabet, continuingSubwordPrefix, endOfWordSuffix);
  }

  public BpeTrainingOptions withMinFrequency(long frequency) {
    return new BpeTrainingOptions(vocabularySize, frequency, specialTokens, initialAlphabet,
        limitAlphabet, continuingSubwordPrefix, endOfWordSuffix);
  }

  public BpeTrainingOptions withSpecialTokens(List<String> tokens) {
    return new BpeTrainingOptions(vocabularySize, minFrequency, tokens, initialAlphabet,
        limitAlphabet, continuingSubwordPrefix, endOfWordSuffix);
  }

  public BpeTrainingOptions withInitialAlphabet(List<String> alphabet) {
    return new BpeTrainingOptions(vocabularySize, minFrequency, specialTokens, alphabet,
        limitAlphabet, continuingSubwordPrefix, endOfWordSuffix);
  }

  public BpeTrainingOptions withLimitAlphabet(int limit) {
    return new BpeTrainingOptions(vocabularySize, minFrequency, specialTokens, initialAlphabet,
        limit, continuingSubwordPrefix, endOfWordSuffix);
  }

  public BpeTrainingOptions withContinuingSubwordPrefix(String prefix) {
    return new BpeTrainingOptions(vocabularySize, minFrequency, specialTokens, initialAlphabet,
        limitAlphabet, prefix, endOfWordSuffix);
  }

  public BpeTrainingOptions withEndOfWordSuffix(String suffix) {
    return new BpeTrainingOptions(vocabularySize, minFrequency, specialTokens, initialAlphabet,
        limitAlphabet, continuingSubwordPrefix, suffix);
  }
}
