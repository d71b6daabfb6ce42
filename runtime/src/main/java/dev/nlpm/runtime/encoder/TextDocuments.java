package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.io.Utf8Lines;
import dev.nlpm.runtime.text.Tokenizer;
import dev.nlpm.runtime.text.corpus.SentenceSplitter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pretraining documents from plain-text files: paragraphs (separated by blank lines) split into
 * sentences, sentences tokenized, and every {@code sentencesPerDocument} consecutive sentences of
 * a file one document — so that NSP's true next segment is the sentence that followed in the
 * text, and its random one comes from elsewhere.
 */
public final class TextDocuments {

  private TextDocuments() {}

  /**
   * Reads {@code files} (strict UTF-8; a malformed line is reported with its file and line).
   *
   * @param every with {@code heldOut}, keep only every {@code every}-th document (the held-out
   *     split); without, keep all the others; {@code every <= 1} keeps every document
   */
  public static List<List<int[]>> read(List<Path> files, Tokenizer tokenizer, int sentencesPerDocument, int every, boolean heldOut)
      throws IOException {
    List<List<int[]>> documents = new ArrayList<>();
    int index = 0;
    for (Path file : files) {
      List<String> paragraphs = new ArrayList<>();
      StringBuilder paragraph = new StringBuilder();
      Utf8Lines.read(file, (number, line) -> {
        if (line.isBlank()) {
          if (paragraph.length() > 0) {
            paragraphs.add(paragraph.toString());
            paragraph.setLength(0);
          }
        } else {
          paragraph.append(paragraph.length() > 0 ? " " : "").append(line.strip());
        }
      });
      if (paragraph.length() > 0) {
        paragraphs.add(paragraph.toString());
      }
      List<int[]> document = new ArrayList<>();
      for (String text : paragraphs) {
        for (SentenceSplitter.Sentence sentence : SentenceSplitter.split(text)) {
          int[] ids = tokenizer.encodeIds(sentence.text());
          if (ids.length == 0) {
            continue;
          }
          document.add(ids);
          if (document.size() == sentencesPerDocument) {
            if (keep(index++, every, heldOut)) {
              documents.add(document);
            }
            document = new ArrayList<>();
          }
        }
      }
      if (document.size() >= 2 && keep(index++, every, heldOut)) {
        documents.add(document);
      }
    }
    return documents;
  }

  private static boolean keep(int index, int every, boolean heldOut) {
    return every <= 1 || (index % every == 0) == heldOut;
  }
}
