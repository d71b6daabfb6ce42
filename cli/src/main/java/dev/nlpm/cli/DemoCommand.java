package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.Utf8Lines;
import dev.nlpm.runtime.word2vec.AnalogyEvaluator;
import dev.nlpm.runtime.word2vec.AnalogyReport;
import dev.nlpm.runtime.word2vec.Neighbor;
import dev.nlpm.runtime.word2vec.Word2VecWeights;
import dev.nlpm.runtime.word2vec.WordVectors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm demo}: the README's main job. Compiles the standard word2vec skip-gram declaration
 * in process, trains it on text the repository ships (Jane Austen's novels, lowercased into
 * words), and shows what it learned: nearest neighbours, analogies, and the standard analogy test
 * when the shared data folder is there.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the standard word2vec skip-gram model on Jane Austen's novels (shipped in data/) and",
      "shows what it learned. A minute or two on 2 cores."
    })
final class DemoCommand implements Callable<Integer> {

  /** Words of letters and digits, inner apostrophes kept: the benchmark's tokenization. */
  private static final Pattern WORD = Pattern.compile("[a-z0-9]+(?:'[a-z0-9]+)*");
  private static final List<String> PROBES = List.of("elizabeth", "sister", "happy", "letter", "morning", "money");
  private static final List<List<String>> ANALOGIES =
      List.of(List.of("he", "she", "his"), List.of("brother", "sister", "father"), List.of("mr", "mrs", "he"));

  @Option(names = "--data", arity = "1..*", paramLabel = "FILE", description = "Text to train on instead of data/austen-novels.txt.")
  List<Path> data;

  @Option(names = {"-o", "--output"}, description = "Where to write the corpus, checkpoint and vectors (default: target/demo).")
  Path output;

  @Option(names = "--epochs", description = "Override the declared 5 epochs.")
  Integer epochs;

  @Option(names = "--threads", description = "Override the declared thread count (one per core).")
  Integer threads;

  @Option(names = "--home", hidden = true, description = "The nlpm checkout (the launcher sets it).")
  Path home;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();
    Path root = home != null ? home : Path.of(System.getProperty("nlpm.home", "."));
    Path declaration = root.resolve("stdlib-models/src/main/nlpm/dev/nlpm/models/word2vec.nlpm");
    if (!Files.isRegularFile(declaration)) {
      throw new UserError("the demo needs the nlpm checkout: no " + declaration);
    }
    List<Path> texts = data != null ? data : List.of(root.resolve("data/austen-novels.txt"));
    for (Path text : texts) {
      if (!Files.isRegularFile(text)) {
        throw new UserError("no such file: " + text);
      }
    }
    Path dir = output != null ? output : root.resolve("target/demo");
    Files.createDirectories(dir);
    Path corpus = dir.resolve("corpus.txt");
    long words = prepare(texts, corpus);
    err.printf(Locale.ROOT, "corpus: %,d words from %s, lowercased into words -> %s%n", words,
        String.join(", ", texts.stream().map(p -> p.getFileName().toString()).toList()), corpus);

    Optional<Compilation> compiled = CompilerRun.runModel(List.of(declaration), err);
    if (compiled.isEmpty()) {
      return Main.EXIT_INPUT_ERRORS;
    }
    ModelSpec model = compiled.get().models().stream().filter(m -> m.name().equals("SkipGram")).findFirst()
        .orElseThrow(() -> new IllegalStateException(declaration + " no longer declares SkipGram"));
    Word2VecWeights weights = Word2VecRun.train(compiled.get(), model, List.of(corpus), dir, false, Word2VecRun.Flags.epochsAndThreads(epochs, threads), err);
    WordVectors vectors = weights.wordVectors();

    out.printf(Locale.ROOT, "%nLearned %,d word vectors of %d dimensions in %.0f s. Nearest words by cosine:%n%n",
        vectors.size(), vectors.dimension(), (System.nanoTime() - start) / 1e9);
    List<String> probes = PROBES.stream().filter(vectors::contains).toList();
    if (probes.isEmpty()) {
      probes = vectors.words().subList(Math.min(20, vectors.size() - 1), Math.min(23, vectors.size()));
    }
    for (String probe : probes) {
      List<String> near = vectors.mostSimilar(probe, 6).stream().map(Neighbor::word).toList();
      out.printf(Locale.ROOT, "  %-12s %s%n", probe, String.join(", ", near));
    }
    List<List<String>> analogies = ANALOGIES.stream().filter(a -> a.stream().allMatch(vectors::contains)).toList();
    if (!analogies.isEmpty()) {
      out.printf(Locale.ROOT, "%nAnalogies (a is to b as c is to ?, 3CosAdd):%n%n");
      for (List<String> a : analogies) {
        List<String> answers = vectors.analogy(a.get(0), a.get(1), a.get(2), 3).stream().map(Neighbor::word).toList();
        out.printf(Locale.ROOT, "  %s : %s :: %s : %s%n", a.get(0), a.get(1), a.get(2), String.join(" / ", answers));
      }
    }
    Path questions = root.resolve("../shared/data/analogy-questions-words.txt");
    if (Files.isRegularFile(questions)) {
      AnalogyReport report = new AnalogyEvaluator().evaluate(vectors, questions);
      out.printf(Locale.ROOT, "%nThe standard analogy test (%s):%n%s%n", questions.normalize(), report.describe());
    }
    out.printf(Locale.ROOT, "%nVectors: %s (word2vec text) and %s (binary). Try:%n  ./nlpm similar %s WORD%n",
        dir.resolve("vectors.txt"), dir.resolve("vectors.bin"), dir.resolve("vectors.bin"));
    return 0;
  }

  /** Writes the texts lowercased into words, a line a sentence; returns the words written. */
  private static long prepare(List<Path> texts, Path corpus) throws IOException {
    long[] words = {0};
    AtomicFiles.write(corpus, stream -> {
      BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
      for (Path text : texts) {
        Utf8Lines.read(text, (line, content) -> {
          Matcher m = WORD.matcher(content.toLowerCase(Locale.ROOT));
          List<String> found = new ArrayList<>();
          while (m.find()) {
            found.add(m.group());
          }
          if (!found.isEmpty()) {
            writer.write(String.join(" ", found));
            writer.write('\n');
            words[0] += found.size();
          }
        });
      }
      writer.flush();
    });
    return words[0];
  }
}
