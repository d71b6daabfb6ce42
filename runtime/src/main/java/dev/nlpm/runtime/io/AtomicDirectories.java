package dev.nlpm.runtime.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Replaces a whole directory (a checkpoint: weights, optimizer state, vocabulary, training state)
 * so that a crash at any moment leaves either the old directory or the new one whole.
 *
 * <p>The content is written into a temporary sibling, every file forced to disk; then the old
 * directory is renamed aside (to {@code .NAME.nlpm-old}, a name no user picks), the new one
 * renamed into place, and the old one deleted. If a crash falls between the two renames, {@link
 * #readable} still finds the old one for a reader, and the next write (or {@link #recover}) puts
 * it back. The new directory gets the process's default permissions, as any directory it creates.
 */
public final class AtomicDirectories {

  /** Writes the files of a directory into the (empty, existing) directory it is given. */
  @FunctionalInterface
  public interface Content {
    void writeInto(Path directory) throws IOException;
  }

  private AtomicDirectories() {}

  /** Replaces {@code target} with what {@code content} writes. */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    recover(absolute);
    // Not Files.createTempDirectory: that one is owner-only, and it would become the checkpoint.
    Path temporary = parent.resolve("." + absolute.getFileName() + ".nlpm-" + Long.toUnsignedString(System.nanoTime(), 36)
        + Long.toUnsignedString(Double.doubleToLongBits(Math.random()), 36));
    Files.createDirectory(temporary);
    boolean done = false;
    try {
      content.writeInto(temporary);
      forceAll(temporary);
      Path old = aside(absolute);
      boolean hadOld = Files.exists(absolute);
      if (hadOld) {
        AtomicFiles.move(absolute, old);
      }
      try {
        AtomicFiles.move(temporary, absolute);
      } catch (IOException e) {
        if (hadOld) {
          AtomicFiles.move(old, absolute); // put the previous directory back before giving up
        }
        throw e;
      }
      forceDirectory(parent);
      done = true;
      deleteRecursively(old);
    } finally {
      if (!done) {
        deleteRecursively(temporary);
      }
    }
  }

  /**
   * The directory to read {@code target} from without changing anything: itself, or the previous
   * one a crash left aside between a write's two renames.
   */
  public static Path readable(Path target) {
    Path absolute = target.toAbsolutePath();
    Path old = aside(absolute);
    return !Files.exists(absolute) && Files.exists(old) ? old : absolute;
  }

  /**
   * Puts back the previous directory if a crash left only its renamed copy, and removes a
   * leftover copy when the directory is there.
   */
  public static void recover(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path old = aside(absolute);
    if (Files.exists(old)) {
      if (Files.exists(absolute)) {
        deleteRecursively(old);
      } else {
        AtomicFiles.move(old, absolute);
      }
    }
  }

  private static Path aside(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".nlpm-old");
  }

  private static void forceAll(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
          }
        }
      }
    }
    forceDirectory(directory);
  }

  /** Forces a directory's entries to disk where the platform allows it (Linux does; Windows cannot open one). */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can open a directory; the renames are still ordered.
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
