package dev.nlpm.runtime.text.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTrainerTest {

  @Test
  void ordersSpecialTokensThenAlphabetThenContinuationsThenMergedPieces() {
    WordCounts counts = WordCounts.of(Map.of("hug", 10L, "pug", 5L, "pun", 12L, "bun", 4L));

    Vocabulary vocabulary = WordPieceTrainer.train(
        counts, WordPieceTrainingOptions.bert(20).withMinFrequency(1));

    // Pairs: p ##u 17, ##u ##n 16, ##u ##g 15, h ##u 10, b ##u 4. After p ##u: pu ##n 12,
    // ##u ##g 10, h ##u 10, pu ##g 5, ##u ##n 4, b ##u 4; then the tie at 10 goes to ##u < h.
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "b", "g", "h", "n", "p", "u",
        "##b", "##g", "##h", "##n", "##p", "##u",
        "pu", "pun", "##ug"), vocabulary.tokens());
  }

  @Test
  void keepsFrequentWordsWholeAndSplitsRareOnes() {
    WordCounts counts = TestCorpus.austenCounts();

    Vocabulary vocabulary =
        WordPieceTrainer.train(counts, WordPieceTrainingOptions.bert(2000));

    assertEquals(2000, vocabulary.size());
    assertEquals(WordPieceTrainingOptions.BERT_SPECIAL_TOKENS, vocabulary.tokens().subList(0, 5));
    for (WordCounts.Entry frequent : counts.mostFrequent(100)) {
      assertEquals(List.of(frequent.word()), wordPieces(frequent.word(), vocabulary),
          frequent + " should be one piece");
    }
    for (String name : List.of("elinor", "marianne", "dashwood", "edward", "norland")) {
      assertEquals(List.of(name), wordPieces(name, vocabulary));
    }
    for (String rare : List.of("unaccountable", "inheritor", "bequeath")) {
      assertTrue(counts.count(rare) > 0 && counts.count(rare) <= 2, rare + " is rare here");
      List<String> pieces = wordPieces(rare, vocabulary);
      assertTrue(pieces.size() > 1, rare + " -> " + pieces);
      assertTrue(pieces.subList(1, pieces.size()).stream().allMatch(p -> p.startsWith("##")));
    }
    // Every word of the corpus has pieces: the whole alphabet has its ## form.
    for (String word : counts.asMap().keySet()) {
      assertTrue(wordPieces(word, vocabulary) != null, word);
    }
  }

  @Test
  void isDeterministicAndRoundTripsThroughVocabTxt(@TempDir Path dir) throws IOException {
    WordPieceTrainingOptions options = WordPieceTrainingOptions.bert(1500);
    Vocabulary first = WordPieceTrainer.train(TestCorpus.austenCounts(), options);
    Vocabulary second = WordPieceTrainer.train(
        WordCounts.of(Map.copyOf(TestCorpus.austenCounts().asMap())), options);

    first.writeVocabTxt(dir.resolve("a.txt"));
    second.writeVocabTxt(dir.resolve("b.txt"));

    assertEquals(-1L, Files.mismatch(dir.resolve("a.txt"), dir.resolve("b.txt")));
    assertEquals(first, Vocabulary.readVocabTxt(dir.resolve("a.txt")));
  }

  @Test
  void respectsTheMinimumFrequency() {
    WordCounts counts = WordCounts.of(Map.of("ab", 3L, "cd", 2L));

    Vocabulary vocabulary = WordPieceTrainer.train(counts,
        WordPieceTrainingOptions.bert(100).withSpecialTokens(List.of()).withMinFrequency(3));

    assertEquals(List.of("a", "b", "c", "d", "##a", "##b", "##c", "##d", "ab"),
        vocabulary.tokens());
  }

  /**
   * Greedy longest-match-first WordPiece, as BERT's tokenizer splits a word; null if some part
   * has no piece.
   */
  static List<String> wordPieces(String word, Vocabulary vocabulary) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      String found = null;
      while (end > start) {
        String piece = (start > 0 ? "##" : "") + word.substring(start, end);
        if (vocabulary.contains(piece)) {
          found = piece;
          break;
        }
        end--;
      }
      if (found == null) {
        return null;
      }
      pieces.add(found);
      start = end;
    }
    return pieces;
  }
}
