package dev.nlpm.benchmarks;

import dev.nlpm.runtime.text.Tokenizer;
import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/** The published tokenizers the benchmarks measure, loaded from the shared vocabulary folder. */
final class BenchmarkTokenizers {

  private BenchmarkTokenizers() {}

  /** {@code wordpiece}: BERT base uncased; {@code bpe}: GPT-2. */
  static Tokenizer load(String name, Path vocabDir) throws IOException {
    return switch (name) {
      case "wordpiece" -> WordPieceTokenizer.fromVocabTxt(
          vocabDir.resolve("bert-base-uncased-vocab.txt"), WordPieceOptions.uncased());
      case "bpe" -> ByteLevelBpeTokenizer.fromFiles(
          vocabDir.resolve("gpt2-vocab.json"), vocabDir.resolve("gpt2-merges.txt"));
      default -> throw new IllegalArgumentException("unknown tokenizer: " + name);
    };
  }
}
