package dev.nlpm.runtime.text.bpe;

import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** GPT-2's published vocabulary and merges, committed gzipped as test resources. */
final class Gpt2Resources {

  private static ByteLevelBpeTokenizer gpt2;

  private Gpt2Resources() {}

  static synchronized ByteLevelBpeTokenizer gpt2() {
    if (gpt2 == null) {
      try {
        Vocabulary vocabulary =
            BpeFiles.parseVocabJson(Path.of("gpt2-vocab.json"), gunzip("gpt2-vocab.json.gz"));
        gpt2 =
            ByteLevelBpeTokenizer.of(
                vocabulary,
                BpeFiles.parseMergesTxt(
                    Path.of("gpt2-merges.txt"), gunzip("gpt2-merges.txt.gz"), vocabulary));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return gpt2;
  }

  static String gunzip(String resource) throws IOException {
    try (InputStream in =
        new GZIPInputStream(Gpt2Resources.class.getResourceAsStream(resource))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
