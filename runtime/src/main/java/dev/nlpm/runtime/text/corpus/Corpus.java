package dev.nlpm.runtime.text.corpus;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.Utf8Lines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text UTF-8 files read as a stream of examples, either a line each or a document each
 * (documents are separated by one or more blank lines). Nothing is loaded whole: memory holds one
 * line (one document), so files larger than memory are fine. Each {@link #forEach} reads the
 * files again from the start, which is how a training loop runs another epoch.
 *
 * <p>Invalid UTF-8 stops the read with a {@link MalformedInputFileException} naming the file and
 * line. A byte-order mark at the start of a file is skipped; {@code \r\n} line ends and a missing
 * final newline are accepted.
 */
public final class Corpus {

  /** How a corpus divides into examples. */
  public enum Unit {
    /** Every line is an example; blank lines are skipped. */
    LINE,
    /** Runs of non-blank lines separated by blank lines are examples. */
    DOCUMENT
  }

  /** Receives examples; may throw to stop the read. */
  @FunctionalInterface
  public interface ExampleConsumer {
    void accept(Example example) throws IOException;
  }

  private final List<Path> files;
  private final Unit unit;

  private Corpus(List<Path> files, Unit unit) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a corpus needs at least one file");
    }
    this.files = List.copyOf(files);
    this.unit = unit;
  }

  /** A corpus with one example a line. */
  public static Corpus lines(List<Path> files) {
    return new Corpus(files, Unit.LINE);
  }

  /** A corpus with one example a blank-line-separated document. */
  public static Corpus documents(List<Path> files) {
    return new Corpus(files, Unit.DOCUMENT);
  }

  public List<Path> files() {
    return files;
  }

  public Unit unit() {
    return unit;
  }

  /** The total size of the files in bytes, for progress reports. */
  public long totalBytes() throws IOException {
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    return total;
  }

  /** Reads every example, in file order, handing each to {@code consumer}. */
  public void forEach(ExampleConsumer consumer) throws IOException {
    long[] index = {0};
    for (Path file : files) {
      if (unit == Unit.LINE) {
        Utf8Lines.read(file, (line, text) -> {
          if (!text.isBlank()) {
            consumer.accept(new Example(file, line, index[0]++, text));
          }
        });
      } else {
        List<String> document = new ArrayList<>();
        int[] firstLine = {0};
        Utf8Lines.read(file, (line, text) -> {
          if (text.isBlank()) {
            if (!document.isEmpty()) {
              consumer.accept(new Example(file, firstLine[0], index[0]++, String.join("\n", document)));
              document.clear();
            }
          } else {
            if (document.isEmpty()) {
              firstLine[0] = line;
            }
            document.add(text);
          }
        });
        if (!document.isEmpty()) {
          consumer.accept(new Example(file, firstLine[0], index[0]++, String.join("\n", document)));
        }
      }
    }
  }

  /** Every example, in memory; for corpora known to be small (tests, held-out sets). */
  public List<Example> toList() throws IOException {
    List<Example> all = new ArrayList<>();
    forEach(all::add);
    return all;
  }
}
