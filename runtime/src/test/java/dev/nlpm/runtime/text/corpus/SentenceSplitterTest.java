package dev.nlpm.runtime.text.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

  private static List<String> sentences(String text) {
    List<SentenceSplitter.Sentence> split = SentenceSplitter.split(text);
    for (SentenceSplitter.Sentence s : split) {
      assertEquals(s.text(), text.substring(s.start(), s.end()), "offsets point at the sentence");
    }
    return split.stream().map(SentenceSplitter.Sentence::text).toList();
  }

  @Test
  void splitsAfterEndMarksFollowedBySpace() {
    assertEquals(
        List.of("It is a truth universally acknowledged.", "Is it?", "Yes!"),
        sentences("It is a truth universally acknowledged. Is it?  Yes!"));
  }

  @Test
  void closingQuotesAndBracketsStayWithTheirSentence() {
    assertEquals(
        List.of("\"Are you mad?\"", "she cried.", "(He was not.)", "Then he left."),
        sentences("\"Are you mad?\" she cried. (He was not.) Then he left."));
  }

  @Test
  void abbreviationsInitialsAndDecimalsDoNotEndASentence() {
    assertEquals(
        List.of("Mr. Darcy met Mrs. Bennet and Dr. J. Smith at 3.14 p.m. near St. Paul's.",
            "They left."),
        sentences("Mr. Darcy met Mrs. Bennet and Dr. J. Smith at 3.14 p.m. near St. Paul's. They left."));
    assertEquals(List.of("Bring tea, cake, etc. to the room."), sentences("Bring tea, cake, etc. to the room."));
  }

  @Test
  void anEllipsisContinuesTheSentenceOnlyBeforeALowercaseWord() {
    assertEquals(
        List.of("He paused... and went on.", "Then...", "Nothing."),
        sentences("He paused... and went on. Then... Nothing."));
  }

  @Test
  void kingJamesVersesSplitOnTheirColonlessEnds() {
    assertEquals(
        List.of("In the beginning God created the heaven and the earth.",
            "And the earth was without form, and void; and darkness was upon the face of the deep."),
        sentences("In the beginning God created the heaven and the earth. And the earth was without"
            + " form, and void; and darkness was upon the face of the deep."));
  }

  @Test
  void chineseSplitsAfterFullWidthMarksAndKeepsClosingQuotes() throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("analects-head.txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")[0];
    }
    assertEquals(
        List.of("子曰：“学而时习之，不亦说乎？", "有朋自远方来，不亦乐乎？", "人不知而不愠，不亦君子乎？”"),
        sentences(text));
    assertEquals(List.of("子曰：“巧言令色，鲜矣仁！”", "好。"), sentences("子曰：“巧言令色，鲜矣仁！”好。"));
  }

  @Test
  void textWithoutMarksIsOneSentenceAndBlankTextNone() {
    assertEquals(List.of("no end mark here"), sentences("  no end mark here "));
    assertEquals(List.of(), sentences("   "));
  }
}
