package dev.nlpm.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a range of independent work items over a fixed number of threads: the caller takes the
 * first part, workers the rest. Each item is computed by one thread in a fixed order, so the
 * numbers do not depend on the thread count.
 *
 * <p>A forward pass is dozens of parallel regions of well under a millisecond each, so the hand-off
 * must be cheap: workers spin for a short while on a generation counter before they park, and the
 * caller spins for their parts to finish. One region runs at a time; a caller that finds the
 * workers busy with another caller's region (concurrent inference) runs its own region alone, in
 * order, rather than wait.
 */
public final class Parallel implements AutoCloseable {

  /** Work on the items {@code [from, to)}. */
  @FunctionalInterface
  public interface Range {
    void run(int from, int to);
  }

  /** How long a worker spins for the next region before it parks. */
  private static final long SPIN_NANOS = 200_000;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int threads;
  private final Thread[] workers;
  private final ReentrantLock region = new ReentrantLock();
  private final AtomicInteger remaining = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile long generation;
  private volatile boolean closed;
  // the region being run, published by the write to generation
  private Range body;
  private int n;
  private int per;

  /** {@code threads} threads in all (the caller's included); 0 means one per available core. */
  public Parallel(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be at least 0, got " + threads);
    }
    this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    int id = POOLS.incrementAndGet();
    workers = new Thread[this.threads - 1];
    for (int w = 0; w < workers.length; w++) {
      int part = w + 1;
      workers[w] = new Thread(() -> work(part), "nlpm-parallel-" + id + "-" + part);
      workers[w].setDaemon(true);
      workers[w].start();
    }
  }

  public int threads() {
    return threads;
  }

  /**
   * Runs {@code body} over {@code [0, n)} in up to {@link #threads} contiguous parts whose
   * boundaries are multiples of {@code grain} (except the end).
   */
  public void forRange(int n, int grain, Range body) {
    int parts = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
    if (parts <= 1 || closed || !region.tryLock()) {
      body.run(0, n);
      return;
    }
    try {
      int per = (n + parts - 1) / parts;
      per = (per + grain - 1) / grain * grain;
      this.body = body;
      this.n = n;
      this.per = per;
      failure.set(null);
      remaining.set(workers.length);
      generation++;
      for (Thread worker : workers) {
        LockSupport.unpark(worker);
      }
      try {
        body.run(0, Math.min(n, per));
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
      }
      while (remaining.get() > 0) {
        Thread.onSpinWait();
      }
      this.body = null;
      Throwable thrown = failure.get();
      if (thrown instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (thrown instanceof Error error) {
        throw error;
      }
    } finally {
      region.unlock();
    }
  }

  private void work(int part) {
    long seen = 0;
    while (!closed) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (generation == seen && !closed) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (closed) {
        return;
      }
      seen = generation;
      try {
        int from = part * per;
        if (from < n) {
          body.run(from, Math.min(n, from + per));
        }
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
      } finally {
        remaining.decrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread worker : workers) {
      LockSupport.unpark(worker);
    }
  }
}
