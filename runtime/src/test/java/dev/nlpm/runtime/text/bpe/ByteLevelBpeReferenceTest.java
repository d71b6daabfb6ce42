package dev.nlpm.runtime.text.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every input of the fixture made by OpenAI's encoder.py (runtime/src/test/python/
 * make_bpe_fixtures.py) is split into exactly the reference's pieces and gets exactly its ids, with GPT-2's published files.
 */
class ByteLevelBpeReferenceTest {

  @Test
  void everyFixtureInputGetsTheReferenceIds() throws IOException {
    ByteLevelBpeTokenizer gpt2 = Gpt2Resources.gpt2();
    JsonArray cases =
        JsonParser.parseString(Gpt2Resources.gunzip("bpe-reference.json.gz"))
            .getAsJsonObject()
            .getAsJsonArray("cases");
    assertTrue(cases.size() > 3000, "the fixture holds " + cases.size() + " cases");
    List<String> mismatches = new ArrayList<>();
    for (JsonElement c : cases) {
      String text = c.getAsJsonObject().get("text").getAsString();
      JsonArray expected = c.getAsJsonObject().getAsJsonArray("ids");
      int[] want = new int[expected.size()];
      for (int i = 0; i < want.length; i++) {
        want[i] = expected.get(i).getAsInt();
      }
      List<String> pieces = new ArrayList<>();
      c.getAsJsonObject().getAsJsonArray("pieces").forEach(p -> pieces.add(p.getAsString()));
      if (!pieces.equals(Gpt2PreTokenizer.split(text))) {
        mismatches.add(escape(text) + ": pieces " + pieces + " but split " + Gpt2PreTokenizer.split(text));
      }
      int[] got = gpt2.encodeIds(text);
      if (!java.util.Arrays.equals(want, got)) {
        mismatches.add(escape(text) + ": want " + java.util.Arrays.toString(want)
            + " got " + java.util.Arrays.toString(got));
      } else {
        assertArrayEquals(want, gpt2.encode(text).ids(), "encode and encodeIds agree");
      }
    }
    assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())),
        mismatches.size() + " of " + cases.size() + " inputs differ");
  }

  @Test
  void knownSplitsOfPublishedVocabulary() {
    ByteLevelBpeTokenizer gpt2 = Gpt2Resources.gpt2();
    assertEquals(List.of("Hello", ",", "Ġworld", "!"), gpt2.encode("Hello, world!").tokens());
    assertArrayEquals(new int[] {15496, 11, 995, 0}, gpt2.encodeIds("Hello, world!"));
    assertEquals(50256, gpt2.id("<|endoftext|>"));
    assertEquals(List.of("Don", "'t", "Ġyou", "'re"), gpt2.encode("Don't you're").tokens());
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> b.append(cp < 0x20 || cp > 0x7e ? String.format("\\u{%x}", cp) : Character.toString(cp)));
    return b.toString();
  }
}
