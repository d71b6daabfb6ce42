package dev.nlpm.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C (SIGINT, or SIGTERM) during training: a shutdown hook asks the trainer to stop at its next
 * safe point — between two batches — and holds the JVM's exit until the command says it is done
 * (the checkpoint written, the metrics and chart flushed), so that the process ends with a
 * checkpoint {@code --resume} continues from. Family-neutral: a trainer polls {@link #requested()}.
 */
final class StopRequest implements AutoCloseable {

  /** Tests stand in for Ctrl-C with this: asked along with the flag the hook sets. */
  static volatile BooleanSupplier testTrigger = () -> false;

  private final AtomicBoolean requested = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;

  private StopRequest(PrintWriter err) {
    this.hook = new Thread(() -> {
      requested.set(true);
      err.println();
      err.println("nlpm: stopping at the next batch to write a checkpoint (resume with --resume)...");
      err.flush();
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "nlpm-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Installs the shutdown hook; {@link #close} removes it (or releases it, if it is running). */
  static StopRequest onShutdown(PrintWriter err) {
    return new StopRequest(err);
  }

  /** Whether training should stop at its next safe point. */
  boolean requested() {
    return requested.get() || testTrigger.getAsBoolean();
  }

  @Override
  public void close() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: the count-down above lets it, and the JVM, finish
    }
  }
}
