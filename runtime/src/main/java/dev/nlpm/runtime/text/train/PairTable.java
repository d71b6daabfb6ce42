package dev.nlpm.runtime.text.train;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The adjacent symbol pairs of a BPE training, keyed by {@code (left, right)} in an open-addressing
 * table on a {@code long} key: the trainer looks pairs up millions of times, and a {@code
 * HashMap<Long, ...>} would box each key.
 */
final class PairTable {

  /** One pair, its current count over all words, and the words that may hold it. */
  static final class Pair {
    final int left;
    final int right;
    long count;
    /** Indices of words holding the pair; may hold duplicates and words that no longer do. */
    int[] words = EMPTY;
    int wordCount;
    /** The queue entry whose count is at least {@link #count}, or null. */
    Object live;
    /** The merge step in which the count last grew, so that it is queued once a step. */
    int grownInStep = -1;
    /** Whether this merge is in the merge list already. */
    boolean merged;

    Pair(int left, int right) {
      this.left = left;
      this.right = right;
    }

    void addWord(int word) {
      if (wordCount > 0 && words[wordCount - 1] == word) {
        return;
      }
      if (wordCount == words.length) {
        words = Arrays.copyOf(words, Math.max(4, wordCount * 2));
      }
      words[wordCount++] = word;
    }

    void clearWords() {
      words = EMPTY;
      wordCount = 0;
    }
  }

  private static final int[] EMPTY = new int[0];

  private long[] keys;
  private Pair[] values;
  private int size;
  private int mask;

  PairTable(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[capacity];
    values = new Pair[capacity];
    mask = capacity - 1;
  }

  int size() {
    return size;
  }

  /** The pair {@code (left, right)}, or null if it never occurred. */
  Pair get(int left, int right) {
    long key = key(left, right);
    for (int i = slot(key); ; i = (i + 1) & mask) {
      Pair p = values[i];
      if (p == null || keys[i] == key) {
        return p;
      }
    }
  }

  /** The pair {@code (left, right)}, created with count 0 if new. */
  Pair getOrCreate(int left, int right) {
    long key = key(left, right);
    int i = slot(key);
    for (; values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return values[i];
      }
    }
    Pair p = new Pair(left, right);
    keys[i] = key;
    values[i] = p;
    if (++size * 2 > keys.length) {
      grow();
    }
    return p;
  }

  /** Every pair, in table order. */
  void forEach(Consumer<Pair> action) {
    for (Pair p : values) {
      if (p != null) {
        action.accept(p);
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    Pair[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new Pair[oldKeys.length * 2];
    mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldValues[j] != null) {
        int i = slot(oldKeys[j]);
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xffffffffL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
