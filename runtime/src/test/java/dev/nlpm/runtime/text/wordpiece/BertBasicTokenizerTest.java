package dev.nlpm.runtime.text.wordpiece;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BertBasicTokenizerTest {

  @Test
  void uncasedSplitsPunctuationAndCjkAndStripsAccents() {
    assertEquals(
        List.of("hello", ",", "world", "!", "don", "'", "t", "論", "語", "resume"),
        BertBasicTokenizer.of(true).words("Héllo,\tWORLD! Don't 論語 résumé\u0000"));
  }

  @Test
  void casedKeepsCaseAndAccents() {
    assertEquals(
        List.of("Héllo", ",", "WORLD", "!"), BertBasicTokenizer.of(false).words("Héllo, WORLD!"));
  }

  @Test
  void emptyAndWhitespaceGiveNoWords() {
    assertEquals(List.of(), BertBasicTokenizer.of(true).words(" \n\t "));
  }
}
