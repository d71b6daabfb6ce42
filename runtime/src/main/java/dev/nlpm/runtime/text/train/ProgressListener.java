package dev.nlpm.runtime.text.train;

/** Told how far a long pass over corpus files has got, after each block of bytes read. */
@FunctionalInterface
public interface ProgressListener {

  /** A listener that ignores progress. */
  ProgressListener NONE = (bytesRead, totalBytes) -> {};

  /**
   * Called with the bytes read so far over all files of the pass and their total size, from the
   * thread doing the reading; {@code bytesRead == totalBytes} once the pass is done.
   */
  void progress(long bytesRead, long totalBytes);
}
