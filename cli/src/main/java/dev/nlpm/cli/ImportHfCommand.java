package dev.nlpm.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticPrinter;
import dev.nlpm.compiler.plan.Extent;
import dev.nlpm.compiler.plan.ModelPlan;
import dev.nlpm.compiler.plan.TensorPlan;
import dev.nlpm.dsl.IncludeResolver;
import dev.nlpm.dsl.NlpmFormatter;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.dsl.ParsedProgram;
import dev.nlpm.runtime.checkpoint.CheckpointMismatchException;
import dev.nlpm.runtime.checkpoint.ParameterCheckpoint;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.checkpoint.SafetensorsWriter;
import dev.nlpm.runtime.encoder.EncoderTokenizerFiles;
import dev.nlpm.runtime.io.AtomicDirectories;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import dev.nlpm.runtime.parameters.TensorSlot;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.text.SpecialTokenTokenizer;
import dev.nlpm.runtime.text.bpe.ByteLevelBpeTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm import-hf DIR [-o OUT] [--name NAME] [--package PKG]}: turns a HuggingFace BERT,
 * RoBERTa, ALBERT, DistilBERT or GPT-2 folder (config.json, model.safetensors, the vocabulary) into
 * a declaration, {@code OUT/NAME.nlpm}, and a model directory, {@code OUT/model/}, with the weights
 * under the names nlpm loads. Every tensor is checked against the declaration's layout before
 * anything is written. ALBERT's SentencePiece tokenizer is not imported (nlpm has none): its
 * weights are, and the command says that a tokenizer must be supplied.
 */
@Command(
    name = "import-hf",
    mixinStandardHelpOptions = true,
    description =
        "Imports a HuggingFace BERT, RoBERTa, ALBERT, DistilBERT or GPT-2 folder (config.json, model.safetensors, vocabulary):"
            + " writes OUT/NAME.nlpm and OUT/model/ after checking every weight against the declaration.")
final class ImportHfCommand implements Callable<Integer> {

  static final String WEIGHTS = "model.safetensors";
  private static final String SUPPORTED = "bert, roberta, albert, distilbert, gpt2";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  @Parameters(index = "0", paramLabel = "DIR", description = "The HuggingFace model folder.")
  Path source;

  @Option(names = {"-o", "--output"}, paramLabel = "OUT",
      description = "Where to write NAME.nlpm and model/ (default: ./NAME); replaced whole, atomically.")
  Path output;

  @Option(names = "--name", paramLabel = "NAME", description = "The model's name (default: from the folder's name).")
  String name;

  @Option(names = "--package", paramLabel = "PKG", description = "The declaration's package.")
  String javaPackage;

  @Option(names = "--debug", description = "Print stack traces of internal errors.")
  boolean debug;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /**
   * What a model type needs: its declaration, prefix and vocabulary files.
   *
   * @param vocabularyFiles the files the folder must have, copied into the model directory as they
   *     are unless {@code tokenizer} is given
   * @param tokenizer the tokenizer read from those files, written into the model directory with its
   *     record ({@link EncoderTokenizerFiles}); null to copy the files
   * @param notes what the user should know about this import, a line each
   * @param untied the declaration with an output head of its own, for a checkpoint whose head
   *     differs from the word embeddings; null where the language ties it always
   */
  private record Import(String kind, String declaration, List<String> vocabularyFiles, EncoderTokenizer tokenizer, List<String> notes,
      Import untied) {

    Import(String kind, String declaration, List<String> vocabularyFiles, Import untied) {
      this(kind, declaration, vocabularyFiles, null, List.of(), untied);
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isDirectory(source)) {
      throw new UserError("no such directory: " + source);
    }
    String modelName = name != null ? name : nameFrom(source);
    if (!IDENTIFIER.matcher(modelName).matches()) {
      throw new UserError("--name " + modelName + " is not a model name (a letter, then letters, digits or _)");
    }
    if (javaPackage != null && !PACKAGE.matcher(javaPackage).matches()) {
      throw new UserError("--package " + javaPackage + " is not a package name");
    }
    Path target = output != null ? output : Path.of(modelName);
    JsonObject config = readConfig(source.resolve("config.json"));
    Import imported = declaration(config, modelName);
    Path weights = source.resolve(WEIGHTS);
    if (!Files.isRegularFile(weights)) {
      throw new UserError("no weights: " + weights + " is missing (only safetensors weights are read)");
    }

    String fileName = modelName + ".nlpm";
    Import declared = imported;
    ModelPlan tiedPlan = plan(fileName, format(fileName, declared.declaration()));
    List<String> differing = tiedTensorsThatDiffer(weights, layout(tiedPlan), tiedPlan.checkpointPrefix());
    if (!differing.isEmpty()) {
      if (declared.untied() == null) {
        throw new UserError(weights + ": " + String.join("; ", differing) + " (" + declared.kind()
            + " declarations tie the output to the word embeddings: nlpm has no untied encoder output)");
      }
      declared = declared.untied(); // the checkpoint's own head, imported as it is
    }
    List<String> untiedBecause = differing;
    String text = format(fileName, declared.declaration());
    ModelPlan plan = plan(fileName, text);
    ParameterLayout layout = layout(plan);
    differing = tiedTensorsThatDiffer(weights, layout, plan.checkpointPrefix());
    if (!differing.isEmpty()) {
      throw new UserError(weights + ": " + String.join("; ", differing));
    }
    float[] parameters = new float[layout.size()];
    ParameterCheckpoint.LoadReport report;
    try (SafetensorsFile file = SafetensorsFile.open(weights)) {
      report = ParameterCheckpoint.load(file, layout, parameters, plan.checkpointPrefix(), false);
    } catch (CheckpointMismatchException e) {
      throw new UserError(weights + " does not fit " + source.resolve("config.json") + ": "
          + String.join("; ", e.problems()));
    }

    refuseToReplaceOtherFiles(target);
    Set<String> absent = new HashSet<>(report.headsLeftAsTheyWere());
    AtomicDirectories.write(target, dir -> {
      Files.writeString(dir.resolve(fileName), text, StandardCharsets.UTF_8);
      Path model = Files.createDirectory(dir.resolve("model"));
      SafetensorsWriter writer = new SafetensorsWriter();
      for (TensorSlot slot : layout.slots()) {
        if (slot.tiedTo().isEmpty() && !absent.contains(slot.name())) {
          String stored = slot.group().equals(ParameterLayout.BACKBONE) ? plan.checkpointPrefix() + slot.name() : slot.name();
          writer.add(stored, parameters, slot.offset(), slot.shape().stream().mapToLong(Integer::longValue).toArray());
        }
      }
      writer.metadata("format", "pt").metadata("model", modelName).metadata("imported_from", "huggingface " + imported.kind());
      writer.write(model.resolve(WEIGHTS));
      if (imported.tokenizer() != null) {
        EncoderTokenizerFiles.write(imported.tokenizer(), model);
      } else {
        for (String file : imported.vocabularyFiles()) {
          Files.copy(source.resolve(file), model.resolve(file));
        }
      }
    });
    out.printf(Locale.ROOT, "imported %s %s: %,d parameters in %d tensors%s; wrote %s and %s%n",
        imported.kind(), modelName, plan.maxParameterCount() - absent.stream().mapToLong(n -> layout.slot(n).orElseThrow().elements()).sum(),
        report.loaded().size(),
        absent.isEmpty() ? "" : " (" + absent.size() + " head tensors not in the file: " + String.join(", ", report.headsLeftAsTheyWere()) + ")",
        target.resolve(fileName), target.resolve("model"));
    if (declared != imported) {
      out.println("untied: the checkpoint's output head differs from its word embeddings (" + String.join("; ", untiedBecause)
          + "), so " + fileName + " declares tie_embeddings = false and the head is imported as its own tensor");
    }
    if (!report.unused().isEmpty()) {
      out.println("skipped " + report.unused().size() + " tensors nlpm does not use: " + String.join(", ", report.unused()));
    }
    imported.notes().forEach(out::println);
    return 0;
  }

  // ---- config.json ----

  private static JsonObject readConfig(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserError("no config.json in " + file.getParent() + "; is this a HuggingFace model folder?");
    }
    try {
      JsonElement element = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!element.isJsonObject()) {
        throw new UserError(file + ": not a JSON object");
      }
      return element.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new UserError(file + ": not valid JSON: " + e.getMessage());
    }
  }

  private Import declaration(JsonObject config, String modelName) throws IOException {
    String type = config.has("model_type") && config.get("model_type").isJsonPrimitive()
        ? config.get("model_type").getAsString() : null;
    if (type == null) {
      throw new UserError(source.resolve("config.json") + " has no model_type; supported: " + SUPPORTED);
    }
    return switch (type) {
      case "bert" -> bert(config, modelName);
      case "roberta" -> roberta(config, modelName);
      case "albert" -> albert(config, modelName);
      case "distilbert" -> distilbert(config, modelName);
      case "gpt2" -> gpt2(config, modelName);
      default -> throw new UserError("unsupported model_type \"" + type + "\" in " + source.resolve("config.json")
          + "; supported: " + SUPPORTED);
    };
  }

  /** Each is a file's presence, checked before anything is read from it. */
  private void requireVocabulary(String kind, List<String> files) {
    for (String file : files) {
      if (!Files.isRegularFile(source.resolve(file))) {
        throw new UserError("no vocabulary: " + source.resolve(file) + " is missing (" + kind + " needs " + String.join(" and ", files) + ")");
      }
    }
  }

  private Import bert(JsonObject c, String modelName) throws IOException {
    requireVocabulary("bert", List.of("vocab.txt"));
    checkVocabularySize(integer(c, "vocab_size"));
    absolutePositions(c);
    int segments = integer(c, "type_vocab_size");
    boolean lowercase = lowercase();
    StringBuilder d = header(modelName, "bert");
    d.append("model ").append(modelName).append(" : encoder {\n")
        .append("vocab = ").append(integer(c, "vocab_size")).append(";\n")
        .append("hidden = ").append(integer(c, "hidden_size")).append(";\n")
        .append("layers = ").append(integer(c, "num_hidden_layers")).append(";\n")
        .append("heads = ").append(integer(c, "num_attention_heads")).append(";\n")
        .append("intermediate = ").append(integer(c, "intermediate_size")).append(";\n")
        .append("max_length = ").append(integer(c, "max_position_embeddings")).append(";\n")
        .append("activation = ").append(activation(string(c, "hidden_act"))).append(";\n")
        .append("embeddings { positions = learned; segments = ").append(segments).append("; }\n")
        .append("norm { placement = post; eps = ").append(decimal(number(c, "layer_norm_eps"))).append("; }\n")
        .append("dropout { hidden = ").append(decimal(number(c, "hidden_dropout_prob")))
        .append("; attention = ").append(decimal(number(c, "attention_probs_dropout_prob"))).append("; }\n")
        .append("tokenizer wordpiece { lowercase = ").append(lowercase).append("; }\n")
        .append("objective mlm;\n");
    if (segments >= 2 && hasTensor("cls.seq_relationship.weight")) {
      d.append("objective nsp;\n");
    }
    d.append("}\n");
    return new Import("bert", d.toString(), List.of("vocab.txt"), null);
  }

  /** BERT, RoBERTa and ALBERT name their position embeddings' kind; only learned absolute ones are imported. */
  private void absolutePositions(JsonObject c) {
    String positions = optionalString(c, "position_embedding_type").orElse("absolute");
    if (!positions.equals("absolute")) {
      throw new UserError("unsupported position_embedding_type \"" + positions + "\" in config.json; supported: absolute");
    }
  }

  /**
   * RoBERTa ({@code RobertaForMaskedLM}, {@code RobertaModel}): BERT's layers under {@code
   * roberta.}, one token type, positions offset past the padding index (config.json's
   * max_position_embeddings, 514 for roberta-base, counts the two offset rows, as nlpm's
   * max_length does), byte-level BPE with RoBERTa's special tokens; a pooler where the file has one.
   */
  private Import roberta(JsonObject c, String modelName) throws IOException {
    List<String> files = List.of("vocab.json", "merges.txt");
    requireVocabulary("roberta", files);
    absolutePositions(c);
    EncoderTokenizer tokenizer = robertaTokenizer(integer(c, "vocab_size"));
    StringBuilder d = header(modelName, "roberta");
    d.append("model ").append(modelName).append(" : encoder {\n")
        .append("names = roberta;\n");
    sizes(d, c, "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size");
    d.append("max_length = ").append(integer(c, "max_position_embeddings")).append(";\n")
        .append("activation = ").append(activation(string(c, "hidden_act"))).append(";\n");
    if (!hasTensor("roberta.pooler.dense.weight", "pooler.dense.weight")) {
      d.append("pooler = false;\n");
    }
    d.append("embeddings { positions = learned; segments = ").append(integer(c, "type_vocab_size")).append("; }\n")
        .append("norm { placement = post; eps = ").append(decimal(number(c, "layer_norm_eps"))).append("; }\n");
    dropout(d, c, "hidden_dropout_prob", "attention_probs_dropout_prob");
    d.append("tokenizer bpe;\n").append("objective mlm;\n").append("}\n");
    return new Import("roberta", d.toString(), files, tokenizer, List.of(), null);
  }

  /** vocab.json and merges.txt with RoBERTa's special tokens, read as fill-mask and embed will read them. */
  private EncoderTokenizer robertaTokenizer(int vocabSize) throws IOException {
    Path vocab = source.resolve("vocab.json");
    ByteLevelBpeTokenizer base;
    try {
      base = ByteLevelBpeTokenizer.fromFiles(vocab, source.resolve("merges.txt"));
    } catch (MalformedInputFileException e) {
      throw new UserError(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UserError(vocab + " and " + source.resolve("merges.txt") + ": " + e.getMessage());
    }
    if (base.vocabulary().size() > vocabSize) {
      throw new UserError(vocab + " has " + base.vocabulary().size() + " tokens, more than vocab_size " + vocabSize);
    }
    try {
      return SpecialTokenTokenizer.of(base, SpecialTokenTokenizer.roberta());
    } catch (IllegalArgumentException e) {
      throw new UserError(vocab + ": " + e.getMessage() + " (RoBERTa's special tokens are <s> <pad> </s> <unk> <mask>)");
    }
  }

  /**
   * ALBERT ({@code AlbertForPreTraining}, {@code AlbertForMaskedLM}, {@code AlbertModel}):
   * factorized embeddings (embedding_size), every layer one shared group, sentence-order
   * prediction where the file has its classifier. Its tokenizer is SentencePiece ({@code
   * spiece.model}), which nlpm does not run: the weights are imported, the declaration names
   * ALBERT's special tokens and casing, and no vocabulary is copied.
   */
  private Import albert(JsonObject c, String modelName) throws IOException {
    absolutePositions(c);
    int groups = optionalInteger(c, "num_hidden_groups", 1);
    int inner = optionalInteger(c, "inner_group_num", 1);
    if (groups != 1 || inner != 1) {
      throw new UserError("ALBERT with num_hidden_groups = " + groups + " and inner_group_num = " + inner
          + " in config.json: nlpm shares every layer as one group (sharing = all), num_hidden_groups = 1 and inner_group_num = 1");
    }
    int segments = integer(c, "type_vocab_size");
    StringBuilder d = header(modelName, "albert");
    d.append("// ALBERT tokenizes with SentencePiece (spiece.model), which nlpm does not run: no vocabulary was\n")
        .append("// imported, and the wordpiece tokenizer below only names ALBERT's special tokens and casing.\n");
    d.append("model ").append(modelName).append(" : encoder {\n")
        .append("names = albert;\n");
    sizes(d, c, "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size");
    d.append("max_length = ").append(integer(c, "max_position_embeddings")).append(";\n")
        .append("activation = ").append(activation(string(c, "hidden_act"))).append(";\n")
        .append("sharing = all;\n");
    if (!hasTensor("albert.pooler.weight", "pooler.weight")) {
      d.append("pooler = false;\n");
    }
    d.append("embeddings { size = ").append(integer(c, "embedding_size")).append("; positions = learned; segments = ")
        .append(segments).append("; }\n")
        .append("norm { placement = post; eps = ").append(decimal(number(c, "layer_norm_eps"))).append("; }\n");
    dropout(d, c, "hidden_dropout_prob", "attention_probs_dropout_prob");
    d.append("tokenizer wordpiece { lowercase = ").append(lowercase())
        .append("; unk = \"<unk>\"; pad = \"<pad>\"; }\n")
        .append("objective mlm;\n");
    if (segments >= 2 && hasTensor("sop_classifier.classifier.weight")) {
      d.append("objective sop;\n");
    }
    d.append("}\n");
    return new Import("albert", d.toString(), List.of(), null, List.of(
        "no tokenizer: ALBERT tokenizes with SentencePiece (" + source.resolve("spiece.model")
            + "), which nlpm does not run; model/ holds the weights only, so fill-mask and embed need a tokenizer of the same ids"
            + " supplied in it (" + EncoderTokenizerFiles.RECORD + " or vocab.txt)"), null);
  }

  /**
   * DistilBERT ({@code DistilBertForMaskedLM}, {@code DistilBertModel}): BERT's shape under its own
   * names, no token types, no pooler, LayerNorm eps 1e-12 (fixed in HuggingFace's code), the
   * WordPiece vocab.txt. Positions are a stored table either way: with sinusoidal_pos_embds the
   * table holds the sinusoids, imported as they are.
   */
  private Import distilbert(JsonObject c, String modelName) throws IOException {
    requireVocabulary("distilbert", List.of("vocab.txt"));
    checkVocabularySize(integer(c, "vocab_size"));
    StringBuilder d = header(modelName, "distilbert");
    d.append("model ").append(modelName).append(" : encoder {\n")
        .append("names = distilbert;\n");
    sizes(d, c, "vocab_size", "dim", "n_layers", "n_heads", "hidden_dim");
    d.append("max_length = ").append(integer(c, "max_position_embeddings")).append(";\n")
        .append("activation = ").append(activation(optionalString(c, "activation").orElse("gelu"))).append(";\n")
        .append("pooler = false;\n")
        .append("embeddings { positions = learned; segments = 0; }\n")
        .append("norm { placement = post; eps = 1e-12; }\n");
    dropout(d, c, "dropout", "attention_dropout");
    d.append("tokenizer wordpiece { lowercase = ").append(lowercase()).append("; }\n")
        .append("objective mlm;\n").append("}\n");
    boolean sinusoidal = c.has("sinusoidal_pos_embds") && c.get("sinusoidal_pos_embds").isJsonPrimitive()
        && c.get("sinusoidal_pos_embds").getAsBoolean();
    return new Import("distilbert", d.toString(), List.of("vocab.txt"), null, sinusoidal
        ? List.of("positions: sinusoidal_pos_embds = true; the stored sinusoid table is imported as learned positions (fine-tuning trains it)")
        : List.of(), null);
  }

  /** vocab, hidden, layers, heads and intermediate, from the config's keys for them in that order. */
  private void sizes(StringBuilder d, JsonObject c, String vocab, String hidden, String layers, String heads, String intermediate) {
    d.append("vocab = ").append(integer(c, vocab)).append(";\n")
        .append("hidden = ").append(integer(c, hidden)).append(";\n")
        .append("layers = ").append(integer(c, layers)).append(";\n")
        .append("heads = ").append(integer(c, heads)).append(";\n")
        .append("intermediate = ").append(integer(c, intermediate)).append(";\n");
  }

  /** The dropout section, where the config has both rates. */
  private void dropout(StringBuilder d, JsonObject c, String hidden, String attention) {
    if (c.has(hidden) && c.has(attention)) {
      d.append("dropout { hidden = ").append(decimal(number(c, hidden)))
          .append("; attention = ").append(decimal(number(c, attention))).append("; }\n");
    }
  }

  private Import gpt2(JsonObject c, String modelName) {
    requireVocabulary("gpt2", List.of("vocab.json", "merges.txt"));
    return new Import("gpt2", gpt2Declaration(c, modelName, true), List.of("vocab.json", "merges.txt"),
        new Import("gpt2", gpt2Declaration(c, modelName, false), List.of("vocab.json", "merges.txt"), null));
  }

  private String gpt2Declaration(JsonObject c, String modelName, boolean tied) {
    int hidden = integer(c, "n_embd");
    JsonElement inner = c.get("n_inner");
    int intermediate = inner == null || inner.isJsonNull() ? 4 * hidden : integer(c, "n_inner");
    StringBuilder d = header(modelName, "gpt2");
    d.append("model ").append(modelName).append(" : decoder {\n")
        .append("vocab = ").append(integer(c, "vocab_size")).append(";\n")
        .append("hidden = ").append(hidden).append(";\n")
        .append("layers = ").append(integer(c, "n_layer")).append(";\n")
        .append("heads = ").append(integer(c, "n_head")).append(";\n")
        .append("intermediate = ").append(intermediate).append(";\n")
        .append("max_length = ").append(integer(c, "n_positions")).append(";\n")
        .append("activation = ").append(activation(optionalString(c, "activation_function").orElse("gelu_new"))).append(";\n")
        .append("tie_embeddings = ").append(tied).append(";\n")
        .append("norm { placement = pre; eps = ").append(decimal(number(c, "layer_norm_epsilon"))).append("; }\n");
    if (c.has("resid_pdrop") && c.has("attn_pdrop")) {
      d.append("dropout { hidden = ").append(decimal(number(c, "resid_pdrop")))
          .append("; attention = ").append(decimal(number(c, "attn_pdrop"))).append("; }\n");
    }
    d.append("attention causal;\n").append("tokenizer bpe;\n").append("objective clm;\n").append("}\n");
    return d.toString();
  }

  private StringBuilder header(String modelName, String type) {
    StringBuilder d = new StringBuilder();
    d.append("// Imported from the HuggingFace ").append(type).append(" model in ")
        .append(source.toAbsolutePath().normalize().getFileName()).append(" by nlpm import-hf.\n");
    if (javaPackage != null) {
      d.append("package ").append(javaPackage).append(";\n\n");
    }
    return d;
  }

  /** do_lower_case from tokenizer_config.json when it says; otherwise true, as bert-base-uncased. */
  private boolean lowercase() throws IOException {
    Path file = source.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(file)) {
      return true;
    }
    try {
      JsonElement element = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (element.isJsonObject() && element.getAsJsonObject().has("do_lower_case")) {
        return element.getAsJsonObject().get("do_lower_case").getAsBoolean();
      }
      return true;
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
      throw new UserError(file + ": not valid JSON, or do_lower_case is not a boolean: " + e.getMessage());
    }
  }

  /** Whether the weights hold a tensor of any of these names. */
  private boolean hasTensor(String... names) throws IOException {
    Path weights = source.resolve(WEIGHTS);
    if (!Files.isRegularFile(weights)) {
      return false;
    }
    try (SafetensorsFile file = SafetensorsFile.open(weights)) {
      return Stream.of(names).anyMatch(n -> file.tensor(n).isPresent());
    }
  }

  private static String activation(String hf) {
    return switch (hf) {
      case "gelu" -> "gelu";
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> "gelu_tanh";
      case "relu" -> "relu";
      case "tanh" -> "tanh";
      case "silu", "swish" -> "silu";
      default -> throw new UserError("unsupported activation \"" + hf + "\" in config.json; supported: gelu, gelu_new,"
          + " gelu_pytorch_tanh, relu, tanh, silu");
    };
  }

  private int integer(JsonObject c, String key) {
    JsonElement e = c.get(key);
    if (e == null || e.isJsonNull()) {
      throw new UserError("config.json has no " + key);
    }
    try {
      return e.getAsInt();
    } catch (RuntimeException ex) {
      throw new UserError("config.json: " + key + " is not an integer: " + e);
    }
  }

  /** An integer the config may leave out, meaning {@code absent}. */
  private int optionalInteger(JsonObject c, String key, int absent) {
    JsonElement e = c.get(key);
    return e == null || e.isJsonNull() ? absent : integer(c, key);
  }

  private double number(JsonObject c, String key) {
    JsonElement e = c.get(key);
    if (e == null || e.isJsonNull()) {
      throw new UserError("config.json has no " + key);
    }
    try {
      return e.getAsDouble();
    } catch (RuntimeException ex) {
      throw new UserError("config.json: " + key + " is not a number: " + e);
    }
  }

  private String string(JsonObject c, String key) {
    return optionalString(c, key).orElseThrow(() -> new UserError("config.json has no " + key));
  }

  private static Optional<String> optionalString(JsonObject c, String key) {
    JsonElement e = c.get(key);
    return e == null || !e.isJsonPrimitive() ? Optional.empty() : Optional.of(e.getAsString());
  }

  /** A decimal literal of the language: always with a point or an exponent. */
  static String decimal(double value) {
    String text = BigDecimal.valueOf(value).stripTrailingZeros().toString();
    if (!text.contains(".") && !text.contains("E")) {
      text += ".0";
    }
    return text.replace("E+", "e").replace("E", "e");
  }

  /** bert-base-uncased → BertBaseUncased. */
  static String nameFrom(Path dir) {
    String base = dir.toAbsolutePath().normalize().getFileName().toString();
    StringBuilder name = new StringBuilder();
    for (String part : base.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
      name.insert(0, "Model");
    }
    return name.toString();
  }

  /** A WordPiece vocab.txt holds no more tokens than the embeddings have rows. */
  private void checkVocabularySize(int vocab) throws IOException {
    long lines;
    try (Stream<String> s = Files.lines(source.resolve("vocab.txt"), StandardCharsets.UTF_8)) {
      lines = s.count();
    }
    if (lines > vocab) {
      throw new UserError(source.resolve("vocab.txt") + " has " + lines + " tokens, more than vocab_size " + vocab);
    }
  }

  /**
   * Every tied slot the checkpoint stores a tensor for that is not, bit for bit, the tensor it is
   * tied to: "cls.predictions.decoder.weight differs from bert.embeddings.word_embeddings.weight".
   * A tied tensor the file leaves out (as the reference saves them) is the one it is tied to.
   */
  private static List<String> tiedTensorsThatDiffer(Path weights, ParameterLayout layout, String prefix) throws IOException {
    List<String> differing = new ArrayList<>();
    try (SafetensorsFile file = SafetensorsFile.open(weights)) {
      for (TensorSlot slot : layout.slots()) {
        if (slot.tiedTo().isEmpty()) {
          continue;
        }
        TensorSlot target = layout.slot(slot.tiedTo().get()).orElseThrow();
        Optional<String> stored = storedName(file, slot, prefix);
        Optional<String> storedTarget = storedName(file, target, prefix);
        if (stored.isEmpty() || storedTarget.isEmpty()
            || file.tensor(stored.get()).orElseThrow().elements() != target.elements()
            || file.tensor(storedTarget.get()).orElseThrow().elements() != target.elements()) {
          continue; // absent, or of another shape: the layout check names it
        }
        float[] own = file.readFloats(stored.get());
        float[] tiedTo = file.readFloats(storedTarget.get());
        for (int i = 0; i < own.length; i++) {
          if (Float.floatToIntBits(own[i]) != Float.floatToIntBits(tiedTo[i])) {
            differing.add(stored.get() + " differs from " + storedTarget.get() + " (at element " + i + ": " + own[i] + " and "
                + tiedTo[i] + "), to which the declaration ties it");
            break;
          }
        }
      }
    }
    return differing;
  }

  /** The name a slot's tensor has in the file: with the backbone's prefix, or without. */
  private static Optional<String> storedName(SafetensorsFile file, TensorSlot slot, String prefix) {
    List<String> candidates = slot.group().equals(ParameterLayout.BACKBONE) && !prefix.isEmpty()
        ? List.of(prefix + slot.name(), slot.name()) : List.of(slot.name());
    return candidates.stream().filter(n -> file.tensor(n).isPresent()).findFirst();
  }

  // ---- the declaration: formatted, compiled, its layout ----

  private static String format(String fileName, String text) {
    ParsedProgram program = NlpmFrontEnd.parse(fileName, text, IncludeResolver.none());
    if (program.hasErrors()) {
      throw new IllegalStateException("import-hf wrote a declaration that does not parse:\n"
          + DiagnosticPrinter.render(program.diagnostics(), n -> Optional.of(text)));
    }
    return NlpmFormatter.format(program.files().get(0));
  }

  private static ModelPlan plan(String fileName, String text) {
    ParsedProgram program = NlpmFrontEnd.parse(fileName, text, IncludeResolver.none());
    List<Diagnostic> diagnostics = new ArrayList<>(program.diagnostics());
    Compilation compilation = null;
    if (!program.hasErrors()) {
      compilation = NlpmCompiler.check(program.declarations());
      diagnostics.addAll(compilation.diagnostics());
    }
    List<Diagnostic> errors = diagnostics.stream().filter(Diagnostic::isError).toList();
    if (!errors.isEmpty()) {
      String first = DiagnosticPrinter.render(errors.get(0), n -> Optional.of(text)).lines().findFirst().orElse("");
      throw new UserError("config.json gives a model nlpm rejects: " + first);
    }
    return compilation.plans().get(0);
  }

  /**
   * The layout the generated {@code <Model>Layout} builds, from the plan: each tensor with the
   * graph's role under the runtime enum's same name, as the Layout writes it.
   */
  static ParameterLayout layout(ModelPlan plan) {
    ParameterLayout.Builder b = ParameterLayout.builder();
    for (TensorPlan tensor : plan.tensors()) {
      int[] shape = tensor.shape().stream().mapToInt(Extent::size).toArray();
      ParameterRole role = ParameterRole.valueOf(tensor.role().name());
      if (tensor.tiedTo().isPresent()) {
        b.tied(tensor.name(), role, tensor.group(), tensor.tiedTo().get(), shape);
      } else {
        b.add(tensor.name(), role, tensor.group(), shape);
      }
    }
    return b.build();
  }

  /** OUT is replaced whole: only an empty folder or an earlier import's output may be there. */
  private static void refuseToReplaceOtherFiles(Path target) throws IOException {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new UserError(target + " is a file; -o needs a directory");
    }
    try (Stream<Path> entries = Files.list(target)) {
      List<String> others = entries.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals("model") && !n.endsWith(".nlpm")).sorted().toList();
      if (!others.isEmpty()) {
        throw new UserError(target + " holds other files (" + String.join(", ", others)
            + "); import-hf replaces OUT whole, so give an empty or new directory");
      }
    }
  }
}
