package dev.nlpm.compiler.source;

import java.util.Objects;

/**
 * A position in a {@code .nlpm} file, 1-based line and column (the column counts characters, tabs
 * as one).
 */
public record SourcePosition(String file, int line, int column) implements Origin {

  public SourcePosition {
    Objects.requireNonNull(file, "file");
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
    }
  }

  @Override
  public String source() {
    return file;
  }

  @Override
  public String describe() {
    return file + ":" + line + ":" + column;
  }
}
