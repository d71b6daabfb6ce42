package dev.nlpm.runtime.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A file that could be read but whose content is wrong: a vocabulary, a merge list, a {@code
 * tokenizer.json}, a corpus. The message starts with where the fault is, {@code file:line: ...}
 * or {@code file: at $.model.vocab: ...}, so a user can go straight to it.
 */
public final class MalformedInputFileException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final String jsonPath;
  private final String problem;

  private MalformedInputFileException(
      Path file, int line, String jsonPath, String problem, Throwable cause) {
    super(location(file, line, jsonPath) + ": " + problem, cause);
    this.file = Objects.requireNonNull(file, "file");
    this.line = line;
    this.jsonPath = jsonPath;
    this.problem = problem;
  }

  /** A fault on a line (1-based) of a text file. */
  public static MalformedInputFileException atLine(Path file, int line, String problem) {
    return new MalformedInputFileException(file, line, null, problem, null);
  }

  /** A fault on a line, caused by another exception. */
  public static MalformedInputFileException atLine(
      Path file, int line, String problem, Throwable cause) {
    return new MalformedInputFileException(file, line, null, problem, cause);
  }

  /** A fault at a JSON path ({@code $.model.vocab["hello"]}) of a JSON file. */
  public static MalformedInputFileException atJsonPath(Path file, String jsonPath, String problem) {
    return new MalformedInputFileException(file, 0, jsonPath, problem, null);
  }

  /** A fault in the file as a whole. */
  public static MalformedInputFileException inFile(Path file, String problem, Throwable cause) {
    return new MalformedInputFileException(file, 0, null, problem, cause);
  }

  public Path file() {
    return file;
  }

  /** The 1-based line at fault, if the fault is on a line. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  /** The JSON path at fault, if the file is JSON. */
  public Optional<String> jsonPath() {
    return Optional.ofNullable(jsonPath);
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }

  private static String location(Path file, int line, String jsonPath) {
    if (line > 0) {
      return file + ":" + line;
    }
    if (jsonPath != null) {
      return file + ": at " + jsonPath;
    }
    return file.toString();
  }
}
