package dev.nlpm.runtime.text.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.text.Encoding;
import dev.nlpm.runtime.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteLevelBpeTokenizerTest {

  private static final ByteLevelBpeTokenizer GPT2 = Gpt2Resources.gpt2();

  /** Random valid Unicode: any code point but surrogates, weighted towards the BMP. */
  static String randomUnicode(Random random, int maxLength) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(maxLength + 1);
    for (int i = 0; i < n; i++) {
      int cp;
      switch (random.nextInt(4)) {
        case 0 -> cp = 0x20 + random.nextInt(0x5F);
        case 1 -> cp = random.nextInt(0x10000);
        case 2 -> cp = 0x10000 + random.nextInt(0x100000);
        default -> cp = " \t\n\u00a0\u3000".charAt(random.nextInt(5));
      }
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 'x';
      }
      b.appendCodePoint(cp);
    }
    return b.toString();
  }

  @Test
  void decodeInvertsEncodeForRandomUnicode() {
    Random random = new Random(42);
    for (int trial = 0; trial < 5000; trial++) {
      String text = randomUnicode(random, 30);
      assertEquals(text, GPT2.decode(GPT2.encodeIds(text)), () -> "round trip of " + escape(text));
    }
  }

  @Test
  void decodeInvertsEncodeForEmojiSequencesAndSurrogatePairs() {
    for (String text :
        List.of("", "👨‍👩‍👧‍👦", "🇫🇷🇯🇵", "👍🏽", "𝐀𠀀", "a\r\n\u0000b", "  \n\n  ", "<|endoftext|>")) {
      assertEquals(text, GPT2.decode(GPT2.encodeIds(text)));
    }
  }

  @Test
  void offsetsCoverTheTextInOrderAndTokensRebuildIt() {
    Random random = new Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      String text = randomUnicode(random, 25);
      Encoding e = GPT2.encode(text);
      int covered = 0;
      int previousStart = 0;
      StringBuilder bytes = new StringBuilder();
      for (int i = 0; i < e.size(); i++) {
        int start = e.start(i);
        int end = e.end(i);
        assertTrue(start <= end && end <= text.length(), "range inside the text");
        // A token may share the character a multi-byte split cut, so ranges may overlap by it.
        assertTrue(start >= previousStart && end >= covered, () -> "in order in " + escape(text));
        assertTrue(start <= covered, () -> "no gap in " + escape(text));
        previousStart = start;
        assertTrue(!Character.isLowSurrogate(text.charAt(start)), "no range starts inside a pair");
        covered = Math.max(covered, end);
        bytes.append(e.tokens().get(i));
      }
      assertEquals(text.length(), covered, () -> "every char covered in " + escape(text));
      assertEquals(ByteLevelAlphabet.encode(text), bytes.toString());
    }
  }

  @Test
  void offsetsOfAWordPointAtIt() {
    String text = "Hello, wörld";
    Encoding e = GPT2.encode(text);
    assertEquals(List.of("Hello", ",", "Ġw", "Ã¶r", "ld"), e.tokens());
    assertEquals(List.of("Hello", ",", " w", "ör", "ld"), pieces(text, e));
  }

  @Test
  void aTokenHoldingPartOfACharacterSpansTheWholeCharacter() {
    String text = "a🤯";
    Encoding e = GPT2.encode(text);
    assertTrue(e.size() > 2, "the emoji takes several byte tokens: " + e);
    for (int i = 1; i < e.size(); i++) {
      assertEquals(1, e.start(i));
      assertEquals(3, e.end(i));
    }
  }

  @Test
  void loneSurrogatesAreRejectedWithTheirIndex() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GPT2.encode("ab\uD83Dc"));
    assertEquals(
        "lone surrogate U+D83D at char index 2: text must be valid Unicode", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GPT2.encodeIds("\uDE00"));
  }

  @Test
  void theReferenceTreatsEndOfTextLiterallyAndSpecialTokensCanBeRecognized() {
    assertTrue(GPT2.encodeIds("<|endoftext|>").length > 1);
    ByteLevelBpeTokenizer withSpecials = GPT2.withSpecialTokens(List.of("<|endoftext|>"));
    int[] ids = withSpecials.encodeIds("Hi<|endoftext|> there");
    assertArrayEquals(new int[] {17250, 50256, 612}, ids);
    Encoding e = withSpecials.encode("Hi<|endoftext|> there");
    assertEquals(2, e.start(1));
    assertEquals(List.of("Hi", "<|endoftext|>", "Ġthere"), e.tokens());
    assertEquals("Hi<|endoftext|> there", withSpecials.decode(ids));
  }

  @Test
  void decodingAPartialCharacterGivesTheReplacementCharacterAsTheReferenceDoes() {
    int[] emoji = GPT2.encodeIds("🤯");
    int[] head = java.util.Arrays.copyOf(emoji, emoji.length - 1);
    assertEquals("\uFFFD", GPT2.decode(head));
    // Python: b"\xed\xbe".decode("utf-8", "replace") == "\ufffd\ufffd" (a surrogate's lead
    // byte); b"\xc0\xaf" likewise; Java's decoder gives one U+FFFD for the first.
    assertEquals("\uFFFD\uFFFD", GPT2.decode(byteIds(0xED, 0xBE)));
    assertEquals("\uFFFD\uFFFD", GPT2.decode(byteIds(0xC0, 0xAF)));
    assertEquals("a\uFFFDb", GPT2.decode(byteIds('a', 0xF0, 0x9F, 0x98, 'b')));
  }

  private static int[] byteIds(int... bytes) {
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = GPT2.id(String.valueOf(ByteLevelAlphabet.symbol(bytes[i])));
    }
    return ids;
  }

  @Test
  void mergesApplyLowestRankFirstAndEveryOccurrenceLeftToRight() {
    List<String> tokens = new ArrayList<>(ByteLevelAlphabet.symbols());
    tokens.add("aa");
    tokens.add("ab");
    Vocabulary vocabulary = Vocabulary.of(tokens);
    ByteLevelBpeTokenizer bpe =
        ByteLevelBpeTokenizer.of(vocabulary, List.of(new Merge("a", "b"), new Merge("a", "a")));
    assertEquals(List.of("aa", "a"), bpe.encode("aaa").tokens());
    assertEquals(List.of("a", "ab"), bpe.encode("aab").tokens());
  }

  private static List<String> pieces(String text, Encoding e) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < e.size(); i++) {
      out.add(text.substring(e.start(i), e.end(i)));
    }
    return out;
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> b.append(cp < 0x20 || cp > 0x7e ? String.format("\\u{%x}", cp) : Character.toString(cp)));
    return b.toString();
  }
}
