package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.text.wordpiece.BertBasicTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The committed slice of Austen and its word counts, counted once for all tests. */
final class TestCorpus {

  private static WordCounts austenCounts;

  private TestCorpus() {}

  static Path austen() {
    try {
      return Path.of(TestCorpus.class.getResource("austen-sense-and-sensibility-head.txt").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lower-cased words split on whitespace and punctuation. */
  static synchronized WordCounts austenCounts() {
    if (austenCounts == null) {
      try {
        austenCounts = WordCounter.countFiles(List.of(austen()),
            BertBasicTokenizer.of(true)::words, ProgressListener.NONE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return austenCounts;
  }
}
