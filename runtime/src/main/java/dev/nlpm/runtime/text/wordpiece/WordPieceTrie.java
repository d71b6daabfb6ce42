package dev.nlpm.runtime.text.wordpiece;

import dev.nlpm.runtime.text.Vocabulary;
import java.util.Arrays;

/**
 * The vocabulary as a trie over code points, so that the greedy longest-match-first search finds
 * the longest vocabulary entry starting at a position in one walk, without building a substring
 * per candidate as the reference does. Two roots: every token under the word root (the
 * reference looks up the bare substring at the start of a word), and the tokens that start with
 * the continuation prefix, minus the prefix, under the continuation root. Edges live in one
 * open-addressing table keyed by {@code (node, code point)}.
 */
final class WordPieceTrie {

  static final int WORD_ROOT = 0;
  static final int CONTINUATION_ROOT = 1;
  private static final long FREE = -1L;

  private long[] keys;
  private int[] targets;
  private int edges;
  private int[] tokenIds;
  private int nodes;

  WordPieceTrie(Vocabulary vocabulary, String continuationPrefix) {
    keys = new long[1 << 16];
    Arrays.fill(keys, FREE);
    targets = new int[keys.length];
    tokenIds = new int[1024];
    Arrays.fill(tokenIds, -1);
    nodes = 2;
    for (int id = 0; id < vocabulary.size(); id++) {
      String token = vocabulary.token(id);
      insert(WORD_ROOT, token, 0, id);
      if (token.startsWith(continuationPrefix) && token.length() > continuationPrefix.length()) {
        insert(CONTINUATION_ROOT, token, continuationPrefix.length(), id);
      }
    }
  }

  /**
   * The longest entry under {@code root} that is a prefix of {@code cps[from..to)}.
   *
   * @return {@code (id << 32) | end} with {@code end} exclusive, or -1 if none matches
   */
  long longestMatch(int root, int[] cps, int from, int to) {
    int node = root;
    long best = -1L;
    for (int k = from; k < to; k++) {
      node = child(node, cps[k]);
      if (node < 0) {
        break;
      }
      int id = tokenIds[node];
      if (id >= 0) {
        best = ((long) id << 32) | (k + 1);
      }
    }
    return best;
  }

  private void insert(int root, String token, int from, int id) {
    int node = root;
    for (int j = from; j < token.length(); ) {
      int cp = token.codePointAt(j);
      j += Character.charCount(cp);
      int next = child(node, cp);
      if (next < 0) {
        next = newNode();
        putEdge(node, cp, next);
      }
      node = next;
    }
    if (tokenIds[node] < 0) {
      tokenIds[node] = id;
    }
  }

  private int newNode() {
    if (nodes == tokenIds.length) {
      int old = tokenIds.length;
      tokenIds = Arrays.copyOf(tokenIds, old * 2);
      Arrays.fill(tokenIds, old, tokenIds.length, -1);
    }
    return nodes++;
  }

  private int child(int node, int cp) {
    long key = ((long) node << 21) | cp;
    int mask = keys.length - 1;
    int slot = slot(key, mask);
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return targets[slot];
      }
      if (k == FREE) {
        return -1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void putEdge(int node, int cp, int target) {
    if ((edges + 1) * 2 > keys.length) {
      grow();
    }
    insertEdge(((long) node << 21) | cp, target);
    edges++;
  }

  private void insertEdge(long key, int target) {
    int mask = keys.length - 1;
    int slot = slot(key, mask);
    while (keys[slot] != FREE) {
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    targets[slot] = target;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldTargets = targets;
    keys = new long[oldKeys.length * 2];
    Arrays.fill(keys, FREE);
    targets = new int[keys.length];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != FREE) {
        insertEdge(oldKeys[i], oldTargets[i]);
      }
    }
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & mask; // the high half mixes every key bit
  }
}
