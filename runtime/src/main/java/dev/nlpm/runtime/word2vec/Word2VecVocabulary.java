package dev.nlpm.runtime.word2vec;

import dev.nlpm.runtime.text.WhitespaceTokenizer;
import dev.nlpm.runtime.text.train.ProgressListener;
import dev.nlpm.runtime.text.train.WordCounter;
import dev.nlpm.runtime.text.train.WordCounts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The words word2vec trains, with their counts: most frequent first (ties by word, so the order
 * does not depend on reading order), words seen fewer than {@code minCount} times dropped, at most
 * {@code maxSize} kept. Index {@code i} is the row of word {@code i} in every weight matrix.
 *
 * <p>A vocabulary also knows how a line becomes its words: split as word2vec.c splits it, and
 * lowercased ({@link Locale#ROOT}) when it was counted so ({@code tokenizer whitespace {
 * lowercase = true; }}); {@link #indices} splits training text the same way, and a checkpoint
 * keeps the setting with the words.
 */
public final class Word2VecVocabulary {

  private final String[] words;
  private final long[] counts;
  private final Map<String, Integer> index;
  private final long totalCount;
  private final boolean lowercase;

  private Word2VecVocabulary(String[] words, long[] counts, boolean lowercase) {
    this.words = words;
    this.counts = counts;
    this.lowercase = lowercase;
    this.index = new HashMap<>(words.length * 2);
    long total = 0;
    for (int i = 0; i < words.length; i++) {
      index.put(words[i], i);
      total += counts[i];
    }
    this.totalCount = total;
  }

  /**
   * The vocabulary of these counts, words kept as they are.
   *
   * @param maxSize the most words kept, the most frequent; 0 for no limit
   */
  public static Word2VecVocabulary of(Map<String, Long> counts, long minCount, int maxSize) {
    return of(counts, minCount, maxSize, false);
  }

  /**
   * The vocabulary of these counts; with {@code lowercase}, words that differ only in case are
   * counted as one, lowercased, before {@code minCount} and {@code maxSize} apply, and {@link
   * #indices} lowercases what it looks up.
   *
   * @param maxSize the most words kept, the most frequent; 0 for no limit
   */
  public static Word2VecVocabulary of(Map<String, Long> counts, long minCount, int maxSize, boolean lowercase) {
    Map<String, Long> merged = counts;
    if (lowercase) {
      merged = new HashMap<>();
      for (Map.Entry<String, Long> e : counts.entrySet()) {
        merged.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), Long::sum);
      }
    }
    List<Map.Entry<String, Long>> entries = new ArrayList<>();
    for (Map.Entry<String, Long> e : merged.entrySet()) {
      if (e.getValue() >= minCount) {
        entries.add(e);
      }
    }
    entries.sort(
        Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    int n = maxSize > 0 ? Math.min(maxSize, entries.size()) : entries.size();
    if (n == 0) {
      throw new IllegalArgumentException(
          "no word occurs " + minCount + " times or more: the vocabulary would be empty");
    }
    String[] words = new String[n];
    long[] wordCounts = new long[n];
    for (int i = 0; i < n; i++) {
      words[i] = entries.get(i).getKey();
      wordCounts[i] = entries.get(i).getValue();
    }
    return new Word2VecVocabulary(words, wordCounts, lowercase);
  }

  /**
   * A vocabulary in a given order, as a checkpoint stored it.
   *
   * @throws IllegalArgumentException if a word repeats or a count is not positive
   */
  static Word2VecVocabulary restore(String[] words, long[] counts, boolean lowercase) {
    Word2VecVocabulary vocabulary = new Word2VecVocabulary(words.clone(), counts.clone(), lowercase);
    if (vocabulary.index.size() != words.length) {
      throw new IllegalArgumentException("a word occurs twice in the vocabulary");
    }
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 1) {
        throw new IllegalArgumentException("word " + i + " (" + words[i] + ") has count " + counts[i]);
      }
    }
    return vocabulary;
  }

  /**
   * Counts the words of UTF-8 text files, streaming, split as word2vec.c splits them (space, tab,
   * newline; see {@link WhitespaceTokenizer.Mode#WORD2VEC}), each line a sentence, case kept.
   */
  public static Word2VecVocabulary count(List<Path> files, long minCount, int maxSize)
      throws IOException {
    return count(files, minCount, maxSize, false);
  }

  /**
   * Counts the words of UTF-8 text files as {@link #count(List, long, int)} does, lowercasing each
   * word first when {@code lowercase} is set (so "The" and "the" are one word).
   */
  public static Word2VecVocabulary count(List<Path> files, long minCount, int maxSize, boolean lowercase)
      throws IOException {
    WordCounts counts = WordCounter.countFiles(files, line -> words(line, lowercase), ProgressListener.NONE);
    return of(counts.asMap(), minCount, maxSize, lowercase);
  }

  /** The indices of a line's words that are in the vocabulary, in order; the rest are skipped. */
  public int[] indices(String line) {
    List<String> words = words(line, lowercase);
    int[] out = new int[words.size()];
    int n = 0;
    for (String word : words) {
      Integer i = index.get(word);
      if (i != null) {
        out[n++] = i;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static List<String> words(String line, boolean lowercase) {
    return WhitespaceTokenizer.split(line, WhitespaceTokenizer.Mode.WORD2VEC, lowercase);
  }

  /** Whether lines are lowercased ({@link Locale#ROOT}) before their words are looked up. */
  public boolean lowercase() {
    return lowercase;
  }

  public int size() {
    return words.length;
  }

  public String word(int i) {
    return words[i];
  }

  public long count(int i) {
    return counts[i];
  }

  /** The index of a word, or -1. */
  public int indexOf(String word) {
    Integer i = index.get(word);
    return i == null ? -1 : i;
  }

  /** The sum of the counts of the words kept: the words one epoch trains on before subsampling. */
  public long totalCount() {
    return totalCount;
  }

  /** The counts in index order, a copy. */
  public long[] counts() {
    return counts.clone();
  }

  /** The words in index order. */
  public List<String> words() {
    return List.of(words);
  }
}
