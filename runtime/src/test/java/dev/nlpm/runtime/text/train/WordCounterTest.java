package dev.nlpm.runtime.text.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.text.wordpiece.BertBasicTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordCounterTest {

  @TempDir Path dir;

  @Test
  void splitsOnWhitespaceAndPunctuation() {
    assertEquals(
        List.of("Hello", ",", "wörld", "!", "don", "'", "t", "«", "ok", "»", "\uD83D\uDE00"),
        BertBasicTokenizer.of(false).words(" Hello,\twörld!  don't «ok» \uD83D\uDE00 "));
    assertEquals(List.of("hello,", "world!"),
        PreTokenizer.whitespace().lowercased().words("Hello,  WORLD!"));
    assertEquals(List.of(), PreTokenizer.whitespace().words(" \t "));
  }

  @Test
  void countsTheWordsOfEveryLineDroppingCarriageReturnsAndTheByteOrderMark() throws IOException {
    Path file = write("\uFEFFthe cat\r\nthe dog\n\nThe end", StandardCharsets.UTF_8);

    WordCounts counts = WordCounter.countFiles(
        List.of(file), PreTokenizer.whitespace(), ProgressListener.NONE);

    assertEquals(Map.of("the", 2L, "cat", 1L, "dog", 1L, "The", 1L, "end", 1L), counts.asMap());
    assertEquals(6, counts.totalCount());
    assertFalse(counts.approximate());
  }

  @Test
  void reportsTheLineOfInvalidUtf8() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("first line\nsecond é line\nthird ".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xC3); // a lead byte followed by a space, not a continuation byte
    bytes.writeBytes(" line\nfourth\n".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("bad.txt");
    Files.write(file, bytes.toByteArray());
    WordCounter counter = new WordCounter(PreTokenizer.whitespace());

    MalformedInputFileException e =
        assertThrows(MalformedInputFileException.class, () -> counter.addFile(file));

    assertEquals(file, e.file());
    assertEquals(3, e.line().getAsInt());
    assertTrue(e.getMessage().startsWith(file + ":3: invalid UTF-8 (byte 0xc3"), e.getMessage());
    assertEquals(1, counter.counts().count("second")); // the lines before were counted
  }

  @Test
  void readsLinesLongerThanABlockAndCharactersAcrossBlockEdges() throws IOException {
    StringBuilder text = new StringBuilder();
    int words = 0;
    while (text.length() < 200_000) {
      text.append("é€x"); // 2 + 3 + 1 bytes, so characters straddle every 64 KiB edge
      text.append(words % 1000 == 999 ? '\n' : ' ');
      words++;
    }
    Path file = write(text.toString(), StandardCharsets.UTF_8);

    WordCounts counts = WordCounter.countFiles(
        List.of(file), PreTokenizer.whitespace(), ProgressListener.NONE);

    assertEquals(Map.of("é€x", (long) words), counts.asMap());
  }

  @Test
  void reportsProgressInBytesUpToTheTotalOfAllFiles() throws IOException {
    Path a = write("a b c\n".repeat(30_000), StandardCharsets.UTF_8);
    Path b = write("d e\n".repeat(10_000), StandardCharsets.UTF_8);
    long total = Files.size(a) + Files.size(b);
    List<long[]> calls = new ArrayList<>();

    WordCounter.countFiles(List.of(a, b), PreTokenizer.whitespace(),
        (read, all) -> calls.add(new long[] {read, all}));

    assertTrue(calls.size() >= 4, "one call a 64 KiB block at least");
    long previous = 0;
    for (long[] call : calls) {
      assertEquals(total, call[1]);
      assertTrue(call[0] >= previous && call[0] <= total);
      previous = call[0];
    }
    assertEquals(total, previous);
  }

  @Test
  void prunesRareWordsWhenTheTableOutgrowsItsCap() {
    WordCounter counter = new WordCounter(PreTokenizer.whitespace(), 3);
    counter.addLine("a a a b c");
    assertEquals(3, counter.distinctWords());
    assertFalse(counter.counts().approximate());

    counter.addLine("d"); // 4 words > 3: words seen once go
    WordCounts counts = counter.counts();

    assertEquals(Map.of("a", 3L), counts.asMap());
    assertTrue(counts.approximate());

    counter.addLine("a e e f g"); // 4 words again: now words seen at most twice go
    assertEquals(Map.of("a", 4L), counter.counts().asMap());
  }

  @Test
  void listsTheMostFrequentWordsWithTiesInStringOrder() {
    WordCounts counts = WordCounts.of(Map.of("b", 2L, "a", 2L, "c", 5L, "d", 1L));

    assertEquals(
        List.of(new WordCounts.Entry("c", 5), new WordCounts.Entry("a", 2),
            new WordCounts.Entry("b", 2)),
        counts.mostFrequent(3));
  }

  private Path write(String text, Charset charset) throws IOException {
    Path file = Files.createTempFile(dir, "corpus", ".txt");
    Files.writeString(file, text, charset);
    return file;
  }
}
