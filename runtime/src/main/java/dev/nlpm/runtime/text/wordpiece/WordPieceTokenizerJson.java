package dev.nlpm.runtime.text.wordpiece;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.StrictUtf8;
import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The WordPiece form of HuggingFace's {@code tokenizer.json}, as {@code tokenizers} writes it for
 * {@code bert-base-uncased}: {@code added_tokens} for the specials, a {@code BertNormalizer}, a
 * {@code BertPreTokenizer}, a {@code TemplateProcessing} post-processor (a {@code BertProcessing}
 * one is read too), a {@code WordPiece} decoder and the {@code WordPiece} model with its
 * {@code vocab} object of token to id.
 */
final class WordPieceTokenizerJson {

  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

  private WordPieceTokenizerJson() {}

  static WordPieceTokenizer read(Path file) throws IOException {
    String text = StrictUtf8.decode(file, Files.readAllBytes(file));
    JsonElement root;
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      root = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new JsonParseException("more after the JSON value, at " + reader.getPath());
      }
    } catch (JsonParseException | IOException e) {
      throw MalformedInputFileException.inFile(file, "not valid JSON: " + e.getMessage(), e);
    }
    return new Reader(file).tokenizer(root);
  }

  /** Reads one file, naming the JSON path of anything wrong. */
  private static final class Reader {
    private final Path file;

    Reader(Path file) {
      this.file = file;
    }

    WordPieceTokenizer tokenizer(JsonElement root) throws MalformedInputFileException {
      JsonObject top = object(root, "$");
      JsonObject model = object(required(top, "model", "$"), "$.model");
      String type = string(required(model, "type", "$.model"), "$.model.type");
      if (!type.equals("WordPiece")) {
        throw fault("$.model.type", "the model type is '" + type + "'; only 'WordPiece' is supported");
      }
      Vocabulary vocabulary = vocabulary(object(required(model, "vocab", "$.model"), "$.model.vocab"));
      String unk = string(required(model, "unk_token", "$.model"), "$.model.unk_token");
      String prefix = optionalString(model, "continuing_subword_prefix", "$.model", "##");
      if (prefix.isEmpty()) {
        throw fault("$.model.continuing_subword_prefix", "the prefix is empty");
      }
      int maxChars = optionalPositiveInt(
          model, "max_input_chars_per_word", "$.model", WordPieceOptions.DEFAULT_MAX_INPUT_CHARS_PER_WORD);

      JsonObject normalizer = object(required(top, "normalizer", "$"), "$.normalizer");
      requireType(normalizer, "$.normalizer", "BertNormalizer");
      boolean lowercase = optionalBoolean(normalizer, "lowercase", "$.normalizer", true);
      JsonElement strip = normalizer.get("strip_accents");
      boolean stripAccents =
          strip == null || strip.isJsonNull() ? lowercase : bool(strip, "$.normalizer.strip_accents");
      if (!optionalBoolean(normalizer, "clean_text", "$.normalizer", true)) {
        throw fault("$.normalizer.clean_text", "only clean_text = true (BERT's cleanup) is supported");
      }
      if (!optionalBoolean(normalizer, "handle_chinese_chars", "$.normalizer", true)) {
        throw fault("$.normalizer.handle_chinese_chars",
            "only handle_chinese_chars = true (BERT's CJK split) is supported");
      }

      JsonObject preTokenizer = object(required(top, "pre_tokenizer", "$"), "$.pre_tokenizer");
      requireType(preTokenizer, "$.pre_tokenizer", "BertPreTokenizer");

      SpecialTokens specials = SpecialTokens.bert().withUnk(unk);
      JsonElement post = top.get("post_processor");
      if (post != null && !post.isJsonNull()) {
        specials = clsSep(object(post, "$.post_processor"), specials);
      }
      checkAddedTokens(top, vocabulary);

      WordPieceOptions options =
          new WordPieceOptions(lowercase, stripAccents, maxChars, prefix, specials);
      try {
        return WordPieceTokenizer.of(vocabulary, options);
      } catch (IllegalArgumentException e) {
        throw fault("$.model.vocab", e.getMessage());
      }
    }

    /** The ids must be exactly 0 .. n-1, each once. */
    private Vocabulary vocabulary(JsonObject vocab) throws MalformedInputFileException {
      int n = vocab.size();
      if (n == 0) {
        throw fault("$.model.vocab", "the vocabulary is empty");
      }
      String[] tokens = new String[n];
      for (Map.Entry<String, JsonElement> entry : vocab.entrySet()) {
        String path = "$.model.vocab[" + quote(entry.getKey()) + "]";
        if (entry.getKey().isEmpty()) {
          throw fault(path, "empty token");
        }
        int id = nonNegativeInt(entry.getValue(), path);
        if (id >= n) {
          throw fault(path, "id " + id + " is not below the vocabulary size " + n
              + " (ids must be dense, 0 .. " + (n - 1) + ")");
        }
        if (tokens[id] != null) {
          throw fault(path, "id " + id + " is already the id of " + quote(tokens[id]));
        }
        tokens[id] = entry.getKey();
      }
      return Vocabulary.of(Arrays.asList(tokens));
    }

    private SpecialTokens clsSep(JsonObject post, SpecialTokens specials)
        throws MalformedInputFileException {
      String type = string(required(post, "type", "$.post_processor"), "$.post_processor.type");
      switch (type) {
        case "BertProcessing": {
          String cls = pairName(required(post, "cls", "$.post_processor"), "$.post_processor.cls");
          String sep = pairName(required(post, "sep", "$.post_processor"), "$.post_processor.sep");
          return specials.withClsSep(cls, sep);
        }
        case "TemplateProcessing": {
          JsonArray single = array(required(post, "single", "$.post_processor"), "$.post_processor.single");
          if (single.size() < 3) {
            throw fault("$.post_processor.single", "expected [CLS] $A [SEP], got " + single.size() + " pieces");
          }
          String cls = templateSpecial(single, 0);
          String sep = templateSpecial(single, single.size() - 1);
          return specials.withClsSep(cls, sep);
        }
        default:
          throw fault("$.post_processor.type", "the post-processor type is '" + type
              + "'; only 'TemplateProcessing' and 'BertProcessing' are supported");
      }
    }

    private String pairName(JsonElement pair, String path) throws MalformedInputFileException {
      JsonArray array = array(pair, path);
      if (array.size() != 2) {
        throw fault(path, "expected [token, id], got " + array.size() + " elements");
      }
      return string(array.get(0), path + "[0]");
    }

    private String templateSpecial(JsonArray single, int index) throws MalformedInputFileException {
      String path = "$.post_processor.single[" + index + "]";
      JsonObject piece = object(single.get(index), path);
      JsonObject special = object(required(piece, "SpecialToken", path), path + ".SpecialToken");
      return string(required(special, "id", path + ".SpecialToken"), path + ".SpecialToken.id");
    }

    /** Every added token must be in the vocabulary with the same id. */
    private void checkAddedTokens(JsonObject top, Vocabulary vocabulary)
        throws MalformedInputFileException {
      JsonElement added = top.get("added_tokens");
      if (added == null || added.isJsonNull()) {
        return;
      }
      JsonArray array = array(added, "$.added_tokens");
      for (int i = 0; i < array.size(); i++) {
        String path = "$.added_tokens[" + i + "]";
        JsonObject token = object(array.get(i), path);
        int id = nonNegativeInt(required(token, "id", path), path + ".id");
        String content = string(required(token, "content", path), path + ".content");
        int inVocabulary = vocabulary.idOrMinusOne(content);
        if (inVocabulary != id) {
          throw fault(path + ".id", "added token " + quote(content) + " has id " + id
              + (inVocabulary < 0 ? " but is not in the vocabulary" : " but " + inVocabulary + " in the vocabulary"));
        }
      }
    }

    private void requireType(JsonObject object, String path, String expected)
        throws MalformedInputFileException {
      String type = string(required(object, "type", path), path + ".type");
      if (!type.equals(expected)) {
        throw fault(path + ".type", "the type is '" + type + "'; only '" + expected + "' is supported");
      }
    }

    private JsonElement required(JsonObject object, String member, String path)
        throws MalformedInputFileException {
      JsonElement value = object.get(member);
      if (value == null) {
        throw fault(path + "." + member, "missing");
      }
      return value;
    }

    private JsonObject object(JsonElement e, String path) throws MalformedInputFileException {
      if (e == null || !e.isJsonObject()) {
        throw fault(path, "expected an object, got " + describe(e));
      }
      return e.getAsJsonObject();
    }

    private JsonArray array(JsonElement e, String path) throws MalformedInputFileException {
      if (e == null || !e.isJsonArray()) {
        throw fault(path, "expected an array, got " + describe(e));
      }
      return e.getAsJsonArray();
    }

    private String string(JsonElement e, String path) throws MalformedInputFileException {
      if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw fault(path, "expected a string, got " + describe(e));
      }
      return e.getAsString();
    }

    private boolean bool(JsonElement e, String path) throws MalformedInputFileException {
      if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
        throw fault(path, "expected true or false, got " + describe(e));
      }
      return e.getAsBoolean();
    }

    private int nonNegativeInt(JsonElement e, String path) throws MalformedInputFileException {
      if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        throw fault(path, "expected a non-negative integer, got " + describe(e));
      }
      BigDecimal value = e.getAsBigDecimal();
      try {
        int i = value.intValueExact();
        if (i >= 0) {
          return i;
        }
      } catch (ArithmeticException notAnInt) {
        // reported below
      }
      throw fault(path, "expected a non-negative integer, got " + e);
    }

    private String optionalString(JsonObject o, String member, String path, String otherwise)
        throws MalformedInputFileException {
      JsonElement e = o.get(member);
      return e == null || e.isJsonNull() ? otherwise : string(e, path + "." + member);
    }

    private boolean optionalBoolean(JsonObject o, String member, String path, boolean otherwise)
        throws MalformedInputFileException {
      JsonElement e = o.get(member);
      return e == null || e.isJsonNull() ? otherwise : bool(e, path + "." + member);
    }

    private int optionalPositiveInt(JsonObject o, String member, String path, int otherwise)
        throws MalformedInputFileException {
      JsonElement e = o.get(member);
      if (e == null || e.isJsonNull()) {
        return otherwise;
      }
      int value = nonNegativeInt(e, path + "." + member);
      if (value == 0) {
        throw fault(path + "." + member, "must be at least 1");
      }
      return value;
    }

    private MalformedInputFileException fault(String path, String problem) {
      return MalformedInputFileException.atJsonPath(file, path, problem);
    }

    private static String describe(JsonElement e) {
      if (e == null) {
        return "nothing";
      }
      if (e.isJsonNull()) {
        return "null";
      }
      if (e.isJsonObject()) {
        return "an object";
      }
      if (e.isJsonArray()) {
        return "an array";
      }
      JsonPrimitive p = e.getAsJsonPrimitive();
      String kind = p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
      String shown = e.toString();
      return kind + " " + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown);
    }
  }

  static void write(WordPieceTokenizer tokenizer, Path file) throws IOException {
    Vocabulary vocabulary = tokenizer.vocabulary();
    WordPieceOptions options = tokenizer.options();
    SpecialTokens specials = options.specialTokens();

    JsonObject top = new JsonObject();
    top.addProperty("version", "1.0");
    top.add("truncation", JsonNull.INSTANCE);
    top.add("padding", JsonNull.INSTANCE);

    // HuggingFace lists the specials in id order
    Map<Integer, String> specialById = new TreeMap<>();
    for (String special : specials.all()) {
      specialById.put(vocabulary.idOrMinusOne(special), special);
    }
    JsonArray added = new JsonArray();
    for (Map.Entry<Integer, String> special : specialById.entrySet()) {
      JsonObject token = new JsonObject();
      token.addProperty("id", special.getKey());
      token.addProperty("content", special.getValue());
      token.addProperty("single_word", false);
      token.addProperty("lstrip", false);
      token.addProperty("rstrip", false);
      token.addProperty("normalized", false);
      token.addProperty("special", true);
      added.add(token);
    }
    top.add("added_tokens", added);

    JsonObject normalizer = new JsonObject();
    normalizer.addProperty("type", "BertNormalizer");
    normalizer.addProperty("clean_text", true);
    normalizer.addProperty("handle_chinese_chars", true);
    if (options.stripAccents() == options.lowercase()) {
      normalizer.add("strip_accents", JsonNull.INSTANCE); // HuggingFace: null follows lowercase
    } else {
      normalizer.addProperty("strip_accents", options.stripAccents());
    }
    normalizer.addProperty("lowercase", options.lowercase());
    top.add("normalizer", normalizer);

    JsonObject preTokenizer = new JsonObject();
    preTokenizer.addProperty("type", "BertPreTokenizer");
    top.add("pre_tokenizer", preTokenizer);

    top.add("post_processor", templateProcessing(tokenizer, specials));

    JsonObject decoder = new JsonObject();
    decoder.addProperty("type", "WordPiece");
    decoder.addProperty("prefix", options.continuingSubwordPrefix());
    decoder.addProperty("cleanup", true);
    top.add("decoder", decoder);

    JsonObject model = new JsonObject();
    model.addProperty("type", "WordPiece");
    model.addProperty("unk_token", specials.unk());
    model.addProperty("continuing_subword_prefix", options.continuingSubwordPrefix());
    model.addProperty("max_input_chars_per_word", options.maxInputCharsPerWord());
    JsonObject vocab = new JsonObject();
    for (int id = 0; id < vocabulary.size(); id++) {
      vocab.addProperty(vocabulary.token(id), id);
    }
    model.add("vocab", vocab);
    top.add("model", model);

    AtomicFiles.write(file, out -> {
      Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      GSON.toJson(top, writer);
      writer.flush();
    });
  }

  private static JsonObject templateProcessing(WordPieceTokenizer tokenizer, SpecialTokens specials) {
    JsonObject post = new JsonObject();
    post.addProperty("type", "TemplateProcessing");
    List<JsonObject> single = new ArrayList<>();
    single.add(piece("SpecialToken", specials.cls(), 0));
    single.add(piece("Sequence", "A", 0));
    single.add(piece("SpecialToken", specials.sep(), 0));
    List<JsonObject> pair = new ArrayList<>(single);
    pair.add(piece("Sequence", "B", 1));
    pair.add(piece("SpecialToken", specials.sep(), 1));
    post.add("single", toArray(single));
    post.add("pair", toArray(pair));
    JsonObject specialTokens = new JsonObject();
    specialTokens.add(specials.cls(), specialEntry(specials.cls(), tokenizer.clsId()));
    specialTokens.add(specials.sep(), specialEntry(specials.sep(), tokenizer.sepId()));
    post.add("special_tokens", specialTokens);
    return post;
  }

  private static JsonObject piece(String kind, String id, int typeId) {
    JsonObject inner = new JsonObject();
    inner.addProperty("id", id);
    inner.addProperty("type_id", typeId);
    JsonObject outer = new JsonObject();
    outer.add(kind, inner);
    return outer;
  }

  private static JsonArray toArray(List<JsonObject> objects) {
    JsonArray array = new JsonArray();
    objects.forEach(array::add);
    return array;
  }

  private static JsonObject specialEntry(String token, int id) {
    JsonObject entry = new JsonObject();
    entry.addProperty("id", token);
    JsonArray ids = new JsonArray();
    ids.add(id);
    entry.add("ids", ids);
    JsonArray tokens = new JsonArray();
    tokens.add(token);
    entry.add("tokens", tokens);
    return entry;
  }

  /** A JSON string literal, for paths and messages. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
