package dev.nlpm.cli;

import dev.nlpm.runtime.word2vec.WordVectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nlpm similar VECTORS WORD...}: each word's nearest neighbours by cosine similarity. */
@Command(
    name = "similar",
    mixinStandardHelpOptions = true,
    description = "Prints each word's nearest neighbours in word vectors (word2vec text, or binary if the file ends in .bin).")
final class SimilarCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "VECTORS", description = "The vectors file.")
  Path vectors;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "WORD", description = "Words to look up.")
  List<String> words;

  @Option(names = {"-k", "--top"}, defaultValue = "10", description = "How many neighbours (default: ${DEFAULT-VALUE}).")
  int top;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    WordVectors v = VectorQueries.read(vectors);
    VectorQueries.requireWords(v, words);
    PrintWriter out = spec.commandLine().getOut();
    for (String word : words) {
      if (words.size() > 1) {
        out.println(word + ":");
      }
      VectorQueries.print(out, v.mostSimilar(word, top));
    }
    return 0;
  }
}
