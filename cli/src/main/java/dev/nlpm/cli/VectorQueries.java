package dev.nlpm.cli;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.word2vec.Neighbor;
import dev.nlpm.runtime.word2vec.Word2VecFormat;
import dev.nlpm.runtime.word2vec.WordVectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What {@code similar} and {@code analogy} share: reading vectors and printing neighbours. */
final class VectorQueries {

  private VectorQueries() {}

  /** Vectors in word2vec's binary format if the name ends in {@code .bin}, its text format otherwise. */
  static WordVectors read(Path file) throws IOException {
    if (Files.isDirectory(file) && Files.isRegularFile(file.resolve("model.safetensors"))) {
      throw new UserError(file + " is an encoder's or decoder's model directory; this command reads word2vec vectors"
          + " (an encoder answers fill-mask and embed, a decoder sample; train reports a decoder's held-out perplexity)");
    }
    if (!Files.isRegularFile(file)) {
      throw new UserError("no such file: " + file);
    }
    try {
      return Word2VecFormat.read(file, file.getFileName().toString().endsWith(".bin"));
    } catch (MalformedInputFileException e) {
      throw new UserError(e.getMessage());
    }
  }

  static void requireWords(WordVectors vectors, List<String> words) {
    for (String word : words) {
      if (!vectors.contains(word)) {
        throw new UserError("\"" + word + "\" is not in the vocabulary (" + String.format(Locale.ROOT, "%,d", vectors.size()) + " words)");
      }
    }
  }

  static void print(PrintWriter out, List<Neighbor> neighbors) {
    for (Neighbor n : neighbors) {
      out.printf(Locale.ROOT, "%-20s %.4f%n", n.word(), n.similarity());
    }
  }
}
