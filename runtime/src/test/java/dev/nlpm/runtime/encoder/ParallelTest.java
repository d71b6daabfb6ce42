package dev.nlpm.runtime.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nlpm.runtime.kernels.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

  @Test
  void everyItemRunsExactlyOnceRegionAfterRegion() {
    try (Parallel parallel = new Parallel(3)) {
      for (int region = 0; region < 2000; region++) {
        int n = 1 + region % 97;
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        parallel.forRange(n, 4, (from, to) -> {
          for (int i = from; i < to; i++) {
            hits.incrementAndGet(i);
          }
        });
        for (int i = 0; i < n; i++) {
          assertEquals(1, hits.get(i), "region " + region + " item " + i);
        }
      }
    }
  }

  @Test
  void aFailureInAnotherThreadsPartReachesTheCaller() {
    try (Parallel parallel = new Parallel(2)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.forRange(100, 1, (from, to) -> {
        if (from > 0) {
          throw new IllegalStateException("part from " + from);
        }
      }));
      assertEquals("part from 50", e.getMessage());
      AtomicIntegerArray hits = new AtomicIntegerArray(10);
      parallel.forRange(10, 1, (from, to) -> hits.incrementAndGet(from));
      assertEquals(1, hits.get(5));
    }
  }

  @Test
  void concurrentCallersEachGetTheirWholeRange() throws Exception {
    try (Parallel parallel = new Parallel(2)) {
      ExecutorService callers = Executors.newFixedThreadPool(4);
      try {
        List<Future<Long>> sums = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
          sums.add(callers.submit(() -> {
            long[] parts = new long[2];
            parallel.forRange(1000, 1, (from, to) -> {
              long s = 0;
              for (int i = from; i < to; i++) {
                s += i;
              }
              parts[from == 0 ? 0 : 1] += s;
            });
            return parts[0] + parts[1];
          }));
        }
        for (Future<Long> sum : sums) {
          assertEquals(499_500L, sum.get());
        }
      } finally {
        callers.shutdownNow();
      }
    }
  }
}
