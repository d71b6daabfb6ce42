package dev.nlpm.runtime.word2vec;

import static dev.nlpm.runtime.word2vec.Word2VecFormatTest.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator against gensim's {@code evaluate_word_analogies} on the same vectors and questions
 * (analogy-expected.json, made by make_word2vec_format_fixtures.py).
 */
class AnalogyEvaluatorTest {

  @TempDir Path dir;

  private static WordVectors vectors() throws IOException {
    return Word2VecFormat.readText(resource("analogy-vectors.txt"));
  }

  private static void assertMatchesGensim(AnalogyReport report, String key) throws IOException {
    JsonObject expected = JsonParser.parseString(
        Files.readString(resource("analogy-expected.json"))).getAsJsonObject();
    JsonArray sections = expected.getAsJsonArray(key);
    assertEquals(report.sections().size() + 1, sections.size());
    for (int i = 0; i < sections.size(); i++) {
      JsonObject gensim = sections.get(i).getAsJsonObject();
      AnalogyScore ours = i < report.sections().size() ? report.sections().get(i) : report.total();
      if (i < report.sections().size()) {
        assertEquals(gensim.get("section").getAsString(), ours.name());
      }
      int correct = gensim.get("correct").getAsInt();
      int attempted = correct + gensim.get("incorrect").getAsInt();
      assertEquals(correct, ours.correct(), key + " " + ours.name());
      assertEquals(attempted, ours.attempted(), key + " " + ours.name());
    }
  }

  private static int correctIn(String key, int section) throws IOException {
    JsonElement json = JsonParser.parseString(Files.readString(resource("analogy-expected.json")));
    return json.getAsJsonObject().getAsJsonArray(key).get(section).getAsJsonObject()
        .get("correct").getAsInt();
  }

  @Test
  void matchesGensimWithItsDefaults() throws IOException {
    AnalogyReport report = new AnalogyEvaluator().evaluate(vectors(), resource("analogy-questions.txt"));
    assertMatchesGensim(report, "300000/insensitive");
    // Skipped by construction: "prince princess" and "berlin germany" are not in the vocabulary.
    assertEquals(List.of(1, 1, 0), report.sections().stream().map(AnalogyScore::skipped).toList());
    assertEquals(List.of("family", "capital-common-countries", "gram2-comparative"),
        report.sections().stream().map(AnalogyScore::name).toList());
    assertEquals(new AnalogyScore("semantic",
        correctIn("300000/insensitive", 0) + correctIn("300000/insensitive", 1), 10, 2),
        report.semantic());
    assertEquals(new AnalogyScore("syntactic", correctIn("300000/insensitive", 2), 4, 0),
        report.syntactic());
    assertEquals(14, report.total().attempted());
    assertEquals(14 / 16.0, report.total().coverage(), 1e-12);
    assertEquals(correctIn("300000/insensitive", 3) / 14.0, report.total().accuracy(), 1e-12);
    assertTrue(report.total().correct() < 14, "the fixture must have wrong answers too");
  }

  @Test
  void caseSensitiveSkipsTheCapitalizedQuestion() throws IOException {
    AnalogyReport report = new AnalogyEvaluator(AnalogyEvaluator.DEFAULT_RESTRICT_VOCAB, false)
        .evaluate(vectors(), resource("analogy-questions.txt"));
    assertMatchesGensim(report, "300000/sensitive");
    assertEquals(2, report.sections().get(0).skipped());
  }

  @Test
  void restrictVocabSkipsQuestionsBeyondTheFirstWords() throws IOException {
    for (boolean caseInsensitive : new boolean[] {true, false}) {
      AnalogyReport report = new AnalogyEvaluator(12, caseInsensitive)
          .evaluate(vectors(), resource("analogy-questions.txt"));
      assertMatchesGensim(report, "12/" + (caseInsensitive ? "insensitive" : "sensitive"));
      assertEquals(new AnalogyScore("syntactic", 0, 0, 4), report.syntactic());
      assertEquals(0, report.syntactic().accuracy());
    }
  }

  /**
   * "KING", another case of the question word king, is nearest to woman - man + king; as in
   * gensim, a candidate whose upper case is a question word is passed over, so queen answers.
   */
  @Test
  void passesOverOtherCasesOfTheQuestionWords() throws IOException {
    float h = (float) Math.sqrt(0.5);
    WordVectors vectors = WordVectors.of(
        List.of("man", "woman", "king", "queen", "KING"),
        new float[] {
          1, 0, 0, 0, //
          0, 1, 0, 0, //
          1, 0, 1, 0, //
          0, 1, 1, 0, //
          -1 + h, 1, h, 0
        },
        4);
    Path file = dir.resolve("q.txt");
    Files.writeString(file, ": family\nman woman king queen\n");
    assertEquals(new AnalogyScore("family", 1, 1, 0),
        new AnalogyEvaluator().evaluate(vectors, file).sections().get(0));
    assertEquals(new AnalogyScore("family", 0, 1, 0),
        new AnalogyEvaluator(AnalogyEvaluator.DEFAULT_RESTRICT_VOCAB, false)
            .evaluate(vectors, file).sections().get(0),
        "case-sensitive, KING is another word and the best answer");
  }

  @Test
  void malformedLinesAreReportedAtTheLine() throws IOException {
    Path file = dir.resolve("q.txt");
    Files.writeString(file, ": family\nman woman king queen\n\nman woman king\n");
    MalformedInputFileException e = assertThrows(MalformedInputFileException.class,
        () -> new AnalogyEvaluator().evaluate(vectors(), file));
    assertEquals(4, e.line().getAsInt());
    assertTrue(e.problem().contains("four words, got 3"), e.getMessage());

    Files.writeString(file, "man woman king queen\n");
    e = assertThrows(MalformedInputFileException.class,
        () -> new AnalogyEvaluator().evaluate(vectors(), file));
    assertEquals(1, e.line().getAsInt());

    Files.writeString(file, ": family\nman woman king queen\n: \n");
    e = assertThrows(MalformedInputFileException.class,
        () -> new AnalogyEvaluator().evaluate(vectors(), file));
    assertEquals(3, e.line().getAsInt());
  }

  @Test
  void syntacticSectionsAreTheGramOnes() {
    assertTrue(AnalogyEvaluator.isSyntactic("gram3-comparative"));
    assertTrue(!AnalogyEvaluator.isSyntactic("capital-world"));
  }
}
