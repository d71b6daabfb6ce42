package dev.nlpm.runtime.encoder;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.text.CharTokenizer;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.text.SpecialTokenTokenizer;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import dev.nlpm.runtime.text.wordpiece.SpecialTokens;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An encoder's tokenizer in a folder (a model directory, a training run's output): {@value #RECORD}
 * says which tokenizer it is and with what options and special tokens, beside its vocabulary
 * files — {@value #WORDPIECE_VOCABULARY} for WordPiece, {@code vocab.json} and {@code merges.txt}
 * for byte-level BPE, {@value #CHARACTERS} (a JSON array, id order) for characters. A folder with
 * a {@code vocab.txt} and no record (an import of BERT, a model from before the record) is
 * WordPiece with the model's declared casing and BERT's special tokens.
 */
public final class EncoderTokenizerFiles {

  public static final String RECORD = "tokenizer.nlpm.json";
  public static final String WORDPIECE_VOCABULARY = "vocab.txt";
  public static final String CHARACTERS = "chars.json";

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  /** What {@value #RECORD} holds. */
  private record Record(String kind, Boolean lowercase, Boolean stripAccents, Integer maxCharsPerWord, String pad, String unk,
      String cls, String sep, String mask) {

    SpecialTokens specials() {
      return new SpecialTokens(pad, unk, cls, sep, mask);
    }
  }

  private EncoderTokenizerFiles() {}

  /** Writes {@code tokenizer}'s record and vocabulary files into {@code dir}, each atomically. */
  public static void write(EncoderTokenizer tokenizer, Path dir) throws IOException {
    Record record;
    if (tokenizer instanceof WordPieceTokenizer wordPiece) {
      WordPieceOptions o = wordPiece.options();
      record = record("wordpiece", o.lowercase(), o.stripAccents(), o.maxInputCharsPerWord(), o.specialTokens());
      wordPiece.writeVocabTxt(dir.resolve(WORDPIECE_VOCABULARY));
    } else if (tokenizer instanceof SpecialTokenTokenizer framed && framed.base() instanceof ByteLevelBpeTokenizer bpe) {
      record = record("bpe", null, null, null, framed.specials());
      bpe.writeTo(dir);
    } else if (tokenizer instanceof SpecialTokenTokenizer framed && framed.base() instanceof CharTokenizer) {
      record = record("char", null, null, null, framed.specials());
      AtomicFiles.writeString(dir.resolve(CHARACTERS), GSON.toJson(framed.vocabulary().tokens()) + "\n");
    } else {
      throw new IllegalArgumentException("no files for an encoder tokenizer of " + tokenizer.getClass().getName());
    }
    AtomicFiles.writeString(dir.resolve(RECORD), GSON.toJson(record) + "\n");
  }

  private static Record record(String kind, Boolean lowercase, Boolean stripAccents, Integer maxChars, SpecialTokens s) {
    return new Record(kind, lowercase, stripAccents, maxChars, s.pad(), s.unk(), s.cls(), s.sep(), s.mask());
  }

  /** Whether {@code dir} holds an encoder's tokenizer, recorded or a bare {@code vocab.txt}. */
  public static boolean present(Path dir) {
    return Files.isRegularFile(dir.resolve(RECORD)) || Files.isRegularFile(dir.resolve(WORDPIECE_VOCABULARY));
  }

  /**
   * The tokenizer in {@code dir}.
   *
   * @param undeclared the WordPiece options of a folder with a {@code vocab.txt} and no record
   * @throws MalformedInputFileException naming the file that is missing a part, malformed, or
   *     lacks a special token
   */
  public static EncoderTokenizer read(Path dir, WordPieceOptions undeclared) throws IOException {
    Path recordFile = dir.resolve(RECORD);
    if (!Files.isRegularFile(recordFile)) {
      return WordPieceTokenizer.fromVocabTxt(dir.resolve(WORDPIECE_VOCABULARY), undeclared);
    }
    Record record;
    try {
      record = GSON.fromJson(Files.readString(recordFile, StandardCharsets.UTF_8), Record.class);
    } catch (JsonParseException e) {
      throw MalformedInputFileException.inFile(recordFile, "not a tokenizer record: " + e.getMessage(), e);
    }
    if (record == null || record.kind() == null || record.pad() == null || record.unk() == null || record.cls() == null
        || record.sep() == null || record.mask() == null) {
      throw MalformedInputFileException.inFile(recordFile, "a tokenizer record needs kind, pad, unk, cls, sep and mask", null);
    }
    return switch (record.kind()) {
      case "wordpiece" -> {
        if (record.lowercase() == null || record.stripAccents() == null || record.maxCharsPerWord() == null) {
          throw MalformedInputFileException.inFile(recordFile, "a wordpiece record needs lowercase, stripAccents and maxCharsPerWord", null);
        }
        WordPieceOptions options = WordPieceOptions.cased().withLowercase(record.lowercase()).withStripAccents(record.stripAccents())
            .withMaxInputCharsPerWord(record.maxCharsPerWord()).withSpecialTokens(record.specials());
        yield WordPieceTokenizer.fromVocabTxt(dir.resolve(WORDPIECE_VOCABULARY), options);
      }
      case "bpe" -> {
        ByteLevelBpeTokenizer bpe;
        try {
          bpe = ByteLevelBpeTokenizer.fromDirectory(dir);
        } catch (IllegalArgumentException e) {
          throw MalformedInputFileException.inFile(dir.resolve("merges.txt"), e.getMessage(), e);
        }
        yield framed(dir.resolve("vocab.json"), bpe, record.specials());
      }
      case "char" -> {
        Path file = dir.resolve(CHARACTERS);
        List<String> tokens;
        try {
          tokens = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), new TypeToken<List<String>>() {}.getType());
        } catch (JsonParseException e) {
          throw MalformedInputFileException.inFile(file, "not a JSON array of characters: " + e.getMessage(), e);
        }
        if (tokens == null) {
          throw MalformedInputFileException.inFile(file, "empty", null);
        }
        Vocabulary vocabulary;
        try {
          vocabulary = Vocabulary.of(tokens);
        } catch (IllegalArgumentException e) {
          throw MalformedInputFileException.inFile(file, e.getMessage(), e);
        }
        yield framed(file, CharTokenizer.of(vocabulary, record.unk()), record.specials());
      }
      default -> throw MalformedInputFileException.inFile(recordFile, "unknown tokenizer kind \"" + record.kind()
          + "\"; wordpiece, bpe or char", null);
    };
  }

  private static EncoderTokenizer framed(Path vocabularyFile, dev.nlpm.runtime.text.Tokenizer base, SpecialTokens specials)
      throws MalformedInputFileException {
    try {
      return SpecialTokenTokenizer.of(base, specials);
    } catch (IllegalArgumentException e) {
      throw MalformedInputFileException.inFile(vocabularyFile, e.getMessage(), e);
    }
  }
}
