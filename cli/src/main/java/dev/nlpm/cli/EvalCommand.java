package dev.nlpm.cli;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.word2vec.AnalogyEvaluator;
import dev.nlpm.runtime.word2vec.SimilarityEvaluator;
import dev.nlpm.runtime.word2vec.WordVectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm eval VECTORS --analogies FILE --similarity FILE}: scores word vectors on the
 * standard test formats, with coverage.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Scores word vectors: analogy accuracy (`: section` headers, four words a line; semantic and",
      "syntactic sections apart) and word-pair similarity (Spearman's rho), each with its coverage."
    })
final class EvalCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "VECTORS", description = "The vectors (word2vec text, or binary if the file ends in .bin).")
  Path vectors;

  @Option(names = "--analogies", arity = "1..*", paramLabel = "FILE", description = "Analogy question files.")
  List<Path> analogies = List.of();

  @Option(names = "--similarity", arity = "1..*", paramLabel = "FILE", description = "Word-pair similarity files: word, word, score a line.")
  List<Path> similarity = List.of();

  @Option(names = "--case-sensitive", description = "Compare words as they are (default: lowercase both sides, as gensim does).")
  boolean caseSensitive;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (analogies.isEmpty() && similarity.isEmpty()) {
      throw new UserError("give --analogies FILE or --similarity FILE (or both)");
    }
    for (Path file : concat(analogies, similarity)) {
      if (!Files.isRegularFile(file)) {
        throw new UserError("no such file: " + file);
      }
    }
    WordVectors v = VectorQueries.read(vectors);
    PrintWriter out = spec.commandLine().getOut();
    try {
      for (Path file : analogies) {
        out.println(file + ":");
        out.println(new AnalogyEvaluator(AnalogyEvaluator.DEFAULT_RESTRICT_VOCAB, !caseSensitive).evaluate(v, file).describe());
      }
      for (Path file : similarity) {
        out.println(file + ": " + new SimilarityEvaluator(AnalogyEvaluator.DEFAULT_RESTRICT_VOCAB, !caseSensitive).evaluate(v, file));
      }
    } catch (MalformedInputFileException e) {
      throw new UserError(e.getMessage());
    }
    return 0;
  }

  private static List<Path> concat(List<Path> a, List<Path> b) {
    java.util.ArrayList<Path> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
