package dev.nlpm.runtime.text.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.text.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainVocabulariesTest {

  @Test
  void writesBothVocabulariesAndPrintsASample(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    TrainVocabularies.run(List.of(TestCorpus.austen()), dir, 1200, 900,
        new PrintStream(log, true, StandardCharsets.UTF_8));

    Vocabulary wordPiece = Vocabulary.readVocabTxt(dir.resolve("wordpiece/vocab.txt"));
    assertEquals(1200, wordPiece.size());
    assertEquals("[PAD]", wordPiece.token(0));
    List<String> merges = Files.readAllLines(dir.resolve("bpe/merges.txt"));
    assertEquals("#version: 0.2", merges.get(0));
    assertEquals(900 - 257, merges.size() - 1);
    assertTrue(Files.readString(dir.resolve("bpe/vocab.json")).startsWith("{\"<|endoftext|>\":0,"));
    String printed = log.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("  the ("), printed);
    assertTrue(printed.contains("WordPiece: 1,200 tokens"), printed);
  }

  @Test
  void splitsWithTheLearnedMergesInRankOrder() {
    Map<String, Integer> ranks = Map.of("b c", 0, "a b", 1, "a bc", 2);

    assertEquals(List.of("abc"), TrainVocabularies.bpePieces("abc", ranks));
    assertEquals(List.of("a", "bc", "d"), TrainVocabularies.bpePieces("abcd", Map.of("b c", 0)));
    assertEquals(List.of("x", "y"), TrainVocabularies.bpePieces("xy", ranks));
  }
}
