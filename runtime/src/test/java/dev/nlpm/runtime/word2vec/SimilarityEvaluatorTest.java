package dev.nlpm.runtime.word2vec;

import static dev.nlpm.runtime.word2vec.Word2VecFormatTest.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimilarityEvaluatorTest {

  @TempDir Path dir;

  /** gensim's evaluate_word_pairs on the same vectors and pairs (similarity-expected.json). */
  @Test
  void matchesGensim() throws IOException {
    WordVectors vectors = Word2VecFormat.readText(resource("analogy-vectors.txt"));
    SimilarityReport report =
        new SimilarityEvaluator().evaluate(vectors, resource("similarity-pairs.tsv"));
    JsonObject expected = JsonParser.parseString(
        Files.readString(resource("similarity-expected.json"))).getAsJsonObject();
    // "berlin germany" is out of the vocabulary; "King QUEEN" matches king and queen by case.
    assertEquals(9, report.pairsUsed());
    assertEquals(10, report.pairsTotal());
    assertEquals(0.9, report.coverage(), 1e-12);
    assertEquals(expected.get("oov_percent").getAsDouble(), 100 * (1 - report.coverage()), 1e-9);
    assertEquals(expected.get("spearman").getAsDouble(), report.spearman(), 1e-12);
    // gensim computes the cosines in float32.
    assertEquals(expected.get("pearson").getAsDouble(), report.pearson(), 1e-6);
  }

  /**
   * Human scores (1, 2, 2, 3) and vectors whose cosines with "q" are increasing except one swap:
   * rho = 0.9486832980505139 as in {@link CorrelationTest}.
   */
  @Test
  void spearmanOverThePairsInVocabulary() throws IOException {
    WordVectors vectors = WordVectors.of(
        List.of("q", "a", "b", "c", "d"),
        new float[] {1, 0, 0.1f, 1, 0.7f, 1, 0.4f, 1, 1.5f, 1},
        2);
    Path file = dir.resolve("pairs.txt");
    Files.writeString(file, "# comment\nq a 1\nq b 2\n\nq c 2\nq d 3\nq nothing 5\n");
    SimilarityReport report = new SimilarityEvaluator().evaluate(vectors, file);
    assertEquals(4, report.pairsUsed());
    assertEquals(5, report.pairsTotal());
    assertEquals(0.9486832980505139, report.spearman(), 1e-12);
  }

  @Test
  void malformedLinesAreReportedAtTheLine() throws IOException {
    WordVectors vectors = Word2VecFormat.readText(resource("analogy-vectors.txt"));
    Path file = dir.resolve("pairs.txt");
    Files.writeString(file, "# c\nman\twoman\t3\nman woman\n");
    MalformedInputFileException e = assertThrows(MalformedInputFileException.class,
        () -> new SimilarityEvaluator().evaluate(vectors, file));
    assertEquals(3, e.line().getAsInt());
    Files.writeString(file, "man\twoman\thigh\n");
    e = assertThrows(MalformedInputFileException.class,
        () -> new SimilarityEvaluator().evaluate(vectors, file));
    assertEquals(1, e.line().getAsInt());
    assertTrue(e.problem().contains("\"high\""), e.getMessage());
  }
}
