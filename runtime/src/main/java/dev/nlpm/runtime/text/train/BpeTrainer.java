package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.train.PairTable.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Learns byte-pair-encoding merges from a table of word counts, with the algorithm of HuggingFace
 * tokenizers' {@code BpeTrainer}:
 *
 * <ol>
 *   <li>the special tokens get the first ids, in the order given;
 *   <li>the alphabet: every code point of the words, plus the initial alphabet, cut to the {@code
 *       limitAlphabet} most frequent, in code point order;
 *   <li>each word becomes its code points as symbols, with the continuing-subword prefix on every
 *       symbol but the first and the end-of-word suffix on the last; the prefixed and suffixed
 *       symbols this makes follow the alphabet, in {@link String} order;
 *   <li>then, until the vocabulary has {@code vocabularySize} tokens, the most frequent adjacent
 *       pair (counting each word as often as it occurs) is merged everywhere into a new symbol,
 *       left's string followed by right's without its prefix. A pair counted less than {@code
 *       minFrequency} stops the training.
 * </ol>
 *
 * <p><b>Ties</b> between pairs of equal count go to the pair whose left symbol comes first in
 * {@link String#compareTo} order, then whose right symbol does. (HuggingFace orders ties by the
 * symbols' ids, which for merged symbols depend on its hash-map iteration order; ordering by the
 * strings makes the result a function of the counts alone.) So the same counts and options give
 * the same merges and vocabulary byte for byte, whatever the order of the table; no randomness
 * is involved.
 *
 * <p><b>Cost</b>: pair counts are kept up to date incrementally. Each pair remembers the words
 * that hold it, so a merge visits only those words; a priority queue holds one live entry per
 * pair, and an entry whose pair's count fell since it was queued is re-queued with the current
 * count when it reaches the top (HuggingFace's lazy invalidation). Merging two symbols whose
 * string already is a token adds no token; a pair merged once and formed again later is merged
 * again without a second line in the merge list.
 */
public final class BpeTrainer {

  /** A queued pair with the count it had when queued. */
  private record Entry(Pair pair, long count) {}

  private final BpeTrainingOptions options;
  private final boolean prefixWholeAlphabet;
  private final List<String> tokens = new ArrayList<>();
  private final Map<String, Integer> ids = new HashMap<>();

  private BpeTrainer(BpeTrainingOptions options, boolean prefixWholeAlphabet) {
    this.options = options;
    this.prefixWholeAlphabet = prefixWholeAlphabet;
  }

  /** Learns the merges and vocabulary of {@code counts} as {@code options} ask. */
  public static TrainedBpe train(WordCounts counts, BpeTrainingOptions options) {
    return new BpeTrainer(options, false).run(counts);
  }

  /**
   * As {@link #train}; with {@code prefixWholeAlphabet}, the prefixed form of every alphabet
   * character is in the vocabulary, not only those seen inside a word, as WordPiece wants.
   */
  static TrainedBpe train(
      WordCounts counts, BpeTrainingOptions options, boolean prefixWholeAlphabet) {
    return new BpeTrainer(options, prefixWholeAlphabet).run(counts);
  }

  private TrainedBpe run(WordCounts counts) {
    for (String special : options.specialTokens()) {
      addToken(special);
    }
    int[] alphabet = alphabet(counts);
    for (int cp : alphabet) {
      addToken(new String(Character.toChars(cp)));
    }
    Words words = splitWords(counts, alphabet);
    PairTable pairs = countPairs(words);
    List<BpeMerge> merges = merge(words, pairs);
    return new TrainedBpe(merges, Vocabulary.of(tokens));
  }

  private int addToken(String token) {
    Integer id = ids.get(token);
    if (id != null) {
      return id;
    }
    tokens.add(token);
    ids.put(token, tokens.size() - 1);
    return tokens.size() - 1;
  }

  /** The alphabet's code points, in increasing order. */
  private int[] alphabet(WordCounts counts) {
    Map<Integer, long[]> frequency = new HashMap<>();
    counts.asMap().forEach((word, count) -> {
      for (int i = 0; i < word.length(); ) {
        int cp = word.codePointAt(i);
        long[] f = frequency.computeIfAbsent(cp, k -> new long[1]);
        f[0] = saturatedAdd(f[0], count);
        i += Character.charCount(cp);
      }
    });
    for (String symbol : options.initialAlphabet()) {
      frequency.computeIfAbsent(symbol.codePointAt(0), k -> new long[1])[0] = Long.MAX_VALUE;
    }
    List<Map.Entry<Integer, long[]>> kept = new ArrayList<>(frequency.entrySet());
    if (kept.size() > options.limitAlphabet()) {
      // Keep the most frequent; among equals, the lower code points.
      kept.sort(Comparator.<Map.Entry<Integer, long[]>>comparingLong(e -> -e.getValue()[0])
          .thenComparingInt(Map.Entry::getKey));
      kept = kept.subList(0, options.limitAlphabet());
    }
    return kept.stream().mapToInt(Map.Entry::getKey).sorted().toArray();
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** The words as arrays of symbol ids; words of fewer than two symbols are left out. */
  private static final class Words {
    final int[][] symbols;
    final int[] lengths;
    final long[] counts;

    Words(int[][] symbols, int[] lengths, long[] counts) {
      this.symbols = symbols;
      this.lengths = lengths;
      this.counts = counts;
    }
  }

  private Words splitWords(WordCounts counts, int[] alphabet) {
    String prefix = options.continuingSubwordPrefix();
    String suffix = options.endOfWordSuffix();
    // The prefixed and suffixed symbols follow the alphabet in String order, so that their ids do
    // not depend on the table's iteration order.
    TreeSet<String> derived = new TreeSet<>();
    if (prefixWholeAlphabet && !prefix.isEmpty()) {
      for (int cp : alphabet) {
        derived.add(prefix + new String(Character.toChars(cp)));
      }
    }
    for (String word : counts.asMap().keySet()) {
      forEachSymbol(word, alphabet, prefix, suffix, symbol -> {
        if (!ids.containsKey(symbol)) {
          derived.add(symbol);
        }
      });
    }
    for (String symbol : derived) {
      addToken(symbol);
    }

    List<int[]> symbols = new ArrayList<>(counts.size());
    List<Long> wordCounts = new ArrayList<>(counts.size());
    IntBuffer buffer = new IntBuffer();
    for (Map.Entry<String, Long> e : counts.asMap().entrySet()) {
      buffer.length = 0;
      forEachSymbol(e.getKey(), alphabet, prefix, suffix, symbol -> buffer.add(ids.get(symbol)));
      if (buffer.length >= 2) {
        symbols.add(Arrays.copyOf(buffer.values, buffer.length));
        wordCounts.add(e.getValue());
      }
    }
    int n = symbols.size();
    int[] lengths = new int[n];
    long[] countArray = new long[n];
    for (int i = 0; i < n; i++) {
      lengths[i] = symbols.get(i).length;
      countArray[i] = wordCounts.get(i);
    }
    return new Words(symbols.toArray(new int[0][]), lengths, countArray);
  }

  /** A growable int array, reused for every word. */
  private static final class IntBuffer {
    int[] values = new int[32];
    int length;

    void add(int value) {
      if (length == values.length) {
        values = Arrays.copyOf(values, length * 2);
      }
      values[length++] = value;
    }
  }

  /** Calls {@code action} with each symbol of {@code word}, skipping non-alphabet characters. */
  private static void forEachSymbol(String word, int[] alphabet, String prefix, String suffix,
      Consumer<String> action) {
    int n = word.length();
    for (int i = 0; i < n; ) {
      int cp = word.codePointAt(i);
      int width = Character.charCount(cp);
      if (Arrays.binarySearch(alphabet, cp) >= 0) {
        String symbol = word.substring(i, i + width);
        if (i > 0 && !prefix.isEmpty()) {
          symbol = prefix + symbol;
        }
        if (i + width == n && !suffix.isEmpty()) {
          symbol = symbol + suffix;
        }
        action.accept(symbol);
      }
      i += width;
    }
  }

  private PairTable countPairs(Words words) {
    PairTable pairs = new PairTable(1 << 16);
    for (int w = 0; w < words.symbols.length; w++) {
      int[] s = words.symbols[w];
      long count = words.counts[w];
      for (int i = 0; i + 1 < words.lengths[w]; i++) {
        Pair p = pairs.getOrCreate(s[i], s[i + 1]);
        p.count += count;
        p.addWord(w);
      }
    }
    return pairs;
  }

  private List<BpeMerge> merge(Words words, PairTable pairs) {
    Comparator<Entry> order = (x, y) -> {
      if (x.count != y.count) {
        return x.count > y.count ? -1 : 1;
      }
      int byLeft = tokens.get(x.pair.left).compareTo(tokens.get(y.pair.left));
      return byLeft != 0 ? byLeft : tokens.get(x.pair.right).compareTo(tokens.get(y.pair.right));
    };
    PriorityQueue<Entry> queue = new PriorityQueue<>(Math.max(16, pairs.size()), order);
    pairs.forEach(p -> {
      if (p.count > 0) {
        Entry entry = new Entry(p, p.count);
        p.live = entry;
        queue.add(entry);
      }
    });

    long minFrequency = Math.max(1, options.minFrequency());
    String prefix = options.continuingSubwordPrefix();
    int[] visitedInStep = new int[words.symbols.length];
    Arrays.fill(visitedInStep, -1);
    List<Pair> grown = new ArrayList<>();
    List<BpeMerge> merges = new ArrayList<>();
    int step = 0;
    while (tokens.size() < options.vocabularySize()) {
      Entry top = queue.poll();
      if (top == null) {
        break;
      }
      Pair pair = top.pair;
      if (pair.live != top) {
        continue;
      }
      if (top.count != pair.count) {
        pair.live = null;
        if (pair.count > 0) {
          Entry entry = new Entry(pair, pair.count);
          pair.live = entry;
          queue.add(entry);
        }
        continue;
      }
      if (pair.count < minFrequency) {
        break;
      }
      String left = tokens.get(pair.left);
      String right = tokens.get(pair.right);
      String rightPart =
          !prefix.isEmpty() && right.startsWith(prefix) ? right.substring(prefix.length()) : right;
      int merged = addToken(left + rightPart);
      if (!pair.merged) {
        pair.merged = true;
        merges.add(new BpeMerge(left, right));
      }
      pair.live = null;
      int[] holders = Arrays.copyOf(pair.words, pair.wordCount);
      grown.clear();
      for (int w : holders) {
        if (visitedInStep[w] != step) {
          visitedInStep[w] = step;
          mergeInWord(words, w, pair.left, pair.right, merged, pairs, step, grown);
        }
      }
      for (Pair g : grown) {
        if (g.count > 0 && (g.live == null || ((Entry) g.live).count < g.count)) {
          Entry entry = new Entry(g, g.count);
          g.live = entry;
          queue.add(entry);
        }
      }
      step++;
    }
    return merges;
  }

  /** Replaces each {@code a b} in word {@code w} by {@code merged}, updating the pair counts. */
  private static void mergeInWord(
      Words words, int w, int a, int b, int merged, PairTable pairs, int step, List<Pair> grown) {
    int[] s = words.symbols[w];
    int n = words.lengths[w];
    long count = words.counts[w];
    int out = 0;
    int i = 0;
    while (i < n) {
      if (i + 1 < n && s[i] == a && s[i + 1] == b) {
        if (out > 0) {
          shrink(pairs, s[out - 1], a, count);
          grow(pairs, s[out - 1], merged, count, w, step, grown);
        }
        if (i + 2 < n) {
          shrink(pairs, b, s[i + 2], count);
          grow(pairs, merged, s[i + 2], count, w, step, grown);
        }
        shrink(pairs, a, b, count);
        s[out++] = merged;
        i += 2;
      } else {
        s[out++] = s[i++];
      }
    }
    words.lengths[w] = out;
  }

  private static void shrink(PairTable pairs, int left, int right, long count) {
    Pair p = pairs.get(left, right);
    p.count -= count;
    if (p.count == 0) {
      p.clearWords();
    }
  }

  private static void grow(
      PairTable pairs, int left, int right, long count, int w, int step, List<Pair> grown) {
    Pair p = pairs.getOrCreate(left, right);
    p.count += count;
    p.addWord(w);
    if (p.grownInStep != step) {
      p.grownInStep = step;
      grown.add(p);
    }
  }
}
