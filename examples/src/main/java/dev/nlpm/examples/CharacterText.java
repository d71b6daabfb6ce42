package dev.nlpm.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A text as character ids for the character-level examples: its distinct characters in code-point
 * order are the vocabulary; the first 90% trains, the last 10% is held out.
 *
 * @param alphabet the distinct characters, sorted; a character's id is its index
 */
record CharacterText(char[] alphabet, int[] train, int[] heldOut) {

  /** Reads {@code file}; refuses a text with more distinct characters than {@code room}. */
  static CharacterText read(Path file, int room) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    TreeSet<Character> distinct = new TreeSet<>();
    for (char c : text.toCharArray()) {
      distinct.add(c);
    }
    char[] alphabet = new char[distinct.size()];
    int next = 0;
    for (char c : distinct) {
      alphabet[next++] = c;
    }
    if (alphabet.length > room) {
      throw new IllegalStateException(alphabet.length + " distinct characters; the declaration has room for " + room);
    }
    int[] ids = encode(text, alphabet);
    int split = ids.length * 9 / 10;
    CharacterText result = new CharacterText(alphabet, Arrays.copyOfRange(ids, 0, split), Arrays.copyOfRange(ids, split, ids.length));
    System.out.printf(Locale.ROOT, "%d characters (%d distinct): %d training, %d held out%n", ids.length, alphabet.length,
        result.train.length, result.heldOut.length);
    return result;
  }

  int[] encode(String s) {
    return encode(s, alphabet);
  }

  private static int[] encode(String s, char[] alphabet) {
    int[] out = new int[s.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.binarySearch(alphabet, s.charAt(i));
    }
    return out;
  }

  /** The held-out loss per character of the training text's character frequencies (add-one smoothed). */
  double unigramLoss() {
    double[] counts = new double[alphabet.length];
    for (int id : train) {
      counts[id]++;
    }
    double loss = 0;
    for (int id : heldOut) {
      loss -= Math.log((counts[id] + 1) / (train.length + alphabet.length));
    }
    return loss / heldOut.length;
  }

  /** Prints a scheme's name and its text. */
  void print(String scheme, int[] tokens) {
    StringBuilder text = new StringBuilder();
    for (int id : tokens) {
      text.append(id >= 0 && id < alphabet.length ? alphabet[id] : '?');
    }
    System.out.println("---- " + scheme + " ----");
    System.out.println(text);
  }
}
