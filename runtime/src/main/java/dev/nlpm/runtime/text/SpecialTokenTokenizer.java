package dev.nlpm.runtime.text;

import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import dev.nlpm.runtime.text.wordpiece.SpecialTokens;
import java.util.List;
import java.util.Objects;

/**
 * A tokenizer that knows no special tokens itself (byte-level BPE, characters) made an {@link
 * EncoderTokenizer}: the five special tokens are looked up in its vocabulary, where training put
 * them, and text is split by the tokenizer as it is (a literal {@code <mask>} in the text is
 * ordinary characters, as RoBERTa's data pipeline reads it).
 */
public final class SpecialTokenTokenizer implements EncoderTokenizer {

  private final Tokenizer base;
  private final SpecialTokens specials;
  private final int padId;
  private final int unkId;
  private final int clsId;
  private final int sepId;
  private final int maskId;
  private final boolean[] special;

  private SpecialTokenTokenizer(Tokenizer base, SpecialTokens specials) {
    this.base = Objects.requireNonNull(base, "base");
    this.specials = Objects.requireNonNull(specials, "specials");
    Vocabulary vocabulary = base.vocabulary();
    List<String> all = specials.all();
    List<String> roles = List.of("pad", "unk", "cls", "sep", "mask");
    int[] ids = new int[all.size()];
    special = new boolean[vocabulary.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.idOrMinusOne(all.get(i));
      if (ids[i] < 0) {
        throw new IllegalArgumentException("the " + roles.get(i) + " token '" + all.get(i) + "' is not in the vocabulary of "
            + vocabulary.size() + " tokens");
      }
      special[ids[i]] = true;
    }
    padId = ids[0];
    unkId = ids[1];
    clsId = ids[2];
    sepId = ids[3];
    maskId = ids[4];
  }

  /**
   * {@code base} with these special tokens, each of which must be in its vocabulary.
   *
   * @throws IllegalArgumentException naming the role and spelling of a special token the
   *     vocabulary lacks
   */
  public static SpecialTokenTokenizer of(Tokenizer base, SpecialTokens specials) {
    return new SpecialTokenTokenizer(base, specials);
  }

  /** RoBERTa's special tokens: {@code <pad> <unk> <s> </s> <mask>}. */
  public static SpecialTokens roberta() {
    return new SpecialTokens("<pad>", "<unk>", "<s>", "</s>", "<mask>");
  }

  /** The tokenizer that splits the text. */
  public Tokenizer base() {
    return base;
  }

  public SpecialTokens specials() {
    return specials;
  }

  @Override
  public Encoding encode(String text) {
    return base.encode(text);
  }

  @Override
  public int[] encodeIds(String text) {
    return base.encodeIds(text);
  }

  @Override
  public String decode(int[] ids) {
    return base.decode(ids);
  }

  @Override
  public Vocabulary vocabulary() {
    return base.vocabulary();
  }

  @Override
  public int padId() {
    return padId;
  }

  @Override
  public int unkId() {
    return unkId;
  }

  @Override
  public int clsId() {
    return clsId;
  }

  @Override
  public int sepId() {
    return sepId;
  }

  @Override
  public int maskId() {
    return maskId;
  }

  /** For byte-level BPE, whose words carry their leading space: {@code "the <mask>"} is {@code the <mask>}, as RoBERTa reads it. */
  @Override
  public boolean maskTakesSpaceBefore() {
    return base instanceof ByteLevelBpeTokenizer;
  }

  @Override
  public boolean isSpecial(int id) {
    return id >= 0 && id < special.length && special[id];
  }
}
