package dev.nlpm.runtime.text.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Seeded, reproducible orders of examples: a permutation per epoch for corpora whose examples fit
 * in memory, and a shuffle buffer for streams that do not.
 */
public final class Shuffling {

  private Shuffling() {}

  /**
   * A Fisher–Yates permutation of {@code 0 .. n-1} for one epoch: the same seed and epoch give the
   * same order, another epoch another order.
   */
  public static int[] permutation(int n, long seed, int epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(HeldOutSplit.mix(seed) ^ HeldOutSplit.mix(epoch + 1L));
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * A streaming shuffle: items enter a buffer of {@code capacity}; once it is full, each new item
   * replaces a random one, which is emitted. Items move at most about {@code capacity} places from
   * their reading order, with memory bounded by the buffer. Seeded, so reproducible.
   */
  public static final class Buffer<T> {
    private final List<T> items;
    private final int capacity;
    private final SplittableRandom random;
    private final Consumer<? super T> downstream;

    public Buffer(int capacity, long seed, Consumer<? super T> downstream) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be positive, got " + capacity);
      }
      this.items = new ArrayList<>(capacity);
      this.capacity = capacity;
      this.random = new SplittableRandom(seed);
      this.downstream = downstream;
    }

    /** Adds an item; once the buffer is full, emits one chosen at random. */
    public void add(T item) {
      if (items.size() < capacity) {
        items.add(item);
        return;
      }
      int k = random.nextInt(capacity);
      T out = items.get(k);
      items.set(k, item);
      downstream.accept(out);
    }

    /** Emits what is left, in random order. */
    public void flush() {
      while (!items.isEmpty()) {
        int k = random.nextInt(items.size());
        T out = items.get(k);
        items.set(k, items.get(items.size() - 1));
        items.remove(items.size() - 1);
        downstream.accept(out);
      }
    }
  }
}
