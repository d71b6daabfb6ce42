package dev.nlpm.runtime.text.wordpiece;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT's basic tokenization alone, before WordPiece: the words a text splits into (cleanup, CJK
 * ideographs apart, whitespace, optional lowercasing with accent stripping, punctuation). This
 * is the pre-tokenizer a WordPiece vocabulary is trained on, so that training sees words exactly
 * as {@link WordPieceTokenizer} will.
 */
public final class BertBasicTokenizer {

  private final boolean lowercase;
  private final boolean stripAccents;

  private BertBasicTokenizer(boolean lowercase, boolean stripAccents) {
    this.lowercase = lowercase;
    this.stripAccents = stripAccents;
  }

  /** Lowercasing and accent stripping together (BERT uncased), or neither (cased). */
  public static BertBasicTokenizer of(boolean lowercase) {
    return new BertBasicTokenizer(lowercase, lowercase);
  }

  /** The basic tokenization that {@code options} describe. */
  public static BertBasicTokenizer of(WordPieceOptions options) {
    return new BertBasicTokenizer(options.lowercase(), options.stripAccents());
  }

  /** The words of {@code text}, normalized, in order. Safe to call from several threads. */
  public List<String> words(String text) {
    List<String> words = new ArrayList<>();
    new BertPreTokenizer(lowercase, stripAccents)
        .split(text, (cps, starts, ends, from, to) -> words.add(new String(cps, from, to - from)));
    return words;
  }
}
