package dev.nlpm.runtime.text.wordpiece;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** vocab.txt and tokenizer.json: round trips, published shapes, and faults named precisely. */
class WordPieceFilesTest {

  private static final List<String> TEXTS = List.of(
      "Héllo, wörld! Don't can't I'm résumé naïve",
      "子曰：“学而时习之，不亦说乎？”",
      "Emoji 😀👍🏽 👨‍👩‍👧‍👦 and ΟΔΟΣ", "", "a".repeat(101));

  @TempDir Path dir;

  @Test
  void tokenizerJsonRoundTripEncodesIdentically() throws IOException {
    for (WordPieceOptions options : List.of(
        WordPieceOptions.uncased(), WordPieceOptions.cased(),
        WordPieceOptions.uncased().withStripAccents(false).withMaxInputCharsPerWord(7))) {
      WordPieceTokenizer original = WordPieceTokenizer.of(WordPieceTestResources.uncasedVocabulary(), options);
      Path file = dir.resolve("tokenizer.json");
      original.writeTokenizerJson(file);
      WordPieceTokenizer read = WordPieceTokenizer.fromTokenizerJson(file);
      assertEquals(original.vocabulary(), read.vocabulary());
      assertEquals(original.options(), read.options());
      for (String text : TEXTS) {
        assertEquals(original.encode(text), read.encode(text), text);
      }
    }
  }

  @Test
  void writtenTokenizerJsonHasHuggingFacesShape() throws IOException {
    Path file = dir.resolve("tokenizer.json");
    WordPieceTestResources.uncasedTokenizer().writeTokenizerJson(file);
    JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    assertEquals(List.of("version", "truncation", "padding", "added_tokens", "normalizer",
        "pre_tokenizer", "post_processor", "decoder", "model"), new ArrayList<>(json.keySet()));
    JsonObject model = json.getAsJsonObject("model");
    assertEquals("WordPiece", model.get("type").getAsString());
    assertEquals("[UNK]", model.get("unk_token").getAsString());
    assertEquals("##", model.get("continuing_subword_prefix").getAsString());
    assertEquals(100, model.get("max_input_chars_per_word").getAsInt());
    assertEquals(30522, model.getAsJsonObject("vocab").size());
    assertEquals(2023, model.getAsJsonObject("vocab").get("this").getAsInt());
    JsonObject normalizer = json.getAsJsonObject("normalizer");
    assertEquals("BertNormalizer", normalizer.get("type").getAsString());
    assertTrue(normalizer.get("lowercase").getAsBoolean());
    assertTrue(normalizer.get("strip_accents").isJsonNull());
    assertEquals("{\"id\":0,\"content\":\"[PAD]\",\"single_word\":false,\"lstrip\":false,"
            + "\"rstrip\":false,\"normalized\":false,\"special\":true}",
        json.getAsJsonArray("added_tokens").get(0).toString());
    assertEquals(5, json.getAsJsonArray("added_tokens").size());
    JsonObject post = json.getAsJsonObject("post_processor");
    assertEquals("TemplateProcessing", post.get("type").getAsString());
    assertEquals("{\"id\":\"[SEP]\",\"ids\":[102],\"tokens\":[\"[SEP]\"]}",
        post.getAsJsonObject("special_tokens").get("[SEP]").toString());
    assertFalse(Files.readString(file).contains("\\u003c"), "no HTML escaping");
  }

  @Test
  void readsAPublishedStyleFileWithBertProcessing() throws IOException {
    Path file = write("bert.json", """
        {
          "version": "1.0",
          "model": {"type": "WordPiece", "unk_token": "<unk>", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": {"<unk>": 0, "<cls>": 1, "<sep>": 2, "[PAD]": 3, "[MASK]": 4,
              "hello": 5, "world": 6, ",": 7, "!": 8, "##s": 9}},
          "added_tokens": [{"id": 0, "content": "<unk>", "special": true}],
          "normalizer": {"type": "BertNormalizer", "lowercase": true},
          "pre_tokenizer": {"type": "BertPreTokenizer"},
          "post_processor": {"type": "BertProcessing", "cls": ["<cls>", 1], "sep": ["<sep>", 2]},
          "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true}
        }
        """);
    WordPieceTokenizer tokenizer = WordPieceTokenizer.fromTokenizerJson(file);
    assertEquals(List.of("hello", ",", "world", "##s", "!", "<unk>"), tokenizer.tokenize("Hello, Worlds! Zzz"));
    assertEquals(1, tokenizer.clsId());
    assertEquals(2, tokenizer.sepId());
    assertEquals(0, tokenizer.unkId());
  }

  static Stream<Arguments> malformedTokenizerJson() {
    String normalizer = "\"normalizer\": {\"type\": \"BertNormalizer\", \"lowercase\": true}, "
        + "\"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}";
    String vocab = "{\"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, \"[MASK]\": 4, \"a\": 5}";
    String model = "\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"vocab\": " + vocab + "}";
    return Stream.of(
        Arguments.of("[1, 2]", "$", "expected an object, got an array"),
        Arguments.of("{" + normalizer + "}", "$.model", "missing"),
        Arguments.of("{" + normalizer + ", " + model.replace("WordPiece", "BPE") + "}",
            "$.model.type", "the model type is 'BPE'; only 'WordPiece' is supported"),
        Arguments.of("{" + normalizer + ", " + model.replace("\"a\": 5", "\"a\": 6") + "}",
            "$.model.vocab[\"a\"]", "id 6 is not below the vocabulary size 6 (ids must be dense, 0 .. 5)"),
        Arguments.of("{" + normalizer + ", " + model.replace("\"a\": 5", "\"a\": 4") + "}",
            "$.model.vocab[\"a\"]", "id 4 is already the id of \"[MASK]\""),
        Arguments.of("{" + normalizer + ", " + model.replace("\"a\": 5", "\"a\": \"5\"") + "}",
            "$.model.vocab[\"a\"]", "expected a non-negative integer, got a string \"5\""),
        Arguments.of("{" + normalizer + ", " + model.replace("\"a\": 5", "\"a\": 4.5") + "}",
            "$.model.vocab[\"a\"]", "expected a non-negative integer, got 4.5"),
        Arguments.of("{" + normalizer + ", " + model.replace("\"unk_token\": \"[UNK]\", ", "") + "}",
            "$.model.unk_token", "missing"),
        Arguments.of("{" + normalizer + ", " + model.replace("\"unk_token\": \"[UNK]\"", "\"unk_token\": 1") + "}",
            "$.model.unk_token", "expected a string, got a number 1"),
        Arguments.of("{" + normalizer + ", " + model.replace("\"unk_token\": \"[UNK]\"", "\"unk_token\": \"<unk>\"") + "}",
            "$.model.vocab", "the unk token '<unk>' is not in the vocabulary of 6 tokens"),
        Arguments.of("{" + normalizer.replace("true", "\"yes\"") + ", " + model + "}",
            "$.normalizer.lowercase", "expected true or false, got a string \"yes\""),
        Arguments.of("{" + normalizer.replace("BertPreTokenizer", "Whitespace") + ", " + model + "}",
            "$.pre_tokenizer.type", "the type is 'Whitespace'; only 'BertPreTokenizer' is supported"),
        Arguments.of("{\"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}, " + model + "}",
            "$.normalizer", "missing"),
        Arguments.of("{" + normalizer + ", " + model
                + ", \"added_tokens\": [{\"id\": 0, \"content\": \"[PAD]\"}, {\"id\": 0, \"content\": \"[UNK]\"}]}",
            "$.added_tokens[1].id", "added token \"[UNK]\" has id 0 but 1 in the vocabulary"),
        Arguments.of("{" + normalizer + ", " + model
                + ", \"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": [1, 2, 3]}}",
            "$.post_processor.single[0]", "expected an object, got a number 1"));
  }

  @ParameterizedTest
  @MethodSource
  void malformedTokenizerJson(String json, String path, String problem) throws IOException {
    Path file = write("tokenizer.json", json);
    MalformedInputFileException e = assertThrows(
        MalformedInputFileException.class, () -> WordPieceTokenizer.fromTokenizerJson(file));
    assertEquals(file + ": at " + path + ": " + problem, e.getMessage());
    assertEquals(path, e.jsonPath().orElseThrow());
  }

  @Test
  void invalidJsonIsRejectedWithTheFile() throws IOException {
    Path file = write("broken.json", "{\"model\": {\"type\": WordPiece}}");
    MalformedInputFileException e = assertThrows(
        MalformedInputFileException.class, () -> WordPieceTokenizer.fromTokenizerJson(file));
    assertTrue(e.getMessage().startsWith(file + ": not valid JSON: "), e.getMessage());
    assertTrue(e.getMessage().contains("$.model.type"), e.getMessage());
    Path trailing = write("trailing.json", "{} {}");
    assertThrows(MalformedInputFileException.class, () -> WordPieceTokenizer.fromTokenizerJson(trailing));
  }

  @Test
  void vocabTxtRoundTripKeepsTheChineseLineSeparatorTokens() throws IOException {
    Vocabulary chinese = WordPieceTestResources.chineseVocabulary();
    assertTrue(chinese.contains("\u2028") && chinese.contains("##\u2028"));
    WordPieceTokenizer tokenizer = WordPieceTokenizer.of(chinese, WordPieceOptions.uncased());
    Path file = dir.resolve("vocab.txt");
    tokenizer.writeVocabTxt(file);
    WordPieceTokenizer read = WordPieceTokenizer.fromVocabTxt(file, WordPieceOptions.uncased());
    assertEquals(chinese, read.vocabulary());
    assertEquals(tokenizer.encode(TEXTS.get(1)), read.encode(TEXTS.get(1)));
  }

  @Test
  void malformedVocabTxtNamesTheLine() throws IOException {
    Path duplicate = write("dup.txt", "[PAD]\n[UNK]\na\n[UNK]\n");
    MalformedInputFileException e = assertThrows(MalformedInputFileException.class,
        () -> WordPieceTokenizer.fromVocabTxt(duplicate, WordPieceOptions.uncased()));
    assertEquals(duplicate + ":4: token '[UNK]' already appears on line 2", e.getMessage());
    Path empty = write("empty.txt", "[PAD]\n\n[UNK]\n");
    e = assertThrows(MalformedInputFileException.class,
        () -> WordPieceTokenizer.fromVocabTxt(empty, WordPieceOptions.uncased()));
    assertEquals(empty + ":2: empty token", e.getMessage());
    Path invalid = dir.resolve("invalid.txt");
    Files.write(invalid, new byte[] {'a', '\n', 'b', '\n', (byte) 0xC3, '\n'});
    e = assertThrows(MalformedInputFileException.class,
        () -> WordPieceTokenizer.fromVocabTxt(invalid, WordPieceOptions.uncased()));
    assertEquals(3, e.line().orElseThrow());
  }

  @Test
  void aMissingSpecialTokenIsNamed() throws IOException {
    Path file = write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
    MalformedInputFileException e = assertThrows(MalformedInputFileException.class,
        () -> WordPieceTokenizer.fromVocabTxt(file, WordPieceOptions.uncased()));
    assertEquals(file + ": the mask token '[MASK]' is not in the vocabulary of 5 tokens", e.getMessage());
    Vocabulary vocabulary = Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    IllegalArgumentException custom = assertThrows(IllegalArgumentException.class,
        () -> WordPieceTokenizer.of(vocabulary,
            WordPieceOptions.uncased().withSpecialTokens(SpecialTokens.bert().withClsSep("<s>", "</s>"))));
    assertEquals("the cls token '<s>' is not in the vocabulary of 5 tokens", custom.getMessage());
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
