package dev.nlpm.runtime.text.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits text into sentences for next-sentence prediction and span objectives. A sentence ends
 * after {@code . ! ?} followed by whitespace or the end of the text, or after {@code 。！？} (no
 * space needed in Chinese); closing quotes and brackets right after the mark stay with the
 * sentence ({@code ?"} {@code .)} {@code 。”} {@code ！」}). It does not end after common
 * abbreviations (Mr. Mrs. Dr. St. e.g. i.e. etc. vs.), dotted ones (p.m. U.S.), a single capital initial ("J. Smith"),
 * inside a number (3.14), or at an ellipsis followed by a lowercase word. Sentences are trimmed
 * of surrounding whitespace and keep their marks.
 */
public final class SentenceSplitter {

  /** A sentence and its {@code char} range {@code [start, end)} in the text. */
  public record Sentence(String text, int start, int end) {}

  private static final Set<String> ABBREVIATIONS =
      Set.of("mr", "mrs", "ms", "dr", "st", "prof", "sr", "jr", "vs", "etc", "e.g", "i.e", "cf",
          "no", "mt", "capt", "col", "gen", "lt", "rev", "hon", "messrs", "mme", "mlle");

  /** Single letters joined by periods, the last period being the one looked at. */
  private static final java.util.regex.Pattern DOTTED =
      java.util.regex.Pattern.compile("(\\p{L}\\.)+\\p{L}");

  private SentenceSplitter() {}

  /** The sentences of {@code text}, in order. */
  public static List<Sentence> split(String text) {
    List<Sentence> sentences = new ArrayList<>();
    int start = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean wide = c == '。' || c == '！' || c == '？';
      if (!wide && c != '.' && c != '!' && c != '?') {
        continue;
      }
      int end = i + 1;
      while (end < n && isMark(text.charAt(end), wide)) {
        end++; // "?!", "..." and "。」" stay together
      }
      if (wide) {
        add(sentences, text, start, end);
        start = end;
        i = end - 1;
        continue;
      }
      if (end < n && !Character.isWhitespace(text.charAt(end))) {
        i = end - 1;
        continue; // 3.14, e.g.x, "a.b"
      }
      if (c == '.' && end - 1 == i && isAbbreviation(text, start, i)) {
        continue;
      }
      if (text.startsWith("...", end - 3) && text.charAt(end - 1) == '.' && nextWordIsLowercase(text, end)) {
        i = end - 1;
        continue;
      }
      add(sentences, text, start, end);
      start = end;
      i = end - 1;
    }
    add(sentences, text, start, n);
    return sentences;
  }

  private static boolean isMark(char c, boolean wide) {
    return c == '.' || c == '!' || c == '?' || c == '"' || c == '\'' || c == ')' || c == ']'
        || c == '”' || c == '’' || c == '」' || c == '』' || c == '）' || c == '》'
        || (wide && (c == '。' || c == '！' || c == '？'));
  }

  /** Whether the word before the period at {@code dot} is an abbreviation or an initial. */
  private static boolean isAbbreviation(String text, int from, int dot) {
    int wordStart = dot;
    while (wordStart > from && !Character.isWhitespace(text.charAt(wordStart - 1))
        && text.charAt(wordStart - 1) != '(' && text.charAt(wordStart - 1) != '"') {
      wordStart--;
    }
    String word = text.substring(wordStart, dot);
    if (word.length() == 1 && Character.isUpperCase(word.charAt(0))) {
      return true; // an initial
    }
    if (DOTTED.matcher(word).matches()) {
      return true; // p.m, U.S, e.g
    }
    return ABBREVIATIONS.contains(word.toLowerCase(java.util.Locale.ROOT));
  }

  private static boolean nextWordIsLowercase(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i < text.length() && Character.isLowerCase(text.charAt(i));
  }

  private static void add(List<Sentence> sentences, String text, int from, int to) {
    while (from < to && Character.isWhitespace(text.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
      to--;
    }
    if (to > from) {
      sentences.add(new Sentence(text.substring(from, to), from, to));
    }
  }
}
