package dev.nlpm.runtime.text.wordpiece;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.text.Encoding;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Offsets point into the original text, whatever normalization did to its length. */
class WordPieceOffsetsTest {

  private static final WordPieceTokenizer UNCASED = WordPieceTestResources.uncasedTokenizer();
  private static final WordPieceTokenizer CASED =
      WordPieceTokenizer.of(WordPieceTestResources.uncasedVocabulary(), WordPieceOptions.cased());
  private static final WordPieceTokenizer CHINESE =
      WordPieceTokenizer.of(WordPieceTestResources.chineseVocabulary(), WordPieceOptions.uncased());

  @Test
  void capitalIWithDotLowercasesToTwoCodePointsButKeepsItsOneCharRange() {
    Encoding e = UNCASED.encode("xİstanbul İ");
    assertEquals(List.of("xi", "##stan", "##bu", "##l", "i"), e.tokens());
    assertSpan(e, 0, 0, 2);
    assertSpan(e, 4, 10, 11);
  }

  @Test
  void decomposedAccentsStayInsideTheirWord() {
    String text = "He\u0301llo re\u0301sume\u0301!";
    Encoding e = UNCASED.encode(text);
    assertEquals(List.of("hello", "resume", "!"), e.tokens());
    assertSpan(e, 0, 0, 6);
    assertSpan(e, 1, 7, 14); // the last combining mark is dropped, the piece ends at its 'e'
    assertSpan(e, 2, 15, 16);
  }

  @Test
  void surrogatePairsAreOneCharacter() {
    String text = "a\uD840\uDC00b \uD83D\uDE00 x";
    Encoding e = CHINESE.encode(text);
    // U+20000 is a CJK Extension B ideograph: a word of its own, not in the vocabulary
    assertEquals(List.of("a", "[UNK]", "b", "[UNK]", "x"), e.tokens());
    assertSpan(e, 1, 1, 3);
    assertSpan(e, 2, 3, 4);
    assertSpan(e, 3, 5, 7);
    assertSpan(e, 4, 8, 9);
  }

  @Test
  void unknownWordSpansTheWholeWordAndDroppedControlsInside() {
    String text = "ok \u2603\u200bq\u0007z done";
    Encoding e = UNCASED.encode(text);
    assertEquals(List.of("ok", "[UNK]", "done"), e.tokens());
    assertSpan(e, 1, 3, 8);
  }

  @Test
  void piecesOfOneHangulSyllableShareItsRange() {
    Encoding e = UNCASED.encode("한");
    assertTrue(e.size() > 1, e.toString());
    for (int i = 0; i < e.size(); i++) {
      assertSpan(e, i, 0, 1);
    }
  }

  @Test
  void randomTextOffsetsPointAtTheTextTheTokensCameFrom() {
    Random random = new Random(20240531);
    List<String> words = WordPieceTestResources.uncasedVocabulary().tokens();
    for (int round = 0; round < 1500; round++) {
      String text = randomText(random, words);
      checkOffsets(UNCASED, text, true);
      checkOffsets(CASED, text, false);
      checkOffsets(CHINESE, text, true);
    }
  }

  /**
   * Each token's range, normalized on its own, gives the token (minus {@code ##}); a word's pieces
   * together give the normalized range from the first to the last; an unknown word's range holds
   * no other token's; ranges do not go backwards and never cut a surrogate pair.
   */
  private static void checkOffsets(WordPieceTokenizer tokenizer, String text, boolean lowercase) {
    Encoding e = tokenizer.encode(text);
    String where = WordPieceReferenceTest.escape(text) + " -> " + e;
    int wordStart = -1;
    StringBuilder wordPieces = new StringBuilder();
    boolean wordHasUnknown = false;
    for (int i = 0; i < e.size(); i++) {
      int start = e.start(i);
      int end = e.end(i);
      assertTrue(start < end, where);
      assertFalse(splitsSurrogatePair(text, start) || splitsSurrogatePair(text, end), where);
      if (i > 0) {
        assertTrue(e.start(i - 1) <= start && e.end(i - 1) <= end, where);
      }
      String token = e.tokens().get(i);
      boolean continuation = token.startsWith("##") && token.length() > 2;
      String piece = continuation ? token.substring(2) : token;
      if (!continuation) {
        checkWord(text, e, wordStart, i, wordPieces, wordHasUnknown, lowercase, where);
        wordStart = i;
        wordPieces.setLength(0);
        wordHasUnknown = false;
      }
      wordPieces.append(piece);
      String normalized = normalize(text.substring(start, end), lowercase);
      boolean shared = (i > 0 && e.end(i - 1) > start) || (i + 1 < e.size() && e.start(i + 1) < end);
      if (token.equals("[UNK]")) {
        wordHasUnknown = true;
        assertFalse(normalized.isEmpty(), where);
        assertFalse(shared, where);
      } else if (shared) {
        assertTrue(normalized.contains(piece), where + " token " + i);
      } else {
        assertEquals(piece, normalized, where + " token " + i);
      }
    }
    checkWord(text, e, wordStart, e.size(), wordPieces, wordHasUnknown, lowercase, where);
  }

  private static void checkWord(String text, Encoding e, int first, int end, CharSequence pieces,
      boolean hasUnknown, boolean lowercase, String where) {
    if (first < 0 || hasUnknown) {
      return;
    }
    String range = text.substring(e.start(first), e.end(end - 1));
    assertEquals(pieces.toString(), normalize(range, lowercase), where + " word at " + first);
  }

  private static boolean splitsSurrogatePair(String text, int index) {
    return index > 0 && index < text.length()
        && Character.isHighSurrogate(text.charAt(index - 1))
        && Character.isLowSurrogate(text.charAt(index));
  }

  /**
   * BERT's normalization written independently of the tokenizer: controls dropped, then
   * lowercase and NFD without nonspacing marks. Java's toLowerCase agrees with Python's
   * str.lower() except for capital sigma at a word's end, which the random text leaves out.
   */
  private static String normalize(String s, boolean lowercase) {
    StringBuilder kept = new StringBuilder();
    s.codePoints().forEach(cp -> {
      int type = Character.getType(cp);
      boolean control = (type == Character.CONTROL || type == Character.FORMAT)
          && cp != '\t' && cp != '\n' && cp != '\r';
      if (cp != 0 && cp != 0xFFFD && !control) {
        kept.appendCodePoint(cp);
      }
    });
    if (!lowercase) {
      return kept.toString();
    }
    String nfd = Normalizer.normalize(kept.toString().toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder();
    nfd.codePoints()
        .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  private static final int[][] RANGES = {
    {'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'!', '/'}, {' ', ' '}, {0xC0, 0xFF}, {0x300, 0x36F},
    {0x3B1, 0x3C9}, {0x410, 0x44F}, {0xAC00, 0xAC20}, {0x4E00, 0x4E80}, {0x20000, 0x20010},
    {0x1F600, 0x1F64F}, {0x1F3FB, 0x1F3FF}, {0x200B, 0x200D}, {0x0, 0x1F}, {0x2028, 0x2029},
    {0x130, 0x130}, {0x3000, 0x3003}, {0xFFFD, 0xFFFD}, {0xF900, 0xF90F}, {0xFB00, 0xFB06},
  };

  private static String randomText(Random random, List<String> words) {
    StringBuilder b = new StringBuilder();
    int parts = random.nextInt(8);
    for (int p = 0; p < parts; p++) {
      if (random.nextInt(3) == 0) {
        String word = words.get(random.nextInt(words.size())).replace("##", "");
        b.append(random.nextBoolean() ? word : word.toUpperCase(Locale.ROOT).replace("Σ", "S"));
      } else {
        int n = 1 + random.nextInt(6);
        for (int k = 0; k < n; k++) {
          int[] range = RANGES[random.nextInt(RANGES.length)];
          b.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
        }
      }
      b.append(random.nextInt(4) == 0 ? "" : " ");
    }
    return b.toString();
  }

  private static void assertSpan(Encoding e, int token, int start, int end) {
    assertEquals(start + ":" + end, e.start(token) + ":" + e.end(token), e.toString());
  }
}
