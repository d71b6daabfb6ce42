package dev.nlpm.runtime.text.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.bpe.ByteLevelAlphabet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

  /** Sennrich et al.'s example: low ×5, lower ×2, newest ×6, widest ×3. */
  private static final WordCounts CLASSIC =
      WordCounts.of(Map.of("low", 5L, "lower", 2L, "newest", 6L, "widest", 3L));

  private static final BpeTrainingOptions CLASSIC_OPTIONS =
      BpeTrainingOptions.of(1000).withEndOfWordSuffix("</w>");

  /**
   * Worked by hand. Pair counts at the start: e s 9, s t</w> 9, w e 8, l o 7, n e 6, e w 6,
   * o w</w> 5, w i 3, i d 3, d e 3, o w 2, e r</w> 2. The ties (9 and 9; later 6, 6 and 6; 3, 3
   * and 3; 2, 2 and 2) go to the lexicographically first pair.
   */
  private static final List<String> CLASSIC_MERGES = List.of(
      "e s", "es t</w>", "l o", "e w", "ew est</w>", "n ewest</w>", "lo w</w>",
      "d est</w>", "i dest</w>", "w idest</w>", "e r</w>", "lo w", "low er</w>");

  @Test
  void learnsTheClassicExampleInTheOrderWorkedByHand() {
    TrainedBpe bpe = BpeTrainer.train(CLASSIC, CLASSIC_OPTIONS);

    assertEquals(CLASSIC_MERGES, strings(bpe.merges()));
    assertEquals(
        List.of("d", "e", "i", "l", "n", "o", "r", "s", "t", "w", "r</w>", "t</w>", "w</w>",
            "es", "est</w>", "lo", "ew", "ewest</w>", "newest</w>", "low</w>", "dest</w>",
            "idest</w>", "widest</w>", "er</w>", "low", "lower</w>"),
        bpe.vocabulary().tokens());
  }

  @Test
  void stopsAtThePairBelowTheMinimumFrequency() {
    TrainedBpe bpe = BpeTrainer.train(CLASSIC, CLASSIC_OPTIONS.withMinFrequency(3));

    // The eleventh merge, e r</w>, has count 2.
    assertEquals(CLASSIC_MERGES.subList(0, 10), strings(bpe.merges()));
  }

  @Test
  void reachesTheVocabularySizeExactlyWhileThereArePairsToMerge() {
    int base = 13; // ten characters and three with the suffix
    for (int size = base; size <= base + CLASSIC_MERGES.size(); size++) {
      TrainedBpe bpe = BpeTrainer.train(CLASSIC, CLASSIC_OPTIONS.withVocabularySize(size));
      assertEquals(size, bpe.vocabulary().size(), "size " + size);
      assertEquals(CLASSIC_MERGES.subList(0, size - base), strings(bpe.merges()));
    }
    TrainedBpe all = BpeTrainer.train(CLASSIC, CLASSIC_OPTIONS.withVocabularySize(100));
    assertEquals(base + CLASSIC_MERGES.size(), all.vocabulary().size());
  }

  @Test
  void specialTokensComeFirstInTheirOrder() {
    TrainedBpe bpe = BpeTrainer.train(
        CLASSIC, CLASSIC_OPTIONS.withSpecialTokens(List.of("<unk>", "<s>")).withVocabularySize(16));

    assertEquals(List.of("<unk>", "<s>", "d"), bpe.vocabulary().tokens().subList(0, 3));
    assertEquals(16, bpe.vocabulary().size());
    assertEquals(List.of("e s"), strings(bpe.merges()));
  }

  @Test
  void breaksTiesByTheLeftThenTheRightSymbolWhateverTheTableOrder() {
    // Every pair has count 1: a b, b a, c d, c a.
    List<String> words = List.of("cd", "ba", "ab", "ca");
    for (int rotation = 0; rotation < words.size(); rotation++) {
      List<String> order = new ArrayList<>(words);
      Collections.rotate(order, rotation);
      Map<String, Long> table = new LinkedHashMap<>();
      order.forEach(w -> table.put(w, 1L));

      TrainedBpe bpe = BpeTrainer.train(WordCounts.of(table), BpeTrainingOptions.of(100));

      assertEquals(List.of("a b", "b a", "c a", "c d"), strings(bpe.merges()), "order " + order);
    }
  }

  @Test
  void stripsTheContinuingPrefixFromTheRightSymbolOfAMerge() {
    WordCounts counts = WordCounts.of(Map.of("hug", 10L, "pug", 5L));
    TrainedBpe bpe =
        BpeTrainer.train(counts, BpeTrainingOptions.of(100).withContinuingSubwordPrefix("##"));

    // ##u ##g (15) first; then h ##ug (10), p ##ug (5).
    assertEquals(List.of("##u ##g", "h ##ug", "p ##ug"), strings(bpe.merges()));
    assertEquals(
        List.of("g", "h", "p", "u", "##g", "##u", "##ug", "hug", "pug"),
        bpe.vocabulary().tokens());
  }

  @Test
  void limitsTheAlphabetToTheMostFrequentCharactersAndDropsTheOthersFromWords() {
    WordCounts counts = WordCounts.of(Map.of("aab", 3L, "aqb", 1L));
    TrainedBpe bpe =
        BpeTrainer.train(counts, BpeTrainingOptions.of(100).withLimitAlphabet(2));

    // q is dropped, so "aqb" counts as "ab": a a 3, a b 4.
    assertEquals(List.of("a", "b", "ab", "aab"), bpe.vocabulary().tokens());
  }

  @Test
  void byteLevelTrainingStartsFromAllByteSymbols() {
    WordCounts words = WordCounts.of(Map.of(" the", 10L, " then", 3L, "\uD83D\uDE00", 2L));
    TrainedBpe bpe =
        BpeTrainer.train(words.byteLevel(), BpeTrainingOptions.byteLevel(262));

    Vocabulary vocabulary = bpe.vocabulary();
    assertEquals("<|endoftext|>", vocabulary.token(0));
    assertEquals("!", vocabulary.token(1)); // the alphabet in code point order
    for (String symbol : ByteLevelAlphabet.symbols()) {
      assertTrue(vocabulary.contains(symbol), symbol);
    }
    assertEquals(262, vocabulary.size());
    // Ġ t, t h and h e count 13: h < t < Ġ (U+0120). Then Ġthe n (3), then the emoji's byte
    // pairs (2 each), ð (U+00F0) first.
    assertEquals(List.of("h e", "t he", "Ġ the", "Ġthe n", "ð Ł"), strings(bpe.merges()));
  }

  @Test
  void theByteTableIsGpt2s() {
    assertEquals('Ġ', ByteLevelAlphabet.symbol(' '));
    assertEquals('Ā', ByteLevelAlphabet.symbol(0));
    assertEquals('Ċ', ByteLevelAlphabet.symbol('\n'));
    assertEquals('a', ByteLevelAlphabet.symbol('a'));
    assertEquals('ġ', ByteLevelAlphabet.symbol(0x7F)); // DEL, right after the 33 control bytes
    assertEquals('ł', ByteLevelAlphabet.symbol(0xA0)); // no-break space
    assertEquals('Ń', ByteLevelAlphabet.symbol(0xAD)); // soft hyphen, the last non-printable
    assertEquals("ðŁĺĢ", ByteLevelAlphabet.encode("\uD83D\uDE00"));
    assertEquals(256, ByteLevelAlphabet.symbols().stream().distinct().count());
  }

  @Test
  void writesMergesTxtAndVocabJson(@TempDir Path dir) throws IOException {
    TrainedBpe bpe = BpeTrainer.train(CLASSIC, CLASSIC_OPTIONS.withVocabularySize(16));
    bpe.writeMergesTxt(dir.resolve("merges.txt"));
    bpe.writeVocabJson(dir.resolve("vocab.json"));

    assertEquals("#version: 0.2\ne s\nes t</w>\nl o\n",
        Files.readString(dir.resolve("merges.txt"), StandardCharsets.UTF_8));
    String json = Files.readString(dir.resolve("vocab.json"), StandardCharsets.UTF_8);
    assertTrue(json.startsWith("{\"d\":0,\"e\":1,"), json);
    assertTrue(json.contains("\"r</w>\":10"), json); // no HTML escaping of < and >
    Map<String, Integer> read =
        new Gson().fromJson(json, new TypeToken<Map<String, Integer>>() {}.getType());
    for (int id = 0; id < bpe.vocabulary().size(); id++) {
      assertEquals(id, read.get(bpe.vocabulary().token(id)));
    }
    assertEquals(bpe.vocabulary().size(), read.size());
  }

  /**
   * The incremental pair counts against a trainer that recounts every pair from scratch before
   * each merge, on random tables over a small alphabet (where merged strings often coincide).
   */
  @Test
  void agreesWithRecountingFromScratchOnRandomTables() {
    Random random = new Random(20240601);
    for (int trial = 0; trial < 300; trial++) {
      Map<String, Long> table = new LinkedHashMap<>();
      int words = 1 + random.nextInt(12);
      for (int w = 0; w < words; w++) {
        StringBuilder word = new StringBuilder();
        int length = 1 + random.nextInt(9);
        for (int i = 0; i < length; i++) {
          word.append((char) ('a' + random.nextInt(3)));
        }
        table.merge(word.toString(), 1L + random.nextInt(5), Long::sum);
      }
      String prefix = random.nextBoolean() ? "##" : "";
      String suffix = random.nextInt(3) == 0 ? "$" : "";
      BpeTrainingOptions options = BpeTrainingOptions.of(4 + random.nextInt(40))
          .withMinFrequency(1 + random.nextInt(3))
          .withContinuingSubwordPrefix(prefix)
          .withEndOfWordSuffix(suffix);

      TrainedBpe bpe = BpeTrainer.train(WordCounts.of(table), options);

      assertEquals(NaiveBpe.train(table, options), strings(bpe.merges()),
          "trial " + trial + ": " + table + " " + options);
    }
  }

  @Test
  void isDeterministicAndIndependentOfTheTableOrder(@TempDir Path dir) throws IOException {
    WordCounts counts = TestCorpus.austenCounts();
    Map<String, Long> shuffled = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(counts.asMap().keySet());
    Collections.shuffle(keys, new Random(7));
    keys.forEach(k -> shuffled.put(k, counts.count(k)));
    BpeTrainingOptions options = BpeTrainingOptions.of(3000).withEndOfWordSuffix("</w>");

    TrainedBpe first = BpeTrainer.train(counts, options);
    TrainedBpe second = BpeTrainer.train(WordCounts.of(shuffled), options);

    assertEquals(first, second);
    first.writeMergesTxt(dir.resolve("a.txt"));
    second.writeMergesTxt(dir.resolve("b.txt"));
    assertEquals(-1L, Files.mismatch(dir.resolve("a.txt"), dir.resolve("b.txt")));
    assertEquals(3000, first.vocabulary().size());
  }

  private static List<String> strings(List<BpeMerge> merges) {
    return merges.stream().map(BpeMerge::toString).toList();
  }
}
