package dev.nlpm.runtime.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.runtime.text.WhitespaceTokenizer.Mode;
import dev.nlpm.runtime.text.corpus.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CharTokenizer} and {@link WhitespaceTokenizer}. */
class SimpleTokenizersTest {

  @TempDir Path dir;

  private Corpus corpus(String text) throws IOException {
    Path file = dir.resolve("c.txt");
    Files.writeString(file, text);
    return Corpus.lines(List.of(file));
  }

  @Test
  void charTokensAreCodePointsWithSurrogatePairsWholeAndUnknownsMapped() throws IOException {
    CharTokenizer chars = CharTokenizer.train(corpus("abba 😀\nab\n"), List.of("[PAD]"), "[UNK]", 1);
    assertEquals(List.of("[UNK]", "[PAD]", "a", "b", " ", "😀"), chars.vocabulary().tokens());
    Encoding e = chars.encode("a😀z");
    assertEquals(List.of("a", "😀", "[UNK]"), e.tokens());
    assertEquals(List.of(0, 1, 3), List.of(e.start(0), e.start(1), e.start(2)));
    assertEquals(3, e.end(1));
    assertEquals("ab 😀", chars.decode(chars.encodeIds("ab 😀")));
  }

  @Test
  void charVocabularyRespectsMinCount() throws IOException {
    CharTokenizer chars = CharTokenizer.train(corpus("aaab\n"), List.of(), "[UNK]", 2);
    assertEquals(List.of("[UNK]", "a"), chars.vocabulary().tokens());
  }

  @Test
  void whitespaceWordsSplitOnUnicodeSpacesWithOffsets() throws IOException {
    WhitespaceTokenizer words =
        WhitespaceTokenizer.train(corpus("the cat the\u00a0dog\n"), Mode.UNICODE, true, "<unk>", 1, 0);
    assertEquals(List.of("<unk>", "the", "cat", "dog"), words.vocabulary().tokens());
    Encoding e = words.encode(" The\u3000bird  cat ");
    assertEquals(List.of("the", "<unk>", "cat"), e.tokens());
    assertEquals(List.of(1, 5, 11), List.of(e.start(0), e.start(1), e.start(2)));
    assertEquals("the <unk> cat", words.decode(e.ids()));
  }

  @Test
  void word2vecModeSplitsOnSpaceTabNewlineOnlyAndEndsLinesWithEndOfSentence() throws IOException {
    WhitespaceTokenizer words =
        WhitespaceTokenizer.train(corpus("a b\na\u00a0c\n"), Mode.WORD2VEC, false, "<unk>", 1, 0);
    assertEquals(List.of("a", "b", "</s>", "a\u00a0c", "</s>"), words.words("a b\na\u00a0c\n"));
    assertEquals(List.of("</s>", "<unk>", "a", "a\u00a0c", "b"), words.vocabulary().tokens());
  }

  @Test
  void maxSizeKeepsTheMostFrequentTiesByToken() throws IOException {
    WhitespaceTokenizer words =
        WhitespaceTokenizer.train(corpus("z z y y x w w w\n"), Mode.UNICODE, false, "<unk>", 1, 3);
    assertEquals(List.of("<unk>", "w", "y"), words.vocabulary().tokens());
  }
}
