package dev.nlpm.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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
   * @throws UncheckedIOException when it cannot be read or is not valid UTF-8 (naming the line)
   */
  String read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UncheckedIOException(
          new IOException("invalid UTF-8 on line " + lineOfFirstInvalidByte(bytes)));
    }
  }

  private static int lineOfFirstInvalidByte(byte[] bytes) {
    var decoder =
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
    int line = 1;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        try {
          decoder.reset().decode(ByteBuffer.wrap(bytes, start, i - start));
        } catch (CharacterCodingException e) {
          return line;
        }
        line++;
        start = i + 1;
      }
    }
    return line;
  }
}
