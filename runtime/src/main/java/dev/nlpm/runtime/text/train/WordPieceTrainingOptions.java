package dev.nlpm.runtime.text.train;

import java.util.List;
import java.util.Objects;

/**
 * What a WordPiece training aims for.
 *
 * @param vocabularySize the vocabulary to reach, special tokens and alphabet included (see {@link
 *     BpeTrainingOptions#vocabularySize()} for when it is not reached exactly)
 * @param minFrequency the least count a pair of pieces needs to be merged
 * @param specialTokens tokens that get the first ids, in this order
 * @param limitAlphabet the most characters the alphabet keeps, the most frequent ones; words are
 *     counted without the others. {@code Integer.MAX_VALUE} for no limit
 * @param continuingSubwordPrefix the prefix of pieces that continue a word, {@code ##} in BERT
 */
public record WordPieceTrainingOptions(
    int vocabularySize,
    long minFrequency,
    List<String> specialTokens,
    int limitAlphabet,
    String continuingSubwordPrefix) {

  /** BERT's special tokens, in the order of its published vocabularies' first ids. */
  public static final List<String> BERT_SPECIAL_TOKENS =
      List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  public WordPieceTrainingOptions {
    specialTokens = List.copyOf(specialTokens);
    Objects.requireNonNull(continuingSubwordPrefix, "continuingSubwordPrefix");
    if (continuingSubwordPrefix.isEmpty()) {
      throw new IllegalArgumentException("WordPiece needs a continuing-subword prefix");
    }
    // Let the BPE options check the rest.
    toBpeOptions(vocabularySize, minFrequency, specialTokens, limitAlphabet,
        continuingSubwordPrefix);
  }

  /**
   * The defaults of HuggingFace's {@code BertWordPieceTokenizer.train}: BERT's special tokens,
   * minimum frequency 2, at most 1000 alphabet characters, {@code ##}.
   */
  public static WordPieceTrainingOptions bert(int vocabularySize) {
    return new WordPieceTrainingOptions(vocabularySize, 2, BERT_SPECIAL_TOKENS, 1000, "##");
  }

  public WordPieceTrainingOptions withVocabularySize(int size) {
    return new WordPieceTrainingOptions(
        size, minFrequency, specialTokens, limitAlphabet, continuingSubwordPrefix);
  }

  public WordPieceTrainingOptions withMinFrequency(long frequency) {
    return new WordPieceTrainingOptions(
        vocabularySize, frequency, specialTokens, limitAlphabet, continuingSubwordPrefix);
  }

  public WordPieceTrainingOptions withSpecialTokens(List<String> tokens) {
    return new WordPieceTrainingOptions(
        vocabularySize, minFrequency, tokens, limitAlphabet, continuingSubwordPrefix);
  }

  public WordPieceTrainingOptions withLimitAlphabet(int limit) {
    return new WordPieceTrainingOptions(
        vocabularySize, minFrequency, specialTokens, limit, continuingSubwordPrefix);
  }

  /** The BPE training that WordPiece training is. */
  BpeTrainingOptions bpeOptions() {
    return toBpeOptions(vocabularySize, minFrequency, specialTokens, limitAlphabet,
        continuingSubwordPrefix);
  }

  private static BpeTrainingOptions toBpeOptions(int vocabularySize, long minFrequency,
      List<String> specialTokens, int limitAlphabet, String prefix) {
    return new BpeTrainingOptions(
        vocabularySize, minFrequency, specialTokens, List.of(), limitAlphabet, prefix, "");
  }
}
