package dev.nlpm.runtime.text.corpus;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One example of a corpus: a line, or a document of lines, with where it came from.
 *
 * @param file the file it was read from
 * @param line the 1-based line it starts on
 * @param index its 0-based position among all the corpus's examples, in reading order
 * @param text the line, or the document's lines joined by {@code \n}, without line ends
 */
public record Example(Path file, int line, long index, String text) {
  public Example {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(text, "text");
  }
}
