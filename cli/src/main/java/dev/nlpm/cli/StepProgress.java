package dev.nlpm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The progress line of a step-by-step training run and its chart: on a terminal one line redrawn
 * in place (kept when a step checkpoints), elsewhere a line every 2% of the run; the chart redrawn
 * from the metrics file at every checkpoint, a failure only a warning.
 */
final class StepProgress {

  private final PrintWriter err;
  private final MetricsLog metrics;
  private final Path output;
  private final String title;
  private final long first;
  private final boolean terminal = System.console() != null && System.getenv("CI") == null;
  private boolean lineOpen;
  private Path chart;

  private static final int BAR_CELLS = 20;

  /** @param first the first step this run trains (after a resume, the one after the checkpoint's) */
  StepProgress(PrintWriter err, MetricsLog metrics, Path output, String title, long first) {
    this.err = Objects.requireNonNull(err);
    this.metrics = metrics;
    this.output = output;
    this.title = title;
    this.first = first;
  }

  /** Prints {@code step/steps  BODY  m:ss leftAFTER}; a checkpoint's line stays on the terminal. */
  void print(long step, long steps, double seconds, String body, String after, boolean checkpoint) {
    long done = step - first + 1;
    double perStep = seconds / Math.max(1, done);
    long left = Math.round((steps - step) * perStep);
    String line = String.format(Locale.ROOT, "step %d/%d %s  %s  %d:%02d left%s", step, steps, bar(step, steps), body, left / 60,
        left % 60, after);
    long every = Math.max(1, steps / 50);
    if (terminal) {
      err.print("\r" + line + (checkpoint ? "\n" : ""));
      lineOpen = !checkpoint;
    } else if (step == first || step % every == 0 || step == steps || checkpoint) {
      err.println(line);
    }
    err.flush();
  }

  /** {@code [#####---------------]}: the share of the steps done, in 20 cells. */
  static String bar(long step, long steps) {
    int full = (int) Math.min(BAR_CELLS, step * BAR_CELLS / Math.max(1, steps));
    return "[" + "#".repeat(full) + "-".repeat(BAR_CELLS - full) + "]";
  }

  /** Ends a line left open on the terminal, before anything else is printed. */
  void endLine() {
    if (lineOpen) {
      err.println();
      lineOpen = false;
    }
  }

  /** Redraws the chart; a failure is a warning, never a reason to lose the checkpoint that follows. */
  void draw() {
    try {
      chart = MetricsChart.draw(metrics.file(), output, title, "step", "optimizer step");
    } catch (IOException | RuntimeException e) {
      endLine();
      err.println("nlpm: warning: could not draw " + MetricsChart.file(output, true) + ": " + e);
    }
  }

  /** The chart last drawn, or null. */
  Path chart() {
    return chart;
  }
}
