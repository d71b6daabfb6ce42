package dev.nlpm.runtime.text.bpe;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenization: contractions, runs of letters, of digits and of other symbols (each
 * optionally led by one space), and whitespace, exactly as {@code encoder.py}'s pattern splits
 * them with Python's {@code regex} module. {@link Pattern#UNICODE_CHARACTER_CLASS} makes Java's
 * {@code \s} the Unicode White_Space set, which is what {@code regex} matches (checked code point
 * by code point: both are the same 25 characters).
 */
public final class Gpt2PreTokenizer {

  /** GPT-2's pattern, character for character. */
  public static final Pattern PATTERN =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private Gpt2PreTokenizer() {}

  /** The pieces of {@code text}, in order; concatenated they give {@code text} back. */
  public static List<String> split(String text) {
    List<String> pieces = new ArrayList<>();
    Matcher m = PATTERN.matcher(text);
    while (m.find()) {
      pieces.add(m.group());
    }
    return pieces;
  }

  /** Receives each piece of a text as the range {@code [start, end)} of its chars. */
  @FunctionalInterface
  interface PieceSink {
    void piece(int start, int end);
  }

  /** Hands each piece of {@code text} to {@code sink} by its char range. */
  static void split(String text, PieceSink sink) {
    Matcher m = PATTERN.matcher(text);
    while (m.find()) {
      sink.piece(m.start(), m.end());
    }
  }
}
