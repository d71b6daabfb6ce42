package dev.nlpm.runtime.text;

import dev.nlpm.runtime.text.corpus.Corpus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One token per Unicode code point (a surrogate pair is one token), for character-level models.
 * A character missing from the vocabulary becomes the unknown token. Decoding concatenates, so
 * text whose characters are all known round-trips exactly.
 */
public final class CharTokenizer implements Tokenizer {

  /** The unknown token used unless another is given. */
  public static final String DEFAULT_UNKNOWN = "[UNK]";

  private final Vocabulary vocabulary;
  private final String unknown;
  private final int unknownId;

  private CharTokenizer(Vocabulary vocabulary, String unknown) {
    this.vocabulary = vocabulary;
    this.unknown = unknown;
    this.unknownId = vocabulary.idOrMinusOne(unknown);
    if (unknownId < 0) {
      throw new IllegalArgumentException("the vocabulary lacks the unknown token " + unknown);
    }
  }

  /** A tokenizer over {@code vocabulary}, which must hold {@code unknown}. */
  public static CharTokenizer of(Vocabulary vocabulary, String unknown) {
    return new CharTokenizer(vocabulary, unknown);
  }

  /**
   * A tokenizer whose vocabulary is {@code specialTokens} (the unknown token among them, or added
   * first) then the corpus's characters seen at least {@code minCount} times, most frequent first.
   */
  public static CharTokenizer train(Corpus corpus, List<String> specialTokens, String unknown, long minCount)
      throws IOException {
    VocabularyBuilder counts = new VocabularyBuilder();
    corpus.forEach(e -> e.text().codePoints().forEach(cp -> counts.add(Character.toString(cp))));
    List<String> specials = new ArrayList<>(specialTokens);
    if (!specials.contains(unknown)) {
      specials.add(0, unknown);
    }
    return new CharTokenizer(counts.build(specials, minCount, 0), unknown);
  }

  @Override
  public Encoding encode(String text) {
    int n = text.codePointCount(0, text.length());
    int[] ids = new int[n];
    int[] starts = new int[n];
    int[] ends = new int[n];
    List<String> tokens = new ArrayList<>(n);
    int k = 0;
    for (int i = 0; i < text.length(); k++) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      String token = text.substring(i, next);
      int id = vocabulary.idOrMinusOne(token);
      ids[k] = id < 0 ? unknownId : id;
      tokens.add(id < 0 ? unknown : token);
      starts[k] = i;
      ends[k] = next;
      i = next;
    }
    return Encoding.of(ids, tokens, starts, ends);
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder b = new StringBuilder(ids.length);
    Arrays.stream(ids).forEach(id -> b.append(vocabulary.token(id)));
    return b.toString();
  }

  @Override
  public Vocabulary vocabulary() {
    return vocabulary;
  }
}
