package dev.nlpm.runtime.text.wordpiece;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.text.Encoding;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token for token against BERT's reference {@code tokenization.py} on the published vocabularies
 * ({@code make_wordpiece_fixtures.py} wrote the fixture): hand-written cases (accents,
 * contractions, Chinese, mixed scripts, emoji, controls, empty, long words) and 2000 seeded
 * random strings, uncased, cased and with the Chinese vocabulary.
 */
class WordPieceReferenceTest {

  private static JsonObject fixture;
  private static Map<String, WordPieceTokenizer> tokenizers;

  @BeforeAll
  static void load() throws IOException {
    try (Reader in = new InputStreamReader(
        WordPieceTestResources.open("wordpiece-reference.json.gz"), StandardCharsets.UTF_8)) {
      fixture = JsonParser.parseReader(in).getAsJsonObject();
    }
    tokenizers = Map.of(
        "uncased", WordPieceTokenizer.of(WordPieceTestResources.uncasedVocabulary(), WordPieceOptions.uncased()),
        "cased", WordPieceTokenizer.of(WordPieceTestResources.uncasedVocabulary(), WordPieceOptions.cased()),
        "chinese", WordPieceTokenizer.of(WordPieceTestResources.chineseVocabulary(), WordPieceOptions.uncased()));
  }

  @Test
  void everyCaseMatchesTheReferenceTokensAndIds() {
    JsonArray cases = fixture.getAsJsonArray("cases");
    assertTrue(cases.size() >= 2000, "the fixture has " + cases.size() + " cases");
    List<String> failures = new ArrayList<>();
    int compared = 0;
    for (JsonElement c : cases) {
      JsonObject testCase = c.getAsJsonObject();
      String text = testCase.get("text").getAsString();
      for (Map.Entry<String, WordPieceTokenizer> entry : tokenizers.entrySet()) {
        JsonObject expected = testCase.getAsJsonObject(entry.getKey());
        List<String> expectedTokens = strings(expected.getAsJsonArray("tokens"));
        int[] expectedIds = ints(expected.getAsJsonArray("ids"));
        Encoding actual = entry.getValue().encode(text);
        compared++;
        if (!actual.tokens().equals(expectedTokens)
            || !java.util.Arrays.equals(actual.ids(), expectedIds)) {
          failures.add(entry.getKey() + " " + escape(text) + "\n  expected " + expectedTokens
              + "\n  actual   " + actual.tokens());
        }
      }
    }
    assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())),
        failures.size() + " of " + compared + " differ");
  }

  @Test
  void handWrittenCasesHaveTheReferenceTokens() {
    WordPieceTokenizer uncased = tokenizers.get("uncased");
    assertEquals(List.of("hello", ",", "world", "!", "don", "'", "t", "can", "'", "t", "i", "'", "m",
            "resume", "naive"),
        uncased.tokenize("Héllo, wörld! Don't can't I'm résumé naïve"));
    assertEquals(List.of("[UNK]"), uncased.tokenize("a".repeat(101)));
    assertArrayEquals(new int[0], uncased.encodeIds(" \t\n"));
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>(array.size());
    array.forEach(e -> out.add(e.getAsString()));
    return out;
  }

  private static int[] ints(JsonArray array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsInt();
    }
    return out;
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().forEach(cp -> {
      if (cp >= 0x20 && cp < 0x7F) {
        b.appendCodePoint(cp);
      } else {
        b.append(String.format("\\u{%X}", cp));
      }
    });
    return b.append('"').toString();
  }
}
