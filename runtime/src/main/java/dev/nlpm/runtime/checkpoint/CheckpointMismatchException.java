package dev.nlpm.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint that does not fit the model loading it: every problem found, each naming its
 * tensor — a missing name, a shape or a type that differs — so that one attempt shows them all.
 */
public final class CheckpointMismatchException extends IOException {

  private static final long serialVersionUID = 1L;

  private final Path file;
  private final List<String> problems;

  public CheckpointMismatchException(Path file, List<String> problems) {
    super(file + " does not fit this model:\n  " + String.join("\n  ", problems));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  public Path file() {
    return file;
  }

  /** One line a problem, each naming its tensor. */
  public List<String> problems() {
    return problems;
  }
}
