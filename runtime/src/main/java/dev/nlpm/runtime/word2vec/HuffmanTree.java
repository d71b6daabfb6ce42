package dev.nlpm.runtime.word2vec;

/**
 * The Huffman tree over word counts that hierarchical softmax walks, built exactly as word2vec.c's
 * {@code CreateBinaryTree}: for word {@code w}, {@link #code(int)} is its path's bits from the root
 * and {@link #points(int)} the inner nodes on that path (rows of the output matrix, {@code 0 ..
 * size-2}, the root being {@code size-2}). Frequent words get short codes.
 */
public final class HuffmanTree {

  private final byte[][] codes;
  private final int[][] points;

  private HuffmanTree(byte[][] codes, int[][] points) {
    this.codes = codes;
    this.points = points;
  }

  /** The tree over {@code counts}, which must be sorted in descending order (a vocabulary's). */
  public static HuffmanTree build(long[] counts) {
    int n = counts.length;
    if (n < 2) {
      throw new IllegalArgumentException("hierarchical softmax needs at least 2 words, got " + n);
    }
    for (int i = 1; i < n; i++) {
      if (counts[i] > counts[i - 1]) {
        throw new IllegalArgumentException("counts must be sorted in descending order");
      }
    }
    long[] count = new long[2 * n];
    int[] binary = new int[2 * n];
    int[] parent = new int[2 * n];
    System.arraycopy(counts, 0, count, 0, n);
    java.util.Arrays.fill(count, n, 2 * n, (long) 1e15);
    // Two queues: the leaves from the smallest up (pos1 going down), and the inner nodes in the
    // order they are made (pos2 going up), which is also increasing.
    int pos1 = n - 1;
    int pos2 = n;
    for (int a = 0; a < n - 1; a++) {
      int min1;
      if (pos1 >= 0 && count[pos1] < count[pos2]) {
        min1 = pos1--;
      } else {
        min1 = pos2++;
      }
      int min2;
      if (pos1 >= 0 && count[pos1] < count[pos2]) {
        min2 = pos1--;
      } else {
        min2 = pos2++;
      }
      count[n + a] = count[min1] + count[min2];
      parent[min1] = n + a;
      parent[min2] = n + a;
      binary[min2] = 1;
    }
    byte[][] codes = new byte[n][];
    int[][] points = new int[n][];
    int root = 2 * n - 2;
    byte[] code = new byte[n];
    int[] point = new int[n];
    for (int w = 0; w < n; w++) {
      int length = 0;
      for (int b = w; b != root; b = parent[b]) {
        code[length] = (byte) binary[b];
        point[length] = b;
        length++;
      }
      codes[w] = new byte[length];
      points[w] = new int[length];
      points[w][0] = n - 2;
      for (int b = 0; b < length; b++) {
        codes[w][length - b - 1] = code[b];
        if (length - b < length) {
          points[w][length - b] = point[b] - n;
        }
      }
    }
    return new HuffmanTree(codes, points);
  }

  /** The bits of word {@code w}'s path from the root. */
  public byte[] code(int w) {
    return codes[w];
  }

  /** The inner nodes on word {@code w}'s path, root first: rows of the output matrix. */
  public int[] points(int w) {
    return points[w];
  }
}
