package dev.nlpm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** The language models' test text: 60 lines of six phrases from eight, in 19 characters, the same every time. */
final class TinyStory {

  private TinyStory() {}

  /** Writes the story to {@code dir/story.txt}. */
  static Path write(Path dir) throws IOException {
    Random random = new Random(7);
    String[] words = {"the cat", "a dog", "sees", "eats", "the fish", "a bird", "runs", "home"};
    StringBuilder body = new StringBuilder();
    for (int line = 0; line < 60; line++) {
      for (int w = 0; w < 6; w++) {
        body.append(words[random.nextInt(words.length)]).append(w == 5 ? ".\n" : " ");
      }
    }
    Path text = dir.resolve("story.txt");
    Files.writeString(text, body);
    return text;
  }
}
