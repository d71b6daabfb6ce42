package dev.nlpm.cli;

import dev.nlpm.runtime.text.Tokenizer;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.train.WordCounter;
import dev.nlpm.runtime.text.train.WordCounts;
import dev.nlpm.runtime.text.train.WordPieceTrainer;
import dev.nlpm.runtime.text.train.WordPieceTrainingOptions;
import dev.nlpm.runtime.text.wordpiece.BertBasicTokenizer;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm vocab}: trains a tokenizer vocabulary on text files, streaming over them, and
 * prints how frequent and rare words split with it.
 */
@Command(
    name = "vocab",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a WordPiece (BERT) or byte-level BPE (GPT-2) vocabulary on UTF-8 text files.",
      "Writes DIR/vocab.txt (wordpiece) or DIR/vocab.json and DIR/merges.txt (bpe), atomically."
    })
final class VocabCommand implements Callable<Integer> {

  enum Kind {
    wordpiece,
    bpe
  }

  @Option(names = "--kind", defaultValue = "wordpiece", description = "wordpiece or bpe (default: ${DEFAULT-VALUE}).")
  Kind kind;

  @Option(names = "--size", defaultValue = "30000", description = "Vocabulary size, special tokens included (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--min-frequency", defaultValue = "2", description = "Fewest occurrences of a pair to merge it (default: ${DEFAULT-VALUE}).")
  long minFrequency;

  @Option(names = "--cased", description = "WordPiece only: keep case and accents (default: lowercase and strip accents, as BERT uncased).")
  boolean cased;

  @Option(names = {"-o", "--output"}, required = true, description = "The folder to write the vocabulary into.")
  Path output;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "UTF-8 text files to train on.")
  List<Path> files;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new UserError("no such file: " + file);
      }
    }
    if (size < 1) {
      throw new UserError("--size must be positive, got " + size);
    }
    long start = System.nanoTime();
    Progress progress = new Progress(err, "counting words");
    Tokenizer tokenizer;
    WordCounts counts;
    switch (kind) {
      case wordpiece -> {
        WordPieceOptions options = cased ? WordPieceOptions.cased() : WordPieceOptions.uncased();
        BertBasicTokenizer basic = BertBasicTokenizer.of(options);
        counts = WordCounter.countFiles(files, basic::words, progress::bytes);
        Vocabulary vocabulary =
            WordPieceTrainer.train(
                counts,
                WordPieceTrainingOptions.bert(size).withMinFrequency(minFrequency));
        Path file = output.resolve("vocab.txt");
        vocabulary.writeVocabTxt(file);
        out.printf("wrote %s (%d tokens)%n", file, vocabulary.size());
        tokenizer = WordPieceTokenizer.of(vocabulary, options);
      }
      case bpe -> {
        counts = ByteLevelBpeVocab.count(files, progress);
        tokenizer = ByteLevelBpeVocab.train(counts, size, minFrequency, output, out);
      }
      default -> throw new IllegalStateException(kind.name());
    }
    out.printf(
        Locale.ROOT,
        "%,d words, %,d distinct, in %.1f s%n",
        counts.totalCount(),
        counts.size(),
        (System.nanoTime() - start) / 1e9);
    printSample(out, counts, tokenizer);
    return 0;
  }

  /** The most frequent words and some rare ones, as the new vocabulary splits them. */
  private static void printSample(PrintWriter out, WordCounts counts, Tokenizer tokenizer) {
    List<WordCounts.Entry> all = counts.mostFrequent(counts.size());
    List<WordCounts.Entry> sample = new ArrayList<>(all.subList(0, Math.min(10, all.size())));
    List<WordCounts.Entry> rare =
        all.stream()
            .filter(e -> e.count() <= 2 && e.word().strip().length() >= 10)
            .filter(e -> e.word().strip().chars().allMatch(Character::isLetter))
            .toList();
    for (int i = 0; i < 10 && !rare.isEmpty(); i++) {
      sample.add(rare.get((int) ((long) i * rare.size() / 10)));
    }
    out.println("sample (word, count: pieces):");
    for (WordCounts.Entry e : sample) {
      out.printf(
          Locale.ROOT,
          "  %-22s %,9d: %s%n",
          e.word(),
          e.count(),
          String.join(" ", tokenizer.encode(e.word()).tokens()));
    }
  }
}
