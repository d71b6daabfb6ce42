package dev.nlpm.runtime.text.wordpiece;

import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The published BERT vocabularies committed (gzipped) next to the tests. */
final class WordPieceTestResources {

  private static Vocabulary uncased;
  private static Vocabulary chinese;

  private WordPieceTestResources() {}

  static synchronized Vocabulary uncasedVocabulary() {
    if (uncased == null) {
      uncased = read("bert-base-uncased-vocab.txt.gz");
    }
    return uncased;
  }

  static synchronized Vocabulary chineseVocabulary() {
    if (chinese == null) {
      chinese = read("bert-base-chinese-vocab.txt.gz");
    }
    return chinese;
  }

  static WordPieceTokenizer uncasedTokenizer() {
    return WordPieceTokenizer.of(uncasedVocabulary(), WordPieceOptions.uncased());
  }

  static InputStream open(String name) throws IOException {
    InputStream in = WordPieceTestResources.class.getResourceAsStream(name);
    if (in == null) {
      throw new IOException("missing test resource " + name);
    }
    return name.endsWith(".gz") ? new GZIPInputStream(in) : in;
  }

  private static Vocabulary read(String name) {
    try (InputStream in = open(name)) {
      return Vocabulary.readVocabTxt(in, Path.of(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
