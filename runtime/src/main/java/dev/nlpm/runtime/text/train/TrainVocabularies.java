package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a WordPiece vocabulary (lower-cased, BERT's special tokens) and a byte-level BPE
 * vocabulary (cased, GPT-2's byte symbols) on text files, from one counting pass with the plain
 * {@link PreTokenizer#whitespaceAndPunctuation()} split, writes them and prints timings and a
 * sample of how frequent and rare words split.
 *
 * <pre>
 * java -cp runtime/target/classes dev.nlpm.runtime.text.train.TrainVocabularies \
 *     [--out DIR] [--wordpiece-size 8000] [--bpe-size 8000] FILE...
 * </pre>
 *
 * <p>Writes {@code DIR/wordpiece/vocab.txt}, {@code DIR/bpe/vocab.json} and {@code
 * DIR/bpe/merges.txt} ({@code DIR} defaults to {@code trained-vocabularies}).
 */
public final class TrainVocabularies {

  private TrainVocabularies() {}

  /** Runs from the command line; see the class comment. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of("trained-vocabularies");
    int wordPieceSize = 8000;
    int bpeSize = 8000;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--wordpiece-size" -> wordPieceSize = Integer.parseInt(args[++i]);
        case "--bpe-size" -> bpeSize = Integer.parseInt(args[++i]);
        default -> files.add(Path.of(args[i]));
      }
    }
    if (files.isEmpty()) {
      System.err.println("usage: TrainVocabularies [--out DIR] [--wordpiece-size N]"
          + " [--bpe-size N] FILE...");
      System.exit(2);
    }
    run(files, out, wordPieceSize, bpeSize, System.out);
  }

  /**
   * Counts the words of {@code files}, trains both vocabularies, writes them under {@code out} and
   * prints to {@code log} the timings and, for the 12 most frequent words and 12 rare ones, their
   * WordPiece and BPE pieces.
   */
  public static void run(List<Path> files, Path out, int wordPieceSize, int bpeSize,
      PrintStream log) throws IOException {
    long start = System.nanoTime();
    int[] lastDecile = {0};
    WordCounts cased = WordCounter.countFiles(files, PreTokenizer.whitespaceAndPunctuation(),
        (read, total) -> {
          int decile = total == 0 ? 10 : (int) (read * 10 / total);
          if (decile > lastDecile[0]) {
            lastDecile[0] = decile;
            log.printf(Locale.ROOT, "  counted %d%% of %,d bytes%n", decile * 10, total);
          }
        });
    WordCounts lowercased = lowercase(cased);
    long counted = System.nanoTime();
    log.printf(Locale.ROOT, "counted %,d words, %,d distinct (%,d lower-cased) in %.2f s%n",
        cased.totalCount(), cased.size(), lowercased.size(), seconds(start, counted));

    Vocabulary wordPiece =
        WordPieceTrainer.train(lowercased, WordPieceTrainingOptions.bert(wordPieceSize));
    long wordPieceDone = System.nanoTime();
    wordPiece.writeVocabTxt(out.resolve("wordpiece").resolve("vocab.txt"));
    log.printf(Locale.ROOT, "WordPiece: %,d tokens in %.2f s%n",
        wordPiece.size(), seconds(counted, wordPieceDone));

    long bpeStart = System.nanoTime();
    TrainedBpe bpe = BpeTrainer.train(
        ByteLevelAlphabet.mapCounts(cased), BpeTrainingOptions.byteLevel(bpeSize));
    long bpeDone = System.nanoTime();
    bpe.writeVocabJson(out.resolve("bpe").resolve("vocab.json"));
    bpe.writeMergesTxt(out.resolve("bpe").resolve("merges.txt"));
    log.printf(Locale.ROOT, "byte-level BPE: %,d tokens, %,d merges in %.2f s%n",
        bpe.vocabulary().size(), bpe.merges().size(), seconds(bpeStart, bpeDone));

    List<String> sample = new ArrayList<>();
    cased.mostFrequent(12).forEach(e -> sample.add(e.word()));
    sample.addAll(rareWords(cased, 12));
    Map<String, Integer> ranks = new HashMap<>();
    for (int i = 0; i < bpe.merges().size(); i++) {
      ranks.putIfAbsent(bpe.merges().get(i).toString(), i);
    }
    log.println("word (count): WordPiece pieces | BPE pieces");
    for (String word : sample) {
      String lower = word.toLowerCase(Locale.ROOT);
      log.printf(Locale.ROOT, "  %s (%,d): %s | %s%n", word, cased.count(word),
          String.join(" ", wordPieces(lower, wordPiece)),
          String.join(" ", bpePieces(ByteLevelAlphabet.encode(word), ranks)));
    }
    log.printf(Locale.ROOT, "wrote %s%n", out.toAbsolutePath());
  }

  private static WordCounts lowercase(WordCounts counts) {
    Map<String, Long> lower = new HashMap<>(counts.size() * 2);
    counts.asMap().forEach((w, c) -> lower.merge(w.toLowerCase(Locale.ROOT), c, Long::sum));
    return WordCounts.of(lower);
  }

  /** Alphabetic words seen once or twice, longest first (ties in String order). */
  private static List<String> rareWords(WordCounts counts, int n) {
    return counts.asMap().entrySet().stream()
        .filter(e -> e.getValue() <= 2 && e.getKey().chars().allMatch(Character::isLetter))
        .map(Map.Entry::getKey)
        .sorted((a, b) -> a.length() != b.length() ? b.length() - a.length() : a.compareTo(b))
        .limit(n)
        .toList();
  }

  /** Greedy longest-match-first WordPiece, as BERT splits a word; {@code [UNK]} if it cannot. */
  static List<String> wordPieces(String word, Vocabulary vocabulary) {
    List<String> pieces = new ArrayList<>();
    for (int start = 0; start < word.length(); ) {
      int end = word.length();
      String found = null;
      for (; end > start; end--) {
        String piece = (start > 0 ? "##" : "") + word.substring(start, end);
        if (vocabulary.contains(piece)) {
          found = piece;
          break;
        }
      }
      if (found == null) {
        return List.of("[UNK]");
      }
      pieces.add(found);
      start = end;
    }
    return pieces;
  }

  /** The BPE pieces of a byte-level word: the lowest-ranked adjacent merge first, repeatedly. */
  static List<String> bpePieces(String word, Map<String, Integer> ranks) {
    List<String> pieces = new ArrayList<>();
    word.codePoints().forEach(cp -> pieces.add(new String(Character.toChars(cp))));
    while (pieces.size() > 1) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < pieces.size(); i++) {
        Integer rank = ranks.get(pieces.get(i) + " " + pieces.get(i + 1));
        if (rank != null && rank < bestRank) {
          best = i;
          bestRank = rank;
        }
      }
      if (best < 0) {
        break;
      }
      pieces.set(best, pieces.get(best) + pieces.remove(best + 1));
    }
    return pieces;
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }
}
