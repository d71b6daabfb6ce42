package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.text.bpe.ByteLevelAlphabet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable table of words and how often each occurs: what the trainers learn from. The
 * order of the table never matters; the trainers' results depend only on its content.
 */
public final class WordCounts {

  /** One word and its count. */
  public record Entry(String word, long count) {}

  private static final Comparator<Entry> BY_COUNT_THEN_WORD =
      Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::word);

  private final Map<String, Long> counts;
  private final long total;
  private final boolean approximate;

  private WordCounts(Map<String, Long> counts, boolean approximate) {
    this.counts = counts;
    long sum = 0;
    for (long c : counts.values()) {
      sum += c;
    }
    this.total = sum;
    this.approximate = approximate;
  }

  /**
   * A table of these counts (copied).
   *
   * @throws IllegalArgumentException if a word is empty or a count is not positive
   */
  public static WordCounts of(Map<String, Long> counts) {
    return of(counts, false);
  }

  static WordCounts of(Map<String, Long> counts, boolean approximate) {
    Map<String, Long> copy = new HashMap<>(counts.size() * 2);
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new IllegalArgumentException("an empty word has count " + e.getValue());
      }
      if (e.getValue() <= 0) {
        throw new IllegalArgumentException(
            "word '" + e.getKey() + "' has count " + e.getValue() + ", not a positive number");
      }
      copy.put(e.getKey(), e.getValue());
    }
    return new WordCounts(Map.copyOf(copy), approximate);
  }

  /** How many distinct words. */
  public int size() {
    return counts.size();
  }

  /** How often {@code word} occurs; 0 if it is not in the table. */
  public long count(String word) {
    return counts.getOrDefault(word, 0L);
  }

  /** The sum of all counts: how many words the corpus had (less those pruned). */
  public long totalCount() {
    return total;
  }

  /**
   * Whether rare words were pruned while counting to keep the table under a cap, so that counts
   * are lower bounds and some rare words are missing (see {@link WordCounter}).
   */
  public boolean approximate() {
    return approximate;
  }

  /** The table as an unmodifiable map, in no particular order. */
  public Map<String, Long> asMap() {
    return counts;
  }

  /**
   * The counts of the byte-level forms of these words (GPT-2's byte symbols, {@link
   * ByteLevelAlphabet#encode}): distinct words keep distinct forms, since UTF-8 is injective, so
   * one counting pass over text feeds a byte-level BPE trainer.
   */
  public WordCounts byteLevel() {
    Map<String, Long> mapped = new HashMap<>(size() * 2);
    asMap().forEach((w, c) -> mapped.put(ByteLevelAlphabet.encode(w), c));
    return WordCounts.of(mapped, approximate());
  }

  /** The {@code n} most frequent words, most frequent first, ties in {@link String} order. */
  public List<Entry> mostFrequent(int n) {
    List<Entry> all = new ArrayList<>(counts.size());
    counts.forEach((w, c) -> all.add(new Entry(w, c)));
    all.sort(BY_COUNT_THEN_WORD);
    return List.copyOf(all.subList(0, Math.min(n, all.size())));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WordCounts w && counts.equals(w.counts) && approximate == w.approximate;
  }

  @Override
  public int hashCode() {
    return counts.hashCode();
  }

  @Override
  public String toString() {
    return "WordCounts[" + counts.size() + " words, " + total + " in all"
        + (approximate ? ", approximate" : "") + "]";
  }
}
