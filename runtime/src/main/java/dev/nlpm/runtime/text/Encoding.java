package dev.nlpm.runtime.text;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The result of tokenizing a text: for each token its id, its string as it appears in the
 * vocabulary, and the range {@code [start, end)} of {@code char} indices of the original text it
 * came from. Offsets always point into the text given to {@link Tokenizer#encode}, before any
 * normalization (lowercasing, accent stripping, byte mapping).
 */
public final class Encoding {

  private final int[] ids;
  private final List<String> tokens;
  private final int[] starts;
  private final int[] ends;

  private Encoding(int[] ids, List<String> tokens, int[] starts, int[] ends) {
    this.ids = ids;
    this.tokens = tokens;
    this.starts = starts;
    this.ends = ends;
  }

  /** An encoding of these tokens; the arrays are copied and must have the same length. */
  public static Encoding of(int[] ids, List<String> tokens, int[] starts, int[] ends) {
    int n = ids.length;
    if (tokens.size() != n || starts.length != n || ends.length != n) {
      throw new IllegalArgumentException(
          "ids, tokens, starts and ends must have one entry per token, got "
              + n + ", " + tokens.size() + ", " + starts.length + ", " + ends.length);
    }
    for (int i = 0; i < n; i++) {
      if (starts[i] < 0 || ends[i] < starts[i]) {
        throw new IllegalArgumentException(
            "token " + i + " has offsets [" + starts[i] + ", " + ends[i] + ")");
      }
    }
    return new Encoding(ids.clone(), List.copyOf(tokens), starts.clone(), ends.clone());
  }

  /** How many tokens. */
  public int size() {
    return ids.length;
  }

  /** The ids, a fresh copy. */
  public int[] ids() {
    return ids.clone();
  }

  public int id(int token) {
    return ids[token];
  }

  /** The token strings, as spelled in the vocabulary ({@code ##ing}, {@code Ġthe}). */
  public List<String> tokens() {
    return tokens;
  }

  /** The first {@code char} index of the token in the original text. */
  public int start(int token) {
    return starts[token];
  }

  /** One past the last {@code char} index of the token in the original text. */
  public int end(int token) {
    return ends[token];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Encoding e
        && Arrays.equals(ids, e.ids)
        && tokens.equals(e.tokens)
        && Arrays.equals(starts, e.starts)
        && Arrays.equals(ends, e.ends);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(ids), tokens, Arrays.hashCode(starts), Arrays.hashCode(ends));
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Encoding[");
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(tokens.get(i)).append('=').append(ids[i])
          .append('@').append(starts[i]).append(':').append(ends[i]);
    }
    return b.append(']').toString();
  }
}
