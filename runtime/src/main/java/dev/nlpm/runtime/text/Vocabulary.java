package dev.nlpm.runtime.text;

import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.StrictUtf8;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An immutable, dense mapping between tokens and the ids {@code 0 .. size-1}. No token appears
 * twice and none is empty.
 */
public final class Vocabulary {

  private final List<String> tokens;
  private final Map<String, Integer> ids;

  private Vocabulary(List<String> tokens, Map<String, Integer> ids) {
    this.tokens = tokens;
    this.ids = ids;
  }

  /** The vocabulary whose id {@code i} is {@code tokens.get(i)}. */
  public static Vocabulary of(List<String> tokens) {
    List<String> copy = List.copyOf(tokens);
    Map<String, Integer> ids = new HashMap<>(copy.size() * 2);
    for (int i = 0; i < copy.size(); i++) {
      String token = copy.get(i);
      if (token.isEmpty()) {
        throw new IllegalArgumentException("token " + i + " is empty");
      }
      Integer previous = ids.putIfAbsent(token, i);
      if (previous != null) {
        throw new IllegalArgumentException(
            "token " + i + " '" + token + "' is a duplicate of token " + previous);
      }
    }
    return new Vocabulary(copy, Map.copyOf(ids));
  }

  /**
   * Reads a {@code vocab.txt}: UTF-8, one token a line, the id being the 0-based line number.
   * Lines are split on {@code \n} only (a trailing {@code \r} is dropped), so tokens holding
   * other Unicode line separators, as BERT's Chinese vocabulary has, survive.
   *
   * @throws MalformedInputFileException naming the line of invalid UTF-8, an empty token or a
   *     duplicate
   */
  public static Vocabulary readVocabTxt(Path file) throws IOException {
    return parseVocabTxt(file, Files.readAllBytes(file));
  }

  /** Reads a {@code vocab.txt} from a stream (a class-path resource); {@code name} is for errors. */
  public static Vocabulary readVocabTxt(InputStream in, Path name) throws IOException {
    return parseVocabTxt(name, in.readAllBytes());
  }

  private static Vocabulary parseVocabTxt(Path file, byte[] bytes) throws IOException {
    String text = StrictUtf8.decode(file, bytes);
    List<String> tokens = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    int line = 0;
    int from = 0;
    while (from < text.length()) {
      int nl = text.indexOf('\n', from);
      int to = nl < 0 ? text.length() : nl;
      String token = text.substring(from, to > from && text.charAt(to - 1) == '\r' ? to - 1 : to);
      line++;
      if (token.isEmpty()) {
        throw MalformedInputFileException.atLine(file, line, "empty token");
      }
      Integer previous = ids.putIfAbsent(token, tokens.size());
      if (previous != null) {
        throw MalformedInputFileException.atLine(
            file, line, "token '" + token + "' already appears on line " + (previous + 1));
      }
      tokens.add(token);
      from = nl < 0 ? text.length() : nl + 1;
    }
    if (tokens.isEmpty()) {
      throw MalformedInputFileException.inFile(file, "the vocabulary is empty", null);
    }
    return new Vocabulary(List.copyOf(tokens), Map.copyOf(ids));
  }

  /** Writes a {@code vocab.txt} atomically: one token a line, LF, a final newline. */
  public void writeVocabTxt(Path file) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String token : tokens) {
      if (token.indexOf('\n') >= 0) {
        throw new IllegalStateException("token '" + token + "' holds a newline");
      }
      b.append(token).append('\n');
    }
    AtomicFiles.writeString(file, b.toString());
  }

  public int size() {
    return tokens.size();
  }

  /** The token with this id. */
  public String token(int id) {
    Objects.checkIndex(id, tokens.size());
    return tokens.get(id);
  }

  /** The id of this token, if it is in the vocabulary. */
  public OptionalInt id(String token) {
    Integer id = ids.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** The id of this token, or -1. Meant for inner loops. */
  public int idOrMinusOne(String token) {
    Integer id = ids.get(token);
    return id == null ? -1 : id;
  }

  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  /** The tokens in id order. */
  public List<String> tokens() {
    return tokens;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vocabulary v && tokens.equals(v.tokens);
  }

  @Override
  public int hashCode() {
    return tokens.hashCode();
  }

  @Override
  public String toString() {
    return "Vocabulary[" + tokens.size() + " tokens]";
  }
}
