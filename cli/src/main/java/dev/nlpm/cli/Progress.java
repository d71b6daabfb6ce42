package dev.nlpm.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress report on standard error: redrawn in place on a terminal, printed every 10%
 * otherwise (a log or CI), so that long work shows it is moving without flooding a log.
 */
final class Progress {

  private final PrintWriter err;
  private final String what;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private int lastDecile = -1;

  Progress(PrintWriter err, String what) {
    this.err = err;
    this.what = what;
    this.terminal = System.console() != null && System.getenv("CI") == null;
  }

  /** Reports {@code done} of {@code total} bytes. */
  void bytes(long done, long total) {
    int decile = total == 0 ? 10 : (int) (10 * done / total);
    if (!terminal && decile == lastDecile) {
      return;
    }
    lastDecile = decile;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    String line =
        String.format(
            Locale.ROOT,
            "%s: %3d%% (%.1f of %.1f MB, %.1f MB/s)",
            what,
            total == 0 ? 100 : 100 * done / total,
            done / 1e6,
            total / 1e6,
            seconds > 0 ? done / 1e6 / seconds : 0.0);
    if (terminal) {
      err.print("\r" + line + (done >= total ? "\n" : ""));
    } else {
      err.println(line);
    }
    err.flush();
  }
}
