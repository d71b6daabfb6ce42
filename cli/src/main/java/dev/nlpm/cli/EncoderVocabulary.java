package dev.nlpm.cli;

import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Tokenizer;
import dev.nlpm.compiler.source.SourcePosition;
import dev.nlpm.runtime.encoder.EncoderTokenizerFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.Utf8Lines;
import dev.nlpm.runtime.text.CharTokenizer;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.text.SpecialTokenTokenizer;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.VocabularyBuilder;
import dev.nlpm.runtime.text.bpe.ByteLevelAlphabet;
import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import dev.nlpm.runtime.text.bpe.Gpt2PreTokenizer;
import dev.nlpm.runtime.text.train.BpeTrainer;
import dev.nlpm.runtime.text.train.BpeTrainingOptions;
import dev.nlpm.runtime.text.train.ProgressListener;
import dev.nlpm.runtime.text.train.WordCounter;
import dev.nlpm.runtime.text.train.WordPieceTrainer;
import dev.nlpm.runtime.text.train.WordPieceTrainingOptions;
import dev.nlpm.runtime.text.wordpiece.BertBasicTokenizer;
import dev.nlpm.runtime.text.wordpiece.SpecialTokens;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The tokenizer an encoder pretrains with, as its declaration says: {@code wordpiece} (its casing,
 * special tokens and word length), {@code bpe} (byte-level, with RoBERTa's special tokens) or
 * {@code char} (BERT's special tokens, then the data's characters). A declared {@code vocab_file}
 * (and {@code merges_file}) is loaded, relative to the declaring {@code .nlpm} file; otherwise a
 * vocabulary is trained on the data at the declared size. The tokenizer's files are written into
 * the run's folder, from which {@code --resume} reads them back.
 */
final class EncoderVocabulary {

  private EncoderVocabulary() {}

  /**
   * The run's tokenizer: the output folder's when resuming; else the one {@code --vocab} names
   * (WordPiece only), the declared files, or one trained on {@code data}.
   *
   * @param sources the folder the declaration's source names are relative to
   */
  static EncoderTokenizer prepare(ModelSpec spec, Path sources, List<Path> data, Path output, boolean resume, Path given, int size,
      PrintWriter err) throws IOException {
    Tokenizer declared = spec.tokenizer();
    if (declared instanceof Tokenizer.Whitespace) {
      throw new UserError(spec.name() + " declares tokenizer whitespace: `nlpm train` pretrains an encoder with tokenizer wordpiece,"
          + " bpe or char (whitespace words have no subwords to mask)");
    }
    EncoderTokenizer tokenizer;
    if (resume) {
      if (!EncoderTokenizerFiles.present(output)) {
        throw new UserError("--resume: no " + EncoderTokenizerFiles.RECORD + " or " + EncoderTokenizerFiles.WORDPIECE_VOCABULARY
            + " in " + output);
      }
      tokenizer = read(output, declared);
      String was = kind(tokenizer);
      if (!was.equals(declared.keyword())) {
        throw new UserError("--resume: the run in " + output + " tokenizes with " + was + ", but " + spec.name() + " declares tokenizer "
            + declared.keyword());
      }
      return fits(tokenizer, output, size);
    }
    if (given != null) {
      if (!(declared instanceof Tokenizer.WordPiece wordPiece)) {
        throw new UserError("--vocab takes a WordPiece vocab.txt, but " + spec.name() + " declares tokenizer " + declared.keyword()
            + (declared instanceof Tokenizer.ByteLevelBpe ? "; name its files in the declaration (vocab_file, merges_file)" : ""));
      }
      tokenizer = fits(wordPiece(given, options(wordPiece)), given, size);
      err.printf(Locale.ROOT, "vocabulary: %,d WordPiece tokens from %s%n", tokenizer.vocabulary().size(), given);
    } else {
      tokenizer = declaredOrTrained(spec, declared, sources, data, size, err);
    }
    EncoderTokenizerFiles.write(tokenizer, output);
    return tokenizer;
  }

  /** The name of a tokenizer's kind, as a declaration spells it. */
  static String kind(EncoderTokenizer tokenizer) {
    if (tokenizer instanceof WordPieceTokenizer) {
      return "wordpiece";
    }
    return tokenizer instanceof SpecialTokenTokenizer framed && framed.base() instanceof ByteLevelBpeTokenizer ? "bpe" : "char";
  }

  private static EncoderTokenizer declaredOrTrained(ModelSpec spec, Tokenizer declared, Path sources, List<Path> data, int size,
      PrintWriter err) throws IOException {
    long start = System.nanoTime();
    EncoderTokenizer tokenizer;
    String trained = String.format(Locale.ROOT, "(declared vocab %,d) trained on the data in %%.1f s", size);
    if (declared instanceof Tokenizer.WordPiece wordPiece && wordPiece.vocabFile().isPresent()) {
      Path file = declaredFile(spec, wordPiece.origin(), sources, "vocab_file", wordPiece.vocabFile().get());
      tokenizer = fits(wordPiece(file, options(wordPiece)), file, size);
      err.printf(Locale.ROOT, "vocabulary: %,d WordPiece tokens from %s (vocab_file)%n", tokenizer.vocabulary().size(), file);
    } else if (declared instanceof Tokenizer.WordPiece wordPiece) {
      WordPieceOptions options = options(wordPiece);
      BertBasicTokenizer basic = BertBasicTokenizer.of(options);
      Vocabulary vocabulary;
      try {
        vocabulary = WordPieceTrainer.train(WordCounter.countFiles(data, basic::words, ProgressListener.NONE),
            WordPieceTrainingOptions.bert(size).withSpecialTokens(options.specialTokens().all()));
      } catch (MalformedInputFileException e) {
        throw new UserError(e.getMessage());
      }
      tokenizer = WordPieceTokenizer.of(vocabulary, options);
      err.printf(Locale.ROOT, "vocabulary: %,d WordPiece tokens " + trained + "%n", vocabulary.size(), seconds(start));
    } else if (declared instanceof Tokenizer.ByteLevelBpe bpe && bpe.vocabFile().isPresent()) {
      Path vocab = declaredFile(spec, bpe.origin(), sources, "vocab_file", bpe.vocabFile().get());
      Path merges = declaredFile(spec, bpe.origin(), sources, "merges_file", bpe.mergesFile().orElseThrow());
      ByteLevelBpeTokenizer base;
      try {
        base = ByteLevelBpeTokenizer.fromFiles(vocab, merges);
      } catch (MalformedInputFileException e) {
        throw new UserError(e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new UserError(vocab + " and " + merges + ": " + e.getMessage());
      }
      tokenizer = fits(framed(base, vocab), vocab, size);
      err.printf(Locale.ROOT, "vocabulary: %,d byte-level BPE tokens, %,d merges from %s and %s%n", base.vocabulary().size(),
          base.merges().size(), vocab, merges);
    } else if (declared instanceof Tokenizer.ByteLevelBpe) {
      List<String> specials = SpecialTokenTokenizer.roberta().all();
      int least = ByteLevelAlphabet.symbols().size() + specials.size();
      if (size < least) {
        throw new UserError("a byte-level BPE vocabulary holds the 256 bytes and RoBERTa's " + specials.size() + " special tokens: "
            + spec.name() + "'s vocab of " + size + " is too small (declare vocab >= " + least + ", or tokenizer char)");
      }
      ByteLevelBpeTokenizer base;
      try {
        base = BpeTrainer.train(WordCounter.countFiles(data, Gpt2PreTokenizer::split, ProgressListener.NONE).byteLevel(),
            BpeTrainingOptions.byteLevel(size).withSpecialTokens(robertaOrder())).byteLevelTokenizer();
      } catch (MalformedInputFileException e) {
        throw new UserError(e.getMessage());
      }
      tokenizer = SpecialTokenTokenizer.of(base, SpecialTokenTokenizer.roberta());
      err.printf(Locale.ROOT, "vocabulary: %,d byte-level BPE tokens, %,d merges " + trained + "%n", base.vocabulary().size(),
          base.merges().size(), seconds(start));
    } else {
      SpecialTokens specials = SpecialTokens.bert();
      if (size <= specials.all().size()) {
        throw new UserError(spec.name() + "'s vocab of " + size + " leaves no room for a character beside the "
            + specials.all().size() + " special tokens");
      }
      VocabularyBuilder counts = new VocabularyBuilder();
      for (Path file : data) {
        try {
          // as TextDocuments reads the text: lines stripped and joined by a space
          Utf8Lines.read(file, (number, line) -> (line.strip() + " ").codePoints().forEach(cp -> counts.add(Character.toString(cp))));
        } catch (MalformedInputFileException e) {
          throw new UserError(e.getMessage());
        }
      }
      Vocabulary vocabulary = counts.build(specials.all(), 1, size);
      tokenizer = SpecialTokenTokenizer.of(CharTokenizer.of(vocabulary, specials.unk()), specials);
      err.printf(Locale.ROOT, "vocabulary: %,d characters and %d special tokens " + trained + "%n",
          vocabulary.size() - specials.all().size(), specials.all().size(), seconds(start));
    }
    return tokenizer;
  }

  /** RoBERTa's special tokens in the order of its published vocabulary's first ids: {@code <s> <pad> </s> <unk>}, then {@code <mask>}. */
  private static List<String> robertaOrder() {
    SpecialTokens r = SpecialTokenTokenizer.roberta();
    return List.of(r.cls(), r.pad(), r.sep(), r.unk(), r.mask());
  }

  /** The declared WordPiece options: casing, special tokens, the longest word. */
  static WordPieceOptions options(Tokenizer.WordPiece declared) {
    return WordPieceOptions.cased().withLowercase(declared.lowercase()).withMaxInputCharsPerWord(declared.maxCharsPerWord())
        .withSpecialTokens(new SpecialTokens(declared.pad(), declared.unk(), declared.cls(), declared.sep(), declared.mask()));
  }

  /** A folder's tokenizer; a bare vocab.txt is WordPiece with the declared options. */
  private static EncoderTokenizer read(Path dir, Tokenizer declared) throws IOException {
    WordPieceOptions undeclared = declared instanceof Tokenizer.WordPiece w ? options(w) : WordPieceOptions.uncased();
    try {
      return EncoderTokenizerFiles.read(dir, undeclared);
    } catch (MalformedInputFileException e) {
      throw new UserError(e.getMessage());
    }
  }

  private static WordPieceTokenizer wordPiece(Path file, WordPieceOptions options) throws IOException {
    try {
      return WordPieceTokenizer.fromVocabTxt(file, options);
    } catch (MalformedInputFileException e) {
      throw new UserError(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UserError(file + ": " + e.getMessage());
    }
  }

  private static EncoderTokenizer framed(ByteLevelBpeTokenizer base, Path vocab) {
    try {
      return SpecialTokenTokenizer.of(base, SpecialTokenTokenizer.roberta());
    } catch (IllegalArgumentException e) {
      throw new UserError(vocab + ": " + e.getMessage() + " (an encoder's byte-level BPE needs RoBERTa's special tokens "
          + String.join(" ", robertaOrder()) + ")");
    }
  }

  /** A declared file, relative to the file that declares it; a missing one is named with the option and its position. */
  private static Path declaredFile(ModelSpec spec, dev.nlpm.compiler.source.Origin origin, Path sources, String option, String name) {
    Path declaredIn = origin instanceof SourcePosition p ? sources.resolve(p.file()).getParent() : null;
    Path file = declaredIn == null ? Path.of(name) : declaredIn.resolve(name).normalize();
    if (!Files.isRegularFile(file)) {
      throw new UserError(origin.describe() + ": " + spec.name() + "'s tokenizer " + option + " \"" + name + "\": no such file: " + file);
    }
    return file;
  }

  private static EncoderTokenizer fits(EncoderTokenizer tokenizer, Path from, int size) {
    if (tokenizer.vocabulary().size() > size) {
      throw new UserError(from + " has " + tokenizer.vocabulary().size() + " tokens, more than the model's vocab of " + size);
    }
    return tokenizer;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
