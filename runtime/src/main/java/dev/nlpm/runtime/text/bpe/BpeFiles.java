package dev.nlpm.runtime.text.bpe;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.StrictUtf8;
import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's two files: {@code vocab.json} (OpenAI's {@code encoder.json}: a JSON object from token to
 * id) and {@code merges.txt} (OpenAI's {@code vocab.bpe}: a {@code #version} header, then one merge
 * a line, two symbols separated by a space, in rank order). Reading rejects every malformation at
 * its line or JSON path; writing is atomic.
 */
public final class BpeFiles {

  /** The header line GPT-2's and HuggingFace's merge files start with. */
  public static final String MERGES_HEADER = "#version: 0.2";

  private BpeFiles() {}

  /**
   * Reads {@code vocab.json}: every value an integer id, the ids exactly {@code 0 .. n-1}, each
   * once, no token twice.
   */
  public static Vocabulary readVocabJson(Path file) throws IOException {
    return parseVocabJson(file, StrictUtf8.decode(file, Files.readAllBytes(file)));
  }

  static Vocabulary parseVocabJson(Path file, String json) throws IOException {
    Map<Integer, String> byId = new HashMap<>();
    Map<String, Integer> byToken = new HashMap<>();
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        throw MalformedInputFileException.atJsonPath(
            file, "$", "expected an object from token to id, found " + describe(reader.peek()));
      }
      reader.beginObject();
      while (reader.hasNext()) {
        String token = reader.nextName();
        String path = "$[" + quote(token) + "]";
        if (reader.peek() != JsonToken.NUMBER) {
          throw MalformedInputFileException.atJsonPath(
              file, path, "expected an integer id, found " + describe(reader.peek()));
        }
        String number = reader.nextString();
        int id;
        try {
          id = Integer.parseInt(number);
        } catch (NumberFormatException e) {
          throw MalformedInputFileException.atJsonPath(
              file, path, "expected an integer id, found " + number);
        }
        if (id < 0) {
          throw MalformedInputFileException.atJsonPath(file, path, "negative id " + id);
        }
        if (token.isEmpty()) {
          throw MalformedInputFileException.atJsonPath(file, path, "empty token");
        }
        if (byToken.put(token, id) != null) {
          throw MalformedInputFileException.atJsonPath(file, path, "the token appears twice");
        }
        String other = byId.put(id, token);
        if (other != null) {
          throw MalformedInputFileException.atJsonPath(
              file, path, "id " + id + " is also the id of " + quote(other));
        }
      }
      reader.endObject();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw MalformedInputFileException.atJsonPath(file, "$", "data after the object");
      }
    } catch (JsonParseException | IllegalStateException | java.io.EOFException e) {
      throw MalformedInputFileException.inFile(file, "not valid JSON: " + e.getMessage(), e);
    } catch (com.google.gson.stream.MalformedJsonException e) {
      throw MalformedInputFileException.inFile(file, "not valid JSON: " + e.getMessage(), e);
    }
    List<String> tokens = new ArrayList<>(byId.size());
    for (int id = 0; id < byId.size(); id++) {
      String token = byId.get(id);
      if (token == null) {
        throw MalformedInputFileException.atJsonPath(
            file, "$", "ids must be 0.." + (byId.size() - 1) + " with none missing; no token has id " + id);
      }
      tokens.add(token);
    }
    if (tokens.isEmpty()) {
      throw MalformedInputFileException.atJsonPath(file, "$", "the vocabulary is empty");
    }
    return Vocabulary.of(tokens);
  }

  /**
   * Reads {@code merges.txt}: an optional {@code #version} first line, then one merge a line.
   * Every symbol and every merged token must be in {@code vocabulary}, and no merge may repeat.
   */
  public static List<Merge> readMergesTxt(Path file, Vocabulary vocabulary) throws IOException {
    return parseMergesTxt(file, StrictUtf8.decode(file, Files.readAllBytes(file)), vocabulary);
  }

  static List<Merge> parseMergesTxt(Path file, String text, Vocabulary vocabulary)
      throws MalformedInputFileException {
    List<Merge> merges = new ArrayList<>();
    Map<Merge, Integer> seen = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      int number = i + 1;
      if (i == 0 && line.startsWith("#version")) {
        continue;
      }
      if (line.isEmpty() && i == lines.length - 1) {
        break; // the final newline
      }
      int space = line.indexOf(' ');
      if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
        throw MalformedInputFileException.atLine(
            file, number, "expected two symbols separated by one space, found " + quote(line));
      }
      Merge merge = new Merge(line.substring(0, space), line.substring(space + 1));
      for (String symbol : List.of(merge.left(), merge.right(), merge.merged())) {
        if (!vocabulary.contains(symbol)) {
          throw MalformedInputFileException.atLine(
              file, number, quote(symbol) + " is not in the vocabulary");
        }
      }
      Integer earlier = seen.putIfAbsent(merge, number);
      if (earlier != null) {
        throw MalformedInputFileException.atLine(
            file, number, "the merge " + quote(line) + " already appears on line " + earlier);
      }
      merges.add(merge);
    }
    return merges;
  }

  /** Writes {@code vocab.json} atomically: one object, tokens in id order. */
  public static void writeVocabJson(Vocabulary vocabulary, Path file) throws IOException {
    AtomicFiles.write(
        file,
        out -> {
          Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
          JsonWriter json = new JsonWriter(writer);
          json.setHtmlSafe(false);
          json.beginObject();
          for (int id = 0; id < vocabulary.size(); id++) {
            json.name(vocabulary.token(id)).value(id);
          }
          json.endObject();
          json.flush();
          writer.flush();
        });
  }

  /** Writes {@code merges.txt} atomically: the header, then one merge a line, in rank order. */
  public static void writeMergesTxt(List<Merge> merges, Path file) throws IOException {
    StringBuilder b = new StringBuilder(MERGES_HEADER).append('\n');
    for (Merge merge : merges) {
      checkWritable(merge.left());
      checkWritable(merge.right());
      b.append(merge.left()).append(' ').append(merge.right()).append('\n');
    }
    AtomicFiles.writeString(file, b.toString());
  }

  private static void checkWritable(String symbol) {
    for (int i = 0; i < symbol.length(); i++) {
      char c = symbol.charAt(i);
      if (c == ' ' || c == '\n' || c == '\r') {
        throw new IllegalArgumentException(
            "symbol " + quote(symbol) + " holds a space or line break, which merges.txt cannot hold");
      }
    }
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case BEGIN_ARRAY -> "an array";
      case BEGIN_OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case END_DOCUMENT -> "the end of the file";
      default -> token.name();
    };
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
