package dev.nlpm.runtime.text.wordpiece;

import java.text.Normalizer;
import java.util.Arrays;

/**
 * BERT's {@code BasicTokenizer}: cleanup, CJK ideographs split off, whitespace split, optional
 * lowercasing and accent stripping per whitespace token, punctuation split. It works on code
 * points and carries, for every normalized code point, the {@code [start, end)} {@code char}
 * range of the original text it came from, so that tokens can be traced back.
 *
 * <p>Not thread-safe: it reuses its buffers; the tokenizer makes one per call.
 */
final class BertPreTokenizer {

  /** Receives each word, as {@code cps[from..to)} with its origins {@code starts/ends[from..to)}. */
  interface WordSink {
    void word(int[] cps, int[] starts, int[] ends, int from, int to);
  }

  private final boolean lowercase;
  private final boolean stripAccents;
  private final CodePoints chunk = new CodePoints();
  private final CodePoints lowered = new CodePoints();
  private final CodePoints decomposed = new CodePoints();

  BertPreTokenizer(boolean lowercase, boolean stripAccents) {
    this.lowercase = lowercase;
    this.stripAccents = stripAccents;
  }

  /** Splits {@code text} into words, in order, each handed to {@code sink}. */
  void split(String text, WordSink sink) {
    chunk.clear();
    int length = text.length();
    int i = 0;
    while (i < length) {
      char c = text.charAt(i);
      int cp;
      int next;
      if (Character.isHighSurrogate(c) && i + 1 < length
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        cp = Character.toCodePoint(c, text.charAt(i + 1));
        next = i + 2;
      } else {
        cp = c;
        next = i + 1;
      }
      if (cp < 0x80 && cp > ' ' && cp != 0x7F) {
        chunk.add(cp, i, next); // the common case, none of the special classes below
      } else if (BertCharacters.isDropped(cp)) {
        // _clean_text drops it; it neither joins nor splits words
      } else if (BertCharacters.isSplitWhitespace(cp)) {
        flush(sink);
      } else if (BertCharacters.isChineseChar(cp)) {
        flush(sink);
        chunk.add(cp, i, next);
        flush(sink);
      } else {
        chunk.add(cp, i, next);
      }
      i = next;
    }
    flush(sink);
  }

  /** Normalizes one whitespace token of the cleaned text, then splits it on punctuation. */
  private void flush(WordSink sink) {
    if (chunk.size == 0) {
      return;
    }
    CodePoints current = chunk;
    if (lowercase) {
      lowercase(chunk, lowered);
      current = lowered;
    }
    if (stripAccents) {
      current = stripAccents(current);
    }
    splitOnPunctuation(current, sink);
    chunk.clear();
  }

  /** Python's {@code str.lower()} on the whole token: final sigma depends on its neighbours. */
  private static void lowercase(CodePoints in, CodePoints out) {
    out.clear();
    for (int k = 0; k < in.size; k++) {
      int lower = BertCharacters.pythonLower(in.cps, in.size, k);
      if (lower < 0) {
        out.add('i', in.starts[k], in.ends[k]);
        out.add(0x307, in.starts[k], in.ends[k]);
      } else {
        out.add(lower, in.starts[k], in.ends[k]);
      }
    }
  }

  /** NFD, then category Mn dropped; returns the buffer that holds the result. */
  private CodePoints stripAccents(CodePoints in) {
    boolean mayChange = false;
    for (int k = 0; k < in.size; k++) {
      if (in.cps[k] >= 0xC0) { // nothing below U+00C0 decomposes or is a mark
        mayChange = true;
        break;
      }
    }
    if (!mayChange) {
      return in;
    }
    String text = in.toString();
    CodePoints normalized = decomposed;
    normalized.clear();
    if (Normalizer.isNormalized(text, Normalizer.Form.NFD)) {
      for (int k = 0; k < in.size; k++) {
        normalized.add(in.cps[k], in.starts[k], in.ends[k]);
      }
    } else {
      decomposeTracingOrigins(in, text, normalized);
    }
    int kept = 0;
    for (int k = 0; k < normalized.size; k++) {
      if (!BertCharacters.isNonSpacingMark(normalized.cps[k])) {
        normalized.cps[kept] = normalized.cps[k];
        normalized.starts[kept] = normalized.starts[k];
        normalized.ends[kept] = normalized.ends[k];
        kept++;
      }
    }
    normalized.size = kept;
    return normalized;
  }

  /**
   * NFD of the whole token with the origin of every output code point. NFD is each code point's
   * own full decomposition followed by canonical reordering, a stable sort of combining marks by
   * combining class; Java does not expose combining classes, so the order is taken from the
   * whole-token NFD and the origins from the per-code-point decompositions: a stable permutation
   * keeps equal code points in order, so the k-th occurrence of a code point in the output is
   * the k-th in the concatenated decompositions.
   */
  private static void decomposeTracingOrigins(CodePoints in, String text, CodePoints out) {
    CodePoints pieces = new CodePoints();
    for (int k = 0; k < in.size; k++) {
      String one = Normalizer.normalize(new String(Character.toChars(in.cps[k])), Normalizer.Form.NFD);
      for (int j = 0; j < one.length(); ) {
        int cp = one.codePointAt(j);
        pieces.add(cp, in.starts[k], in.ends[k]);
        j += Character.charCount(cp);
      }
    }
    String whole = Normalizer.normalize(text, Normalizer.Form.NFD);
    boolean[] used = new boolean[pieces.size];
    int firstUnused = 0;
    for (int j = 0; j < whole.length(); ) {
      int cp = whole.codePointAt(j);
      j += Character.charCount(cp);
      int k = firstUnused;
      while (used[k] || pieces.cps[k] != cp) {
        k++;
      }
      used[k] = true;
      out.add(cp, pieces.starts[k], pieces.ends[k]);
      while (firstUnused < pieces.size && used[firstUnused]) {
        firstUnused++;
      }
    }
  }

  /**
   * {@code _run_split_on_punc}: every punctuation code point is a word of its own. The reference
   * then re-splits the joined result on whitespace; lowercasing and NFD cannot create
   * whitespace, but the split treats it as a boundary all the same.
   */
  private static void splitOnPunctuation(CodePoints in, WordSink sink) {
    int wordStart = 0;
    for (int k = 0; k < in.size; k++) {
      int cp = in.cps[k];
      boolean punctuation = BertCharacters.isPunctuation(cp);
      if (punctuation || BertCharacters.isSplitWhitespace(cp)) {
        if (wordStart < k) {
          sink.word(in.cps, in.starts, in.ends, wordStart, k);
        }
        if (punctuation) {
          sink.word(in.cps, in.starts, in.ends, k, k + 1);
        }
        wordStart = k + 1;
      }
    }
    if (wordStart < in.size) {
      sink.word(in.cps, in.starts, in.ends, wordStart, in.size);
    }
  }

  /** A growable run of code points with their origins. */
  private static final class CodePoints {
    int[] cps = new int[64];
    int[] starts = new int[64];
    int[] ends = new int[64];
    int size;

    void clear() {
      size = 0;
    }

    void add(int cp, int start, int end) {
      if (size == cps.length) {
        int capacity = size * 2;
        cps = Arrays.copyOf(cps, capacity);
        starts = Arrays.copyOf(starts, capacity);
        ends = Arrays.copyOf(ends, capacity);
      }
      cps[size] = cp;
      starts[size] = start;
      ends[size] = end;
      size++;
    }

    @Override
    public String toString() {
      return new String(cps, 0, size);
    }
  }
}
