package dev.nlpm.runtime.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.text.CharTokenizer;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.text.SpecialTokenTokenizer;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.bpe.ByteLevelAlphabet;
import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import dev.nlpm.runtime.text.bpe.Merge;
import dev.nlpm.runtime.text.wordpiece.SpecialTokens;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An encoder's tokenizer written into a folder reads back the same, whichever its kind. */
class EncoderTokenizerFilesTest {

  static EncoderTokenizer bpe() {
    List<String> tokens = new ArrayList<>(List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>"));
    tokens.addAll(ByteLevelAlphabet.symbols());
    tokens.add("ca");
    return SpecialTokenTokenizer.of(ByteLevelBpeTokenizer.of(Vocabulary.of(tokens), List.of(new Merge("c", "a"))),
        SpecialTokenTokenizer.roberta());
  }

  private static void assertSame(EncoderTokenizer expected, EncoderTokenizer actual, String text) {
    assertEquals(expected.getClass(), actual.getClass());
    assertEquals(expected.vocabulary(), actual.vocabulary());
    assertArrayEquals(expected.encodeIds(text), actual.encodeIds(text));
    assertEquals(List.of(expected.padId(), expected.unkId(), expected.clsId(), expected.sepId(), expected.maskId()),
        List.of(actual.padId(), actual.unkId(), actual.clsId(), actual.sepId(), actual.maskId()));
  }

  @Test
  void eachKindReadsBackAsWritten(@TempDir Path dir) throws Exception {
    SpecialTokens custom = new SpecialTokens("[PAD]", "[UNK]", "[CLS]", "[SEP]", "<hidden>");
    EncoderTokenizer wordPiece = WordPieceTokenizer.of(Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "<hidden>", "The", "cat")),
        WordPieceOptions.cased().withSpecialTokens(custom));
    EncoderTokenizer chars = SpecialTokenTokenizer.of(
        CharTokenizer.of(Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "c", "a", "\r", " ")), "[UNK]"), SpecialTokens.bert());
    int i = 0;
    for (EncoderTokenizer tokenizer : List.of(wordPiece, bpe(), chars)) {
      Path folder = Files.createDirectory(dir.resolve("t" + i++));
      EncoderTokenizerFiles.write(tokenizer, folder);
      // the bare-vocab.txt fallback would read uncased BERT: the record must win
      assertSame(tokenizer, EncoderTokenizerFiles.read(folder, WordPieceOptions.uncased()), "The cat\r ca");
    }
    assertEquals(4, bpe().maskId());
    assertTrue(bpe().maskTakesSpaceBefore());
  }

  @Test
  void aFolderWithOnlyVocabTxtIsWordPieceWithTheGivenOptions(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\n");
    EncoderTokenizer read = EncoderTokenizerFiles.read(dir, WordPieceOptions.uncased());
    assertInstanceOf(WordPieceTokenizer.class, read);
    assertArrayEquals(new int[] {5}, read.encodeIds("THE"));
  }

  @Test
  void aVocabularyWithoutTheSpecialTokensIsNamed(@TempDir Path dir) throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SpecialTokenTokenizer.of(CharTokenizer.of(Vocabulary.of(List.of("[UNK]", "a")), "[UNK]"), SpecialTokens.bert()));
    assertEquals("the pad token '[PAD]' is not in the vocabulary of 2 tokens", e.getMessage());
    Files.writeString(dir.resolve(EncoderTokenizerFiles.RECORD), "{\"kind\": \"sentencepiece\", \"pad\": \"a\", \"unk\": \"b\", \"cls\": \"c\","
        + " \"sep\": \"d\", \"mask\": \"e\"}");
    MalformedInputFileException m = assertThrows(MalformedInputFileException.class,
        () -> EncoderTokenizerFiles.read(dir, WordPieceOptions.uncased()));
    assertTrue(m.getMessage().contains("unknown tokenizer kind \"sentencepiece\""), m.getMessage());
    assertEquals(dir.resolve(EncoderTokenizerFiles.RECORD), m.file());
  }
}
