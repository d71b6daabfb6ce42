package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.StrictUtf8;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

  private static final int BLOCK = 1 << 16;

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
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    long done = 0;
    for (Path file : files) {
      done = readLines(file, done, total, progress);
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

  private long readLines(Path file, long doneBefore, long total, ProgressListener progress)
      throws IOException {
    CharsetDecoder decoder = StrictUtf8.newDecoder();
    byte[] block = new byte[BLOCK];
    byte[] line = new byte[256];
    int lineLength = 0;
    int lineNumber = 1;
    CharBuffer chars = CharBuffer.allocate(256);
    long done = doneBefore;
    try (InputStream in = Files.newInputStream(file)) {
      int read;
      while ((read = in.read(block)) > 0) {
        int from = 0;
        for (int i = 0; i < read; i++) {
          if (block[i] == '\n') {
            line = append(line, lineLength, block, from, i - from);
            lineLength += i - from;
            chars = processLine(file, lineNumber, line, lineLength, decoder, chars);
            lineNumber++;
            lineLength = 0;
            from = i + 1;
          }
        }
        line = append(line, lineLength, block, from, read - from);
        lineLength += read - from;
        done += read;
        progress.progress(done, total);
      }
    }
    if (lineLength > 0) {
      processLine(file, lineNumber, line, lineLength, decoder, chars);
    }
    return done;
  }

  private static byte[] append(byte[] line, int length, byte[] src, int from, int count) {
    byte[] target = line;
    if (length + count > target.length) {
      target = Arrays.copyOf(line, Math.max(length + count, line.length * 2));
    }
    System.arraycopy(src, from, target, length, count);
    return target;
  }

  /** Decodes and counts one line; returns the (maybe grown) char buffer for the next line. */
  private CharBuffer processLine(
      Path file, int lineNumber, byte[] bytes, int length, CharsetDecoder decoder, CharBuffer chars)
      throws MalformedInputFileException {
    int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
    // UTF-8 never takes fewer bytes than UTF-16 chars, so this buffer cannot overflow.
    CharBuffer out =
        chars.capacity() >= end ? chars : CharBuffer.allocate(Math.max(end, 2 * chars.capacity()));
    out.clear();
    decoder.reset();
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, end);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw MalformedInputFileException.atLine(
          file, lineNumber,
          "invalid UTF-8 (byte 0x" + Integer.toHexString(bytes[in.position()] & 0xff)
              + " at byte " + (in.position() + 1) + " of the line)");
    }
    out.flip();
    if (lineNumber == 1 && out.hasRemaining() && out.get(0) == '\uFEFF') {
      out.position(1);
    }
    addLine(out.toString());
    return out;
  }
}
