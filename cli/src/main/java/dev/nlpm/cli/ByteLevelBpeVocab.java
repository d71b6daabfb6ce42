package dev.nlpm.cli;

import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import dev.nlpm.runtime.text.bpe.Gpt2PreTokenizer;
import dev.nlpm.runtime.text.train.BpeTrainer;
import dev.nlpm.runtime.text.train.BpeTrainingOptions;
import dev.nlpm.runtime.text.train.TrainedBpe;
import dev.nlpm.runtime.text.train.WordCounter;
import dev.nlpm.runtime.text.train.WordCounts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Training and loading GPT-2-style byte-level BPE vocabularies for the command line. */
final class ByteLevelBpeVocab {

  private ByteLevelBpeVocab() {}

  /** The counts of GPT-2's pre-tokenized pieces (as text, not yet byte symbols). */
  static WordCounts count(List<Path> files, Progress progress) throws IOException {
    return WordCounter.countFiles(files, Gpt2PreTokenizer::split, progress::bytes);
  }

  /** Trains on {@code counts}, writes vocab.json and merges.txt into {@code dir}. */
  static ByteLevelBpeTokenizer train(
      WordCounts counts, int size, long minFrequency, Path dir, PrintWriter out)
      throws IOException {
    TrainedBpe trained =
        BpeTrainer.train(
            counts.byteLevel(),
            BpeTrainingOptions.byteLevel(size).withMinFrequency(minFrequency));
    ByteLevelBpeTokenizer tokenizer = trained.byteLevelTokenizer();
    tokenizer.writeTo(dir);
    out.printf(
        "wrote %s and %s (%d tokens, %d merges)%n",
        dir.resolve("vocab.json"),
        dir.resolve("merges.txt"),
        tokenizer.vocabulary().size(),
        tokenizer.merges().size());
    return tokenizer;
  }

  /** Loads DIR/vocab.json and DIR/merges.txt. */
  static ByteLevelBpeTokenizer load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new UserError("no such folder: " + dir);
    }
    TokenizeCommand.existing(dir.resolve("vocab.json"));
    TokenizeCommand.existing(dir.resolve("merges.txt"));
    return ByteLevelBpeTokenizer.fromDirectory(dir);
  }
}
