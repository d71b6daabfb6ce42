package dev.nlpm.benchmarks;

import dev.nlpm.runtime.text.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Tokens per second of the WordPiece (BERT base uncased) and byte-level BPE (GPT-2) tokenizers
 * over an English corpus, one line at a time, on one thread: the {@code tokens} counter is the
 * figure; one operation is one pass over the corpus. Run through {@code
 * benchmarks/tokenizers/run.sh}, which also runs the reference implementations on the same lines.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class TokenizerThroughputBenchmark {

  /** The English texts of the shared data folder, 15.7 MB. */
  static final List<String> ENGLISH =
      List.of(
          "austen-novels.txt",
          "bible-kjv.txt",
          "dostoevsky-crime-and-punishment.txt",
          "tinyshakespeare.txt",
          "tolstoy-anna-karenina.txt",
          "tolstoy-war-and-peace.txt");

  /** The shared data folder: the {@link #ENGLISH} texts, and {@code vocab/} with the published vocabularies. */
  @Param("../shared/data")
  public String data;

  @Param({"wordpiece", "bpe"})
  public String tokenizer;

  private List<String> lines;
  private Tokenizer instance;

  /** Counts the tokens produced, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Tokens {
    public long tokens;

    @Setup(Level.Iteration)
    public void reset() {
      tokens = 0;
    }
  }

  @Setup
  public void setUp() throws IOException {
    lines = new ArrayList<>();
    for (String file : ENGLISH) {
      lines.addAll(Files.readAllLines(Path.of(data, file), StandardCharsets.UTF_8));
    }
    instance = BenchmarkTokenizers.load(tokenizer, Path.of(data, "vocab"));
  }

  @Benchmark
  public long encodeCorpus(Tokens counter) {
    long n = 0;
    for (String line : lines) {
      n += instance.encodeIds(line).length;
    }
    counter.tokens += n;
    return n;
  }
}
