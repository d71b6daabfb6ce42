package dev.nlpm.runtime.text.wordpiece;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding as HuggingFace's BertTokenizer.decode with clean_up_tokenization_spaces. */
class WordPieceDecodeTest {

  private static final WordPieceTokenizer TOKENIZER = WordPieceTestResources.uncasedTokenizer();

  private static int[] ids(String... tokens) {
    return List.of(tokens).stream()
        .mapToInt(t -> TOKENIZER.vocabulary().id(t).orElseThrow()).toArray();
  }

  @Test
  void continuationsGlueToThePreviousToken() {
    assertEquals("embedding tokenization",
        TOKENIZER.decode(ids("em", "##bed", "##ding", "token", "##ization")));
  }

  @Test
  void cleanupRemovesSpacesBeforePunctuationAndInContractions() {
    assertEquals("hello, world! i'm here. don't you? it's we've they're",
        TOKENIZER.decode(TOKENIZER.encodeIds(
            "Hello, world! I'm here. Don't you? It's we've they're")));
  }

  @Test
  void specialTokensAreKeptByDefaultAndSkippedOnRequest() {
    int[] ids = TOKENIZER.encodePair("Hello", "world.", 16).ids();
    assertEquals("[CLS] hello [SEP] world. [SEP]", TOKENIZER.decode(ids));
    assertEquals("hello world.", TOKENIZER.decode(ids, true));
    assertEquals("", TOKENIZER.decode(ids("[PAD]", "[MASK]"), true));
  }

  @Test
  void aLeadingContinuationKeepsItsPrefixAsHuggingFaceDoes() {
    assertEquals("##ing", TOKENIZER.decode(ids("##ing")));
    assertEquals("", TOKENIZER.decode(new int[0]));
  }

  @Test
  void idsOutsideTheVocabularyAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TOKENIZER.decode(new int[] {30522}));
    assertEquals("id 30522 is not in the vocabulary of 30522 tokens", e.getMessage());
  }

  @Test
  void encodePairTruncatesTheLongerSegmentFirst() {
    PairEncoding pair = TOKENIZER.encodePair("a b c d e f", "x y", 8);
    assertArrayEquals(
        ids("[CLS]", "a", "b", "c", "[SEP]", "x", "y", "[SEP]"), pair.ids());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1}, pair.segmentIds());
    PairEncoding even = TOKENIZER.encodePair("a b c", "x y z", 7);
    assertArrayEquals(ids("[CLS]", "a", "b", "[SEP]", "x", "y", "[SEP]"), even.ids());
    PairEncoding single = TOKENIZER.encodeSingle("a b c", 4);
    assertArrayEquals(ids("[CLS]", "a", "b", "[SEP]"), single.ids());
    assertArrayEquals(new int[4], single.segmentIds());
  }
}
