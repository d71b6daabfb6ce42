package dev.nlpm.runtime.text.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeFilesTest {

  @TempDir Path dir;

  private static final Vocabulary ABC = Vocabulary.of(List.of("a", "b", "c", "ab", "abc"));

  @Test
  void writeThenReadGivesTheSameTokenizer() throws IOException {
    ByteLevelBpeTokenizer gpt2 = Gpt2Resources.gpt2();
    gpt2.writeTo(dir);
    ByteLevelBpeTokenizer back = ByteLevelBpeTokenizer.fromDirectory(dir);
    assertEquals(gpt2.vocabulary(), back.vocabulary());
    assertEquals(gpt2.merges(), back.merges());
    String text = "Round trip through files, ünïcödé and 日本語 😀";
    assertArrayEquals(gpt2.encodeIds(text), back.encodeIds(text));
    assertEquals(
        BpeFiles.MERGES_HEADER + "\nĠ t\n",
        Files.readString(dir.resolve("merges.txt")).substring(0, 18));
  }

  @Test
  void readsMergesWithTheHeaderAndAFinalNewline() throws IOException {
    List<Merge> merges = readMerges("#version: 0.2\na b\nab c\n");
    assertEquals(List.of(new Merge("a", "b"), new Merge("ab", "c")), merges);
  }

  @Test
  void aMergeLineWithoutTwoSymbolsIsRejectedAtItsLine() throws IOException {
    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> readMerges("#version: 0.2\na b\nabc\n"));
    assertEquals(3, e.line().getAsInt());
    assertEquals("expected two symbols separated by one space, found \"abc\"", e.problem());
    e = assertThrows(MalformedInputFileException.class, () -> readMerges("a b\na  b\n"));
    assertEquals(2, e.line().getAsInt());
  }

  @Test
  void aMergeOfAnUnknownSymbolIsRejectedAtItsLine() throws IOException {
    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> readMerges("#version: 0.2\na b\nb c\n"));
    assertEquals(dir.resolve("merges.txt") + ":3: \"bc\" is not in the vocabulary", e.getMessage());
    e = assertThrows(MalformedInputFileException.class, () -> readMerges("a x\n"));
    assertEquals("\"x\" is not in the vocabulary", e.problem());
  }

  @Test
  void aRepeatedMergeIsRejected() throws IOException {
    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> readMerges("a b\nab c\na b\n"));
    assertEquals("the merge \"a b\" already appears on line 1", e.problem());
  }

  @Test
  void vocabJsonFaultsAreReportedAtTheirJsonPath() throws IOException {
    assertVocabFault("{\"a\": 0, \"b\": \"1\"}", "$[\"b\"]", "expected an integer id, found a string");
    assertVocabFault("{\"a\": 0, \"b\": 1.5}", "$[\"b\"]", "expected an integer id, found 1.5");
    assertVocabFault("{\"a\": 0, \"b\": 0}", "$[\"b\"]", "id 0 is also the id of \"a\"");
    assertVocabFault("{\"a\": 0, \"a\": 1}", "$[\"a\"]", "the token appears twice");
    assertVocabFault("{\"a\": 0, \"b\": 2}", "$", "ids must be 0..1 with none missing; no token has id 1");
    assertVocabFault("[\"a\"]", "$", "expected an object from token to id, found an array");
    assertVocabFault("{\"a\": -1}", "$[\"a\"]", "negative id -1");
  }

  @Test
  void invalidJsonIsReportedForTheFile() throws IOException {
    Path file = write("vocab.json", "{\"a\": 0,");
    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> BpeFiles.readVocabJson(file));
    assertEquals(true, e.getMessage().startsWith(file + ": not valid JSON"), e.getMessage());
  }

  private void assertVocabFault(String json, String path, String problem) throws IOException {
    Path file = write("vocab.json", json);
    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> BpeFiles.readVocabJson(file), json);
    assertEquals(path, e.jsonPath().orElseThrow(), json);
    assertEquals(problem, e.problem(), json);
    assertEquals(file + ": at " + path + ": " + problem, e.getMessage());
  }

  private List<Merge> readMerges(String text) throws IOException {
    return BpeFiles.readMergesTxt(write("merges.txt", text), ABC);
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
