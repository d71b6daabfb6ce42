package dev.nlpm.runtime.text.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {

  @TempDir Path dir;

  @Test
  void linesCarryTheirFileLineAndIndexAndSkipBlankLines() throws IOException {
    Path a = write("a.txt", "one\n\ntwo\r\nthree");
    Path b = write("b.txt", "four\n");
    List<Example> examples = Corpus.lines(List.of(a, b)).toList();
    assertEquals(
        List.of(
            new Example(a, 1, 0, "one"),
            new Example(a, 3, 1, "two"),
            new Example(a, 4, 2, "three"),
            new Example(b, 1, 3, "four")),
        examples);
  }

  @Test
  void documentsAreRunsOfLinesBetweenBlankLines() throws IOException {
    Path a = write("a.txt", "\n\nfirst line\nsecond line\n\n\n  \nnext doc\n");
    List<Example> examples = Corpus.documents(List.of(a)).toList();
    assertEquals(
        List.of(new Example(a, 3, 0, "first line\nsecond line"), new Example(a, 8, 1, "next doc")),
        examples);
  }

  @Test
  void aByteOrderMarkIsSkippedAndUnicodeKept() throws IOException {
    Path a = dir.resolve("bom.txt");
    Files.write(a, ("\uFEFF子曰：学而时习之\nsecond").getBytes(StandardCharsets.UTF_8));
    assertEquals("子曰：学而时习之", Corpus.lines(List.of(a)).toList().get(0).text());
  }

  @Test
  void invalidUtf8IsReportedAtItsLineAfterTheLinesBeforeIt() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write("ok\nfine\n".getBytes(StandardCharsets.UTF_8));
    bytes.write(new byte[] {'b', 'a', (byte) 0xC3, 'd', '\n'});
    bytes.write("after\n".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("bad.txt");
    Files.write(file, bytes.toByteArray());
    List<String> seen = new ArrayList<>();
    MalformedInputFileException e =
        assertThrows(
            MalformedInputFileException.class,
            () -> Corpus.lines(List.of(file)).forEach(x -> seen.add(x.text())));
    assertEquals(file + ":3: invalid UTF-8 (byte 0xc3 at byte 3 of the line)", e.getMessage());
    assertEquals(List.of("ok", "fine"), seen);
  }

  @Test
  void emptyFilesGiveNothingAndAnotherPassGivesTheSame() throws IOException {
    Path empty = write("empty.txt", "");
    Path a = write("a.txt", "x\ny\n");
    Corpus corpus = Corpus.lines(List.of(empty, a));
    assertEquals(corpus.toList(), corpus.toList());
    assertEquals(2, corpus.toList().size());
    assertEquals(4, corpus.totalBytes());
  }

  @Test
  void longLinesAreReadWhole() throws IOException {
    String longLine = "word ".repeat(20_000).trim();
    Path a = write("long.txt", longLine + "\nshort\n");
    List<Example> examples = Corpus.lines(List.of(a)).toList();
    assertEquals(longLine, examples.get(0).text());
    assertTrue(examples.get(1).text().equals("short"));
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
