package dev.nlpm.runtime.text.train;

import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.bpe.BpeFiles;
import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import dev.nlpm.runtime.text.bpe.Merge;
import java.io.IOException;
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
   * @throws IllegalArgumentException if a symbol holds a space or a line break, which the format
   *     cannot represent (byte-level symbols never do)
   */
  public void writeMergesTxt(Path file) throws IOException {
    BpeFiles.writeMergesTxt(merges.stream().map(m -> new Merge(m.left(), m.right())).toList(), file);
  }

  /**
   * The byte-level BPE tokenizer these merges make, for a training whose alphabet was {@link
   * dev.nlpm.runtime.text.bpe.ByteLevelAlphabet}'s and which used no continuing-subword prefix or end-of-word suffix.
   */
  public ByteLevelBpeTokenizer byteLevelTokenizer() {
    return ByteLevelBpeTokenizer.of(
        vocabulary, merges.stream().map(m -> new Merge(m.left(), m.right())).toList());
  }

  /** Writes {@code vocab.json}: a JSON object from token to id, in id order, atomically. */
  public void writeVocabJson(Path file) throws IOException {
    BpeFiles.writeVocabJson(vocabulary, file);
  }
}
