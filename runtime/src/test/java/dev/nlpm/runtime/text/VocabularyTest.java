package dev.nlpm.runtime.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

  @TempDir Path dir;

  @Test
  void readsOneTokenALineWithIdsByLine() throws IOException {
    Path file = write("[PAD]\n[UNK]\nthe\n##s\n");
    Vocabulary vocab = Vocabulary.readVocabTxt(file);
    assertEquals(4, vocab.size());
    assertEquals(2, vocab.id("the").getAsInt());
    assertEquals("##s", vocab.token(3));
    assertEquals(-1, vocab.idOrMinusOne("cat"));
  }

  @Test
  void keepsUnicodeLineSeparatorsInsideTokensAndDropsCarriageReturns() throws IOException {
    Path file = write("a\r\n\u2028\n##\u2028\nb");
    Vocabulary vocab = Vocabulary.readVocabTxt(file);
    assertEquals(List.of("a", "\u2028", "##\u2028", "b"), vocab.tokens());
  }

  @Test
  void rejectsAnEmptyLineWithItsNumber() throws IOException {
    Path file = write("a\nb\n\nc\n");
    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> Vocabulary.readVocabTxt(file));
    assertEquals(3, e.line().getAsInt());
    assertEquals(file + ":3: empty token", e.getMessage());
  }

  @Test
  void rejectsADuplicateNamingBothLines() throws IOException {
    Path file = write("a\nb\nc\nb\n");
    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> Vocabulary.readVocabTxt(file));
    assertEquals(file + ":4: token 'b' already appears on line 2", e.getMessage());
  }

  @Test
  void rejectsInvalidUtf8AtItsLine() throws IOException {
    Path file = dir.resolve("vocab.txt");
    Files.write(file, new byte[] {'a', '\n', 'b', '\n', (byte) 0xC3, '(', '\n'});
    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> Vocabulary.readVocabTxt(file));
    assertEquals(3, e.line().getAsInt());
    assertTrue(e.getMessage().startsWith(file + ":3: invalid UTF-8"), e.getMessage());
  }

  @Test
  void rejectsAnEmptyFile() throws IOException {
    Path file = write("");
    assertThrows(MalformedInputFileException.class, () -> Vocabulary.readVocabTxt(file));
  }

  @Test
  void writeThenReadGivesTheSameVocabulary() throws IOException {
    Vocabulary vocab = Vocabulary.of(List.of("[PAD]", "héllo", "##\u2028", "論語", "😀"));
    Path file = dir.resolve("sub/vocab.txt");
    vocab.writeVocabTxt(file);
    assertEquals(vocab, Vocabulary.readVocabTxt(file));
    assertEquals(
        "[PAD]\nhéllo\n##\u2028\n論語\n😀\n", Files.readString(file, StandardCharsets.UTF_8));
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void ofRejectsDuplicatesAndEmptyTokens() {
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "b", "a")));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "")));
    assertFalse(Vocabulary.of(List.of("a")).contains("b"));
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("vocab.txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
