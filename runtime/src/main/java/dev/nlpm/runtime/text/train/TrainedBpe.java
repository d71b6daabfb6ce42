package dev.nlpm.runtime.text.train;

import com.google.gson.stream.JsonWriter;
import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The result of a BPE training: the merges in the order they were learned (which is the rank a
 * BPE tokenizer applies them by) and the vocabulary (special tokens, alphabet, merged tokens).
 */
public record TrainedBpe(List<BpeMerge> merges, Vocabulary vocabulary) {

  public TrainedBpe {
    merges = List.copyOf(merges);
    Objects.requireNonNull(vocabulary, "vocabulary");
  }

  /**
   * Writes {@code merges.txt} as GPT-2 and HuggingFace read it: a {@code #version: 0.2} line, then
   * one {@code "left right"} line a merge, LF line ends, atomically.
   *
   * @throws IllegalStateException if a symbol holds a space or a line break, which the format
   *     cannot represent (byte-level symbols never do)
   */
  public void writeMergesTxt(Path file) throws IOException {
    StringBuilder b = new StringBuilder("#version: 0.2\n");
    for (BpeMerge merge : merges) {
      checkWritable(merge.left());
      checkWritable(merge.right());
      b.append(merge.left()).append(' ').append(merge.right()).append('\n');
    }
    AtomicFiles.writeString(file, b.toString());
  }

  /** Writes {@code vocab.json}: a JSON object from token to id, in id order, atomically. */
  public void writeVocabJson(Path file) throws IOException {
    AtomicFiles.write(file, out -> {
      Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      JsonWriter json = new JsonWriter(writer);
      json.setHtmlSafe(false);
      json.beginObject();
      List<String> tokens = vocabulary.tokens();
      for (int id = 0; id < tokens.size(); id++) {
        json.name(tokens.get(id)).value(id);
      }
      json.endObject();
      json.flush();
      writer.write('\n');
      writer.flush();
    });
  }

  private static void checkWritable(String symbol) {
    for (int i = 0; i < symbol.length(); i++) {
      char c = symbol.charAt(i);
      if (c == ' ' || c == '\n' || c == '\r') {
        throw new IllegalStateException(
            "symbol '" + symbol + "' holds a space or line break, which merges.txt cannot hold");
      }
    }
  }
}
