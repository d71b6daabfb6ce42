package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.Utf8Lines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts the words of a corpus, streaming over its files line by line: a file is never loaded
 * whole, so memory is bounded by the longest line plus the table of distinct words (about 100
 * bytes a word). Lines are split on {@code \n} (a trailing {@code \r} and a leading byte-order
 * mark are dropped) and decoded as strict UTF-8; each line goes through the {@link PreTokenizer}.
 *
 * <p>With a cap on the number of distinct words, the table is pruned whenever it grows past the
 * cap, as word2vec's {@code ReduceVocab} does: every word seen at most {@code k} times is dropped,
 * {@code k} starting at 1 and growing by one with each pruning. The counts are then approximate
 * (a word dropped early loses the occurrences seen before) and {@link WordCounts#approximate()}
 * says so. Without a cap, counts are exact.
 *
 * <p>Not thread-safe; use one counter per thread.
 */
public final class WordCounter {


  /** A mutable count, so that counting a seen word is one hash lookup and no boxing. */
  private static final class Tally {
    long count;

    Tally(long count) {
      this.count = count;
    }
  }

  private final PreTokenizer preTokenizer;
  private final int maxDistinctWords;
  private final Map<String, Tally> table = new HashMap<>();
  private long pruneAtMost = 1;
  private boolean pruned;

  /** A counter with exact counts: the table holds every distinct word. */
  public WordCounter(PreTokenizer preTokenizer) {
    this(preTokenizer, Integer.MAX_VALUE);
  }

  /**
   * A counter whose table is pruned of rare words whenever it holds more than {@code
   * maxDistinctWords} words (see the class comment).
   */
  public WordCounter(PreTokenizer preTokenizer, int maxDistinctWords) {
    if (maxDistinctWords < 1) {
      throw new IllegalArgumentException("maxDistinctWords must be positive: " + maxDistinctWords);
    }
    this.preTokenizer = Objects.requireNonNull(preTokenizer, "preTokenizer");
    this.maxDistinctWords = maxDistinctWords;
  }

  /** Counts the words of a corpus's files with exact counts. */
  public static WordCounts countFiles(
      List<Path> files, PreTokenizer preTokenizer, ProgressListener progress) throws IOException {
    WordCounter counter = new WordCounter(preTokenizer);
    counter.addFiles(files, progress);
    return counter.counts();
  }

  /** Counts one occurrence of {@code word}; empty words are ignored. */
  public void addWord(String word) {
    addWord(word, 1);
  }

  /** Counts {@code count} occurrences of {@code word}; empty words are ignored. */
  public void addWord(String word, long count) {
    if (count <= 0) {
      throw new IllegalArgumentException("count must be positive: " + count);
    }
    if (word.isEmpty()) {
      return;
    }
    Tally tally = table.get(word);
    if (tally != null) {
      tally.count += count;
      return;
    }
    table.put(word, new Tally(count));
    while (table.size() > maxDistinctWords) {
      long limit = pruneAtMost++;
      table.values().removeIf(t -> t.count <= limit);
      pruned = true;
    }
  }

  /** Counts the words of one line (which holds no {@code \n}). */
  public void addLine(String line) {
    for (String word : preTokenizer.words(line)) {
      addWord(word);
    }
  }

  /**
   * Counts the words of every line of a UTF-8 file.
   *
   * @throws MalformedInputFileException naming the line of the first invalid UTF-8; the words of
   *     the lines before it have been counted
   */
  public void addFile(Path file) throws IOException {
    addFiles(List.of(file), ProgressListener.NONE);
  }

  /**
   * Counts the words of every line of these UTF-8 files, in order, telling {@code progress} the
   * bytes read so far over their total size after each 64 KiB block.
   *
   * @throws MalformedInputFileException naming the file and line of the first invalid UTF-8
   */
  public void addFiles(List<Path> files, ProgressListener progress) throws IOException {
    long sum = 0;
    for (Path file : files) {
      sum += Files.size(file);
    }
    long total = sum;
    long done = 0;
    for (Path file : files) {
      long before = done;
      long size = Files.size(file);
      Utf8Lines.read(
          file, (line, text) -> addLine(text), bytes -> progress.progress(before + bytes, total));
      done += size;
    }
    progress.progress(total, total);
  }

  /** The counts so far. */
  public WordCounts counts() {
    Map<String, Long> copy = new HashMap<>(table.size() * 2);
    table.forEach((w, t) -> copy.put(w, t.count));
    return WordCounts.of(copy, pruned);
  }

  /** How many distinct words the table holds now. */
  public int distinctWords() {
    return table.size();
  }
}
