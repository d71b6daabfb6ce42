package dev.nlpm.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side scripts' timing rule, shared by every Java peer so that all sides are timed
 * alike: a warm-up, then repetitions until at least 20 over 3 s (or 5 over 10 s); the median, the
 * count, and the process's CPU time over wall time while timing (about 1 per thread when the
 * machine was ours). Printed as the scripts' TSV line.
 */
final class LatencyTiming {

  private LatencyTiming() {}

  /** {median ms, repetitions, process CPU time over wall time while timing}. */
  static double[] time(Runnable step) {
    long start = System.nanoTime();
    for (int warm = 0; warm < 2 || (warm < 5 && System.nanoTime() - start < 2_000_000_000L); warm++) {
      step.run();
    }
    List<Long> times = new ArrayList<>();
    start = System.nanoTime();
    long cpu = cpuNanos();
    long elapsed;
    while (true) {
      long t0 = System.nanoTime();
      step.run();
      times.add(System.nanoTime() - t0);
      elapsed = System.nanoTime() - start;
      if ((times.size() >= 20 && elapsed >= 3_000_000_000L) || (times.size() >= 5 && elapsed >= 10_000_000_000L)) {
        break;
      }
    }
    double load = (double) (cpuNanos() - cpu) / elapsed;
    long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    return new double[] {median / 1e6, n, load};
  }

  /** {@code impl model threads case median_ms reps cpu_per_wall}, tab-separated. */
  static String line(String impl, String model, int threads, String kase, double[] r) {
    return String.format(Locale.ROOT, "%s\t%s\t%d\t%s\t%.3f\t%d\t%.2f", impl, model, threads, kase, r[0], (int) r[1], r[2]);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
