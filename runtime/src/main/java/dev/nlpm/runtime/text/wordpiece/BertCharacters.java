package dev.nlpm.runtime.text.wordpiece;

/**
 * The character classes of BERT's reference {@code tokenization.py}, and the parts of Python's
 * {@code str} semantics it relies on ({@code str.split()} whitespace, {@code str.lower()}), on
 * code points.
 */
final class BertCharacters {

  private static final int CAPITAL_SIGMA = 0x3A3;
  private static final int SMALL_SIGMA = 0x3C3;
  private static final int FINAL_SIGMA = 0x3C2;
  private static final int CAPITAL_I_WITH_DOT = 0x130;

  private BertCharacters() {}

  /** {@code _clean_text} drops these: NUL, U+FFFD and {@code _is_control}. */
  static boolean isDropped(int cp) {
    return cp == 0 || cp == 0xFFFD || isControl(cp);
  }

  /** {@code _is_control}: categories Cc and Cf, except tab, newline and carriage return. */
  static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT;
  }

  /**
   * Whether the cleaned text is split here: {@code _is_whitespace} (space, tab, newline, carriage
   * return, category Zs), which {@code _clean_text} turns into a space, plus what Python's
   * {@code str.split()} also splits on among the characters cleanup keeps: U+2028 and U+2029
   * (categories Zl and Zp; the other Python whitespace is Cc, already dropped).
   */
  static boolean isSplitWhitespace(int cp) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
      return true;
    }
    return cp >= 0x80 && Character.getType(cp) == Character.SPACE_SEPARATOR;
  }

  /** {@code _is_chinese_char}: exactly the reference's code point ranges. */
  static boolean isChineseChar(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  /** {@code _is_punctuation}: ASCII non-alphanumeric symbols and Unicode categories P*. */
  static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
        || (cp >= 123 && cp <= 126)) {
      return true;
    }
    if (cp < 0x80) {
      return false;
    }
    switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return false;
    }
  }

  /** Category Mn, which {@code _run_strip_accents} drops after NFD. */
  static boolean isNonSpacingMark(int cp) {
    return cp >= 0x300 && Character.getType(cp) == Character.NON_SPACING_MARK;
  }

  /**
   * Python's {@code str.lower()} of the code point at {@code i} of {@code cps[0..n)}: the full
   * lowercase mapping (only U+0130 maps to two code points, {@code i} and U+0307), and capital
   * sigma becomes final sigma when preceded by a cased letter and not followed by one, skipping
   * case-ignorable characters both ways (CPython's {@code handle_capital_sigma}). Java's
   * {@code String.toLowerCase} decides final sigma on word-break boundaries instead, which
   * differs, hence this.
   *
   * @return the lowercase code point, or -1 for U+0130 (whose lowercase is {@code "i\u0307"})
   */
  static int pythonLower(int[] cps, int n, int i) {
    int cp = cps[i];
    if (cp < 0x80) {
      return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
    }
    if (cp == CAPITAL_I_WITH_DOT) {
      return -1;
    }
    if (cp == CAPITAL_SIGMA) {
      return isFinalSigma(cps, n, i) ? FINAL_SIGMA : SMALL_SIGMA;
    }
    return Character.toLowerCase(cp);
  }

  private static boolean isFinalSigma(int[] cps, int n, int i) {
    int j = i - 1;
    while (j >= 0 && isCaseIgnorable(cps[j])) {
      j--;
    }
    if (j < 0 || !isCased(cps[j])) {
      return false;
    }
    j = i + 1;
    while (j < n && isCaseIgnorable(cps[j])) {
      j++;
    }
    return j == n || !isCased(cps[j]);
  }

  /** Unicode's {@code Cased}: Lowercase, Uppercase (both with their Other_ parts) or Lt. */
  static boolean isCased(int cp) {
    return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
  }

  /**
   * Unicode's {@code Case_Ignorable}: categories Mn, Me, Cf, Lm, Sk, and Word_Break MidLetter,
   * MidNumLet and Single_Quote.
   */
  static boolean isCaseIgnorable(int cp) {
    switch (cp) {
      case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4:
      case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52:
      case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
        return true;
      default:
        break;
    }
    switch (Character.getType(cp)) {
      case Character.NON_SPACING_MARK:
      case Character.ENCLOSING_MARK:
      case Character.FORMAT:
      case Character.MODIFIER_LETTER:
      case Character.MODIFIER_SYMBOL:
        return true;
      default:
        return false;
    }
  }
}
