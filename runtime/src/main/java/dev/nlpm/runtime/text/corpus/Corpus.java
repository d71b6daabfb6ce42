package dev.nlpm.runtime.text.corpus;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.StrictUtf8;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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

  /** Receives every line of a file, blank ones included. */
  @FunctionalInterface
  public interface LineConsumer {
    void accept(int line, String text) throws IOException;
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
        readLines(file, (line, text) -> {
          if (!text.isBlank()) {
            consumer.accept(new Example(file, line, index[0]++, text));
          }
        });
      } else {
        List<String> document = new ArrayList<>();
        int[] firstLine = {0};
        readLines(file, (line, text) -> {
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

  /**
   * Reads the lines of one UTF-8 file without loading it whole, each decoded strictly.
   *
   * @throws MalformedInputFileException at the line holding invalid UTF-8
   */
  public static void readLines(Path file, LineConsumer consumer) throws IOException {
    CharsetDecoder decoder = StrictUtf8.newDecoder();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      byte[] line = new byte[256];
      int length = 0;
      int number = 1;
      boolean first = true;
      int b;
      while (true) {
        b = in.read();
        if (b == '\n' || b < 0) {
          if (b < 0 && length == 0) {
            break;
          }
          int start = 0;
          if (first && length >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB
              && (line[2] & 0xff) == 0xBF) {
            start = 3; // byte-order mark
          }
          int end = length > start && line[length - 1] == '\r' ? length - 1 : length;
          String text;
          try {
            text = decoder.reset().decode(ByteBuffer.wrap(line, start, end - start)).toString();
          } catch (CharacterCodingException e) {
            throw MalformedInputFileException.atLine(file, number, "invalid UTF-8", e);
          }
          consumer.accept(number, text);
          if (b < 0) {
            break;
          }
          number++;
          length = 0;
          first = false;
        } else {
          if (length == line.length) {
            line = java.util.Arrays.copyOf(line, length * 2);
          }
          line[length++] = (byte) b;
        }
      }
    }
  }
}
