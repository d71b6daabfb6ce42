package dev.nlpm.runtime.text.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BPE training the slow, obvious way: every pair recounted from scratch before each merge. The
 * reference for {@link BpeTrainer}'s incremental bookkeeping; no alphabet limit or special tokens.
 */
final class NaiveBpe {

  private NaiveBpe() {}

  /** The merges, as {@code "left right"} strings. */
  static List<String> train(Map<String, Long> table, BpeTrainingOptions options) {
    String prefix = options.continuingSubwordPrefix();
    String suffix = options.endOfWordSuffix();
    Set<String> vocabulary = new HashSet<>();
    List<List<String>> words = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (Map.Entry<String, Long> e : table.entrySet()) {
      String word = e.getKey();
      List<String> symbols = new ArrayList<>();
      for (int i = 0; i < word.length(); i++) {
        vocabulary.add(String.valueOf(word.charAt(i)));
        String symbol = (i > 0 ? prefix : "") + word.charAt(i)
            + (i == word.length() - 1 ? suffix : "");
        vocabulary.add(symbol);
        symbols.add(symbol);
      }
      words.add(symbols);
      counts.add(e.getValue());
    }
    List<String> merges = new ArrayList<>();
    while (vocabulary.size() < options.vocabularySize()) {
      Map<List<String>, Long> pairs = new HashMap<>();
      for (int w = 0; w < words.size(); w++) {
        List<String> s = words.get(w);
        for (int i = 0; i + 1 < s.size(); i++) {
          pairs.merge(List.of(s.get(i), s.get(i + 1)), counts.get(w), Long::sum);
        }
      }
      List<String> best = null;
      long bestCount = 0;
      for (Map.Entry<List<String>, Long> e : pairs.entrySet()) {
        List<String> p = e.getKey();
        long c = e.getValue();
        if (best == null || c > bestCount
            || (c == bestCount && (p.get(0).compareTo(best.get(0)) < 0
                || (p.get(0).equals(best.get(0)) && p.get(1).compareTo(best.get(1)) < 0)))) {
          best = p;
          bestCount = c;
        }
      }
      if (best == null || bestCount < Math.max(1, options.minFrequency())) {
        break;
      }
      String left = best.get(0);
      String right = best.get(1);
      boolean prefixed = !prefix.isEmpty() && right.startsWith(prefix);
      String merged = left + (prefixed ? right.substring(prefix.length()) : right);
      vocabulary.add(merged);
      if (!merges.contains(left + " " + right)) {
        merges.add(left + " " + right);
      }
      for (List<String> s : words) {
        for (int i = 0; i + 1 < s.size(); i++) {
          if (s.get(i).equals(left) && s.get(i + 1).equals(right)) {
            s.set(i, merged);
            s.remove(i + 1);
          }
        }
      }
    }
    return merges;
  }
}
