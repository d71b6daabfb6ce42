package dev.nlpm.runtime.text.bpe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 256 symbols of byte-level BPE, as GPT-2's {@code bytes_to_unicode} makes them: the byte
 * {@code b} is the character {@code b} itself when that is printable Latin-1 ({@code !..~},
 * {@code ¡..¬}, {@code ®..ÿ}), and otherwise the character {@code 256 + k} for the {@code k}-th
 * byte (in byte order) that is not, so that the space 0x20 becomes {@code Ġ} (U+0120). Training a
 * byte-level BPE means counting words in this form ({@link #mapping}) and starting from all 256
 * symbols ({@link #symbols}), so that every byte sequence stays encodable.
 */
public final class ByteLevelAlphabet {

  private static final char[] BYTE_TO_CHAR = byteToChar();
  private static final List<String> SYMBOLS = symbolList();
  private static final int[] CHAR_TO_BYTE = charToByte();

  private ByteLevelAlphabet() {}

  /** The 256 one-character symbols, the {@code b}-th standing for the byte {@code b}. */
  public static List<String> symbols() {
    return SYMBOLS;
  }

  /** The symbol for the byte {@code b} (0..255). */
  public static char symbol(int b) {
    return BYTE_TO_CHAR[b];
  }

  /** The byte (0..255) that the symbol {@code c} stands for, or -1 if {@code c} is no symbol. */
  public static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /**
   * The byte-level form of a word: one symbol for each byte of its UTF-8 encoding.
   *
   * @throws IllegalArgumentException if the word holds a lone surrogate, which has no UTF-8
   */
  public static String encode(String word) {
    checkNoLoneSurrogate(word);
    byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
    }
    return new String(out);
  }

  /**
   * Rejects text that is not valid Unicode: byte-level BPE works on UTF-8, which a lone surrogate
   * does not have.
   *
   * @throws IllegalArgumentException naming the first lone surrogate and its char index
   */
  public static void checkNoLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            String.format(
                "lone surrogate U+%04X at char index %d: text must be valid Unicode", (int) c, i));
      }
    }
  }

  private static char[] byteToChar() {
    char[] table = new char[256];
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      table[b] = printable ? (char) b : (char) next++;
    }
    return table;
  }

  private static int[] charToByte() {
    int[] table = new int[256 + 68];
    java.util.Arrays.fill(table, -1);
    for (int b = 0; b < 256; b++) {
      table[BYTE_TO_CHAR[b]] = b;
    }
    return table;
  }

  private static List<String> symbolList() {
    List<String> list = new ArrayList<>(256);
    for (char c : BYTE_TO_CHAR) {
      list.add(String.valueOf(c));
    }
    return List.copyOf(list);
  }
}
