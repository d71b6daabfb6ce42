package dev.nlpm.runtime.text;

/**
 * A tokenizer with the special tokens an encoder frames, pads and masks its input with: BERT's
 * {@code [CLS] A [SEP]}, {@code [PAD]}, {@code [MASK]}, RoBERTa's {@code <s> A </s>}, {@code
 * <pad>}, {@code <mask>}. Pretraining data, MLM masking and the inference model read the ids
 * through this interface alone, whichever way the text is split into tokens.
 */
public interface EncoderTokenizer extends Tokenizer {

  /** The id that fills a batch to a common length. */
  int padId();

  /** The id of a token the vocabulary cannot spell. */
  int unkId();

  /** The id every input starts with ({@code [CLS]}, {@code <s>}). */
  int clsId();

  /** The id that ends each segment ({@code [SEP]}, {@code </s>}). */
  int sepId();

  /** The id masked positions read ({@code [MASK]}, {@code <mask>}). */
  int maskId();

  /** Whether this id is one of the special tokens (never masked, never predicted). */
  boolean isSpecial(int id);

  /**
   * Whether the mask token written in text stands for the space before it as well: RoBERTa's
   * {@code <mask>} does (HuggingFace's {@code lstrip}), since a byte-level BPE word carries its
   * leading space; a WordPiece mask does not need to (whitespace makes no token).
   */
  default boolean maskTakesSpaceBefore() {
    return false;
  }
}
