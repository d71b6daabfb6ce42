package dev.nlpm.cli;

import dev.nlpm.runtime.word2vec.WordVectors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nlpm analogy VECTORS A B C}: "A is to B as C is to ?" by 3CosAdd. */
@Command(
    name = "analogy",
    mixinStandardHelpOptions = true,
    description = "Answers \"A is to B as C is to ?\" with the words closest to B - A + C (3CosAdd), leaving out A, B and C.")
final class AnalogyCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "VECTORS", description = "The vectors file (word2vec text, or binary if it ends in .bin).")
  Path vectors;

  @Parameters(index = "1", paramLabel = "A")
  String a;

  @Parameters(index = "2", paramLabel = "B")
  String b;

  @Parameters(index = "3", paramLabel = "C")
  String c;

  @Option(names = {"-k", "--top"}, defaultValue = "5", description = "How many answers (default: ${DEFAULT-VALUE}).")
  int top;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    WordVectors v = VectorQueries.read(vectors);
    VectorQueries.requireWords(v, List.of(a, b, c));
    VectorQueries.print(spec.commandLine().getOut(), v.analogy(a, b, c, top));
    return 0;
  }
}
