package dev.nlpm.runtime.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts tokens and makes a vocabulary of the frequent ones: the given special tokens first, then
 * tokens seen at least {@code minCount} times, by count descending, ties by token (so the result
 * does not depend on reading order), cut at {@code maxSize} tokens in all.
 */
public final class VocabularyBuilder {

  private final Map<String, Long> counts = new HashMap<>();

  /** Counts one occurrence. */
  public void add(String token) {
    counts.merge(token, 1L, Long::sum);
  }

  /** How often {@code token} was added. */
  public long count(String token) {
    return counts.getOrDefault(token, 0L);
  }

  /** The vocabulary; {@code maxSize} 0 means no limit. */
  public Vocabulary build(List<String> specialTokens, long minCount, int maxSize) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(
        Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    List<String> tokens = new ArrayList<>(specialTokens);
    for (Map.Entry<String, Long> e : entries) {
      if (maxSize > 0 && tokens.size() >= maxSize) {
        break;
      }
      if (e.getValue() >= minCount && !specialTokens.contains(e.getKey())) {
        tokens.add(e.getKey());
      }
    }
    return Vocabulary.of(tokens);
  }
}
