package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;
import java.util.Optional;

/** How text becomes ids, declared {@code tokenizer <keyword> { ... }}. */
public sealed interface Tokenizer {

  Origin origin();

  String keyword();

  /**
   * BERT's WordPiece: basic tokenization (cleanup, CJK split, optional lowercasing with accent
   * stripping, punctuation split), then greedy longest-match subwords with the {@code ##} prefix.
   *
   * @param vocabFile a {@code vocab.txt} to load, relative to the declaring file, if named
   */
  record WordPiece(
      Origin origin,
      boolean lowercase,
      Optional<String> vocabFile,
      String unk,
      String cls,
      String sep,
      String pad,
      String mask,
      int maxCharsPerWord)
      implements Tokenizer {
    public WordPiece {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(vocabFile, "vocabFile");
      Objects.requireNonNull(unk, "unk");
      Objects.requireNonNull(cls, "cls");
      Objects.requireNonNull(sep, "sep");
      Objects.requireNonNull(pad, "pad");
      Objects.requireNonNull(mask, "mask");
    }

    @Override
    public String keyword() {
      return "wordpiece";
    }
  }

  /**
   * GPT-2's byte-level BPE.
   *
   * @param vocabFile {@code vocab.json}, if named
   * @param mergesFile {@code merges.txt}, if named
   */
  record ByteLevelBpe(Origin origin, Optional<String> vocabFile, Optional<String> mergesFile)
      implements Tokenizer {
    public ByteLevelBpe {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(vocabFile, "vocabFile");
      Objects.requireNonNull(mergesFile, "mergesFile");
    }

    @Override
    public String keyword() {
      return "bpe";
    }
  }

  /** One token per Unicode code point. */
  record Char(Origin origin) implements Tokenizer {
    public Char {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "char";
    }
  }

  /** Whitespace-separated words (word2vec's tokenization). */
  record Whitespace(Origin origin, boolean lowercase) implements Tokenizer {
    public Whitespace {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "whitespace";
    }
  }
}
