package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.text.Vocabulary;

/**
 * Learns a WordPiece vocabulary as HuggingFace's {@code WordPieceTrainer} does: a BPE training
 * ({@link BpeTrainer}) in which every character but a word's first carries the continuing-subword
 * prefix, whose vocabulary becomes the WordPiece vocabulary. Its ids are: the special tokens; the
 * alphabet's characters in code point order; each of them with the prefix ({@code ##a}), in
 * {@link String} order; then the merged pieces in the order learned. Unlike HuggingFace, every
 * alphabet character gets its prefixed form, not only those seen inside a word, as BERT's
 * published vocabularies do, so that a character the tokenizer meets inside a word splits off
 * instead of turning the word into {@code [UNK]}.
 *
 * <p>A greedy longest-match WordPiece tokenizer then finds frequent words whole (they were merged
 * into one piece) and splits rare ones into frequent pieces. Deterministic like {@link
 * BpeTrainer}.
 */
public final class WordPieceTrainer {

  private WordPieceTrainer() {}

  /** The vocabulary for these word counts; write it with {@link Vocabulary#writeVocabTxt}. */
  public static Vocabulary train(WordCounts counts, WordPieceTrainingOptions options) {
    return BpeTrainer.train(counts, options.bpeOptions(), true).vocabulary();
  }
}
