package dev.nlpm.runtime.text;

/**
 * Turns text into ids the way a model's reference implementation does, and ids back into text.
 * Implementations are immutable and safe to share between threads.
 */
public interface Tokenizer {

  /** The tokens, their ids and their character offsets in {@code text}. */
  Encoding encode(String text);

  /** Only the ids of {@link #encode}. */
  default int[] encodeIds(String text) {
    return encode(text).ids();
  }

  /**
   * Text for the ids. For byte-level BPE this is the exact inverse of {@link #encode}; for the
   * others it joins tokens the way the reference does (WordPiece drops {@code ##} and the
   * whitespace a word-level split lost cannot come back).
   */
  String decode(int[] ids);

  /** The ids this tokenizer can produce, in id order. */
  Vocabulary vocabulary();
}
