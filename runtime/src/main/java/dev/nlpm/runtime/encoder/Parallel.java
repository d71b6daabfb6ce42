package dev.nlpm.runtime.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a range of independent work items over a fixed number of threads: the caller takes the
 * first part, pool threads the rest. Each item is computed by one thread in a fixed order, so the
 * numbers do not depend on the thread count.
 */
public final class Parallel implements AutoCloseable {

  /** Work on the items {@code [from, to)}. */
  @FunctionalInterface
  public interface Range {
    void run(int from, int to);
  }

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int threads;
  private final ExecutorService pool;

  /** {@code threads} threads in all (the caller's included); 0 means one per available core. */
  public Parallel(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be at least 0, got " + threads);
    }
    this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    if (this.threads == 1) {
      pool = null;
    } else {
      int id = POOLS.incrementAndGet();
      AtomicInteger count = new AtomicInteger();
      pool = Executors.newFixedThreadPool(this.threads - 1, task -> {
        Thread thread = new Thread(task, "nlpm-encoder-" + id + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
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
    if (parts <= 1) {
      body.run(0, n);
      return;
    }
    int per = (n + parts - 1) / parts;
    per = (per + grain - 1) / grain * grain;
    List<Future<?>> futures = new ArrayList<>(parts - 1);
    for (int start = per; start < n; start += per) {
      int from = start;
      int to = Math.min(n, start + per);
      futures.add(pool.submit(() -> body.run(from, to)));
    }
    Throwable failure = null;
    try {
      body.run(0, Math.min(n, per));
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    for (Future<?> future : futures) {
      try {
        future.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure != null) {
      throw new IllegalStateException("an encoder thread failed", failure);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
