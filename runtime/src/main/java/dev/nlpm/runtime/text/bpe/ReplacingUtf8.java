package dev.nlpm.runtime.text.bpe;

/**
 * UTF-8 decoding as Python's {@code bytes.decode('utf-8', errors='replace')}: each maximal
 * subpart of an ill-formed sequence (Unicode's recommended practice, chapter 3, "U+FFFD
 * Substitution of Maximal Subparts") becomes one U+FFFD. Java's own decoder differs for some
 * ill-formed input (a surrogate's {@code ED A0..BF}, for one), so GPT-2's decoding needs this.
 */
final class ReplacingUtf8 {

  private ReplacingUtf8() {}

  static String decode(byte[] bytes, int length) {
    char[] out = new char[length];
    int n = 0;
    int i = 0;
    while (i < length) {
      int b0 = bytes[i] & 0xff;
      if (b0 < 0x80) {
        out[n++] = (char) b0;
        i++;
        continue;
      }
      int size;
      int lo = 0x80;
      int hi = 0xBF;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        size = 2;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        size = 3;
        lo = b0 == 0xE0 ? 0xA0 : 0x80;
        hi = b0 == 0xED ? 0x9F : 0xBF;
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        size = 4;
        lo = b0 == 0xF0 ? 0x90 : 0x80;
        hi = b0 == 0xF4 ? 0x8F : 0xBF;
      } else {
        out[n++] = '\uFFFD';
        i++;
        continue;
      }
      int cp = b0 & (0xFF >> (size + 1));
      int k = 1;
      for (; k < size && i + k < length; k++) {
        int b = bytes[i + k] & 0xff;
        if (b < lo || b > hi) {
          break;
        }
        cp = (cp << 6) | (b & 0x3F);
        lo = 0x80;
        hi = 0xBF;
      }
      if (k < size) {
        out[n++] = '\uFFFD';
      } else if (cp >= 0x10000) {
        out[n++] = Character.highSurrogate(cp);
        out[n++] = Character.lowSurrogate(cp);
      } else {
        out[n++] = (char) cp;
      }
      i += k;
    }
    return new String(out, 0, n);
  }
}
