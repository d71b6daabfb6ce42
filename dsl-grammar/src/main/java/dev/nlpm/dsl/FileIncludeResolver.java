package dev.nlpm.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves includes on the file system, relative to the including file, and names files by their
 * path relative to a base directory.
 */
final class FileIncludeResolver implements IncludeResolver {

  private final Path baseDir;

  FileIncludeResolver(Path baseDir) {
    this.baseDir = baseDir.toAbsolutePath().normalize();
  }

  /** The source name of a file: relative to the base directory, '/'-separated. */
  String nameOf(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Path relative = baseDir.relativize(absolute);
    return relative.toString().replace(absolute.getFileSystem().getSeparator(), "/");
  }

  private Path pathOf(String sourceName) {
    return baseDir.resolve(sourceName).normalize();
  }

  @Override
  public Optional<Source> resolve(String includingSource, String path) {
    Path parent = pathOf(includingSource).getParent();
    Path target = (parent == null ? baseDir : parent).resolve(path).normalize();
    if (!Files.isRegularFile(target)) {
      return Optional.empty();
    }
    return Optional.of(new Source(nameOf(target), read(target)));
  }

  @Override
  public String describeLookup(String includingSource, String path) {
    Path parent = pathOf(includingSource).getParent();
    Path target = (parent == null ? baseDir : parent).resolve(path).normalize();
    return nameOf(target);
  }

  /**
   * Reads a file as strict UTF-8.
   *
   * @throws UncheckedIOException when it cannot be read, or is not valid UTF-8 (then its cause is
   *     an {@link InvalidUtf8Exception} that locates the first bad byte)
   */
  String read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new UncheckedIOException(locate(out.flip(), in.position()));
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  /** Where the first bad byte is, from the text decoded before it. */
  private static InvalidUtf8Exception locate(CharBuffer decoded, int byteOffset) {
    int line = 1;
    int column = 1;
    while (decoded.hasRemaining()) {
      char c = decoded.get();
      if (c == '\n') {
        line++;
        column = 1;
      } else if (!Character.isLowSurrogate(c)) {
        // Columns count code points, as the lexer's do.
        column++;
      }
    }
    return new InvalidUtf8Exception(line, column, byteOffset);
  }

  /** A file that is not valid UTF-8, with the 1-based line and column of its first bad byte. */
  static final class InvalidUtf8Exception extends IOException {
    private static final long serialVersionUID = 1L;

    final int line;
    final int column;

    InvalidUtf8Exception(int line, int column, int byteOffset) {
      super("invalid UTF-8 on line " + line + " (byte offset " + byteOffset + ")");
      this.line = line;
      this.column = column;
    }
  }
}
