package dev.nlpm.runtime.text.wordpiece;

import java.util.List;
import java.util.Objects;

/**
 * The spellings of the special tokens a BERT-style model uses. Each must be in the vocabulary the
 * tokenizer is built on.
 *
 * @param pad fills a batch to a common length
 * @param unk stands for a word the vocabulary cannot spell
 * @param cls starts every input
 * @param sep ends each segment
 * @param mask hides a token for masked-language-model training
 */
public record SpecialTokens(String pad, String unk, String cls, String sep, String mask) {

  private static final SpecialTokens BERT = new SpecialTokens("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  public SpecialTokens {
    Objects.requireNonNull(pad, "pad");
    Objects.requireNonNull(unk, "unk");
    Objects.requireNonNull(cls, "cls");
    Objects.requireNonNull(sep, "sep");
    Objects.requireNonNull(mask, "mask");
  }

  /** BERT's: {@code [PAD] [UNK] [CLS] [SEP] [MASK]}. */
  public static SpecialTokens bert() {
    return BERT;
  }

  /** These tokens with another unknown token. */
  public SpecialTokens withUnk(String newUnk) {
    return new SpecialTokens(pad, newUnk, cls, sep, mask);
  }

  /** These tokens with other {@code [CLS]} and {@code [SEP]}. */
  public SpecialTokens withClsSep(String newCls, String newSep) {
    return new SpecialTokens(pad, unk, newCls, newSep, mask);
  }

  /** The five spellings in the order pad, unk, cls, sep, mask. */
  public List<String> all() {
    return List.of(pad, unk, cls, sep, mask);
  }

  /** The role names, in the order of {@link #all()}, for messages. */
  static List<String> roles() {
    return List.of("pad", "unk", "cls", "sep", "mask");
  }
}
