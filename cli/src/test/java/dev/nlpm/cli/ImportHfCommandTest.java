package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.plan.ModelPlan;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.runtime.checkpoint.ParameterCheckpoint;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.checkpoint.SafetensorsWriter;
import dev.nlpm.runtime.encoder.EncoderModel;
import dev.nlpm.runtime.encoder.EncoderTokenizerFiles;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.parameters.TensorSlot;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nlpm import-hf} on tiny HuggingFace folders the test writes itself, with the names and
 * shapes HuggingFace's BertForPreTraining / BertModel and GPT2LMHeadModel / GPT2Model save.
 */
class ImportHfCommandTest {

  static final int V = 30;
  static final int H = 8;
  static final int L = 2;
  static final int F = 16;
  static final int P = 16;

  @TempDir Path dir;

  // ---- tiny HuggingFace folders ----

  /** A tiny BERT's tensors under HF's names; {@code prefix} "bert." for BertForPreTraining. */
  static Map<String, long[]> bertShapes(String prefix, boolean heads) {
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put(prefix + "embeddings.word_embeddings.weight", new long[] {V, H});
    s.put(prefix + "embeddings.position_embeddings.weight", new long[] {P, H});
    s.put(prefix + "embeddings.token_type_embeddings.weight", new long[] {2, H});
    s.put(prefix + "embeddings.LayerNorm.weight", new long[] {H});
    s.put(prefix + "embeddings.LayerNorm.bias", new long[] {H});
    for (int l = 0; l < L; l++) {
      String p = prefix + "encoder.layer." + l + ".";
      for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
        s.put(p + m + ".weight", new long[] {H, H});
        s.put(p + m + ".bias", new long[] {H});
      }
      s.put(p + "attention.output.LayerNorm.weight", new long[] {H});
      s.put(p + "attention.output.LayerNorm.bias", new long[] {H});
      s.put(p + "intermediate.dense.weight", new long[] {F, H});
      s.put(p + "intermediate.dense.bias", new long[] {F});
      s.put(p + "output.dense.weight", new long[] {H, F});
      s.put(p + "output.dense.bias", new long[] {H});
      s.put(p + "output.LayerNorm.weight", new long[] {H});
      s.put(p + "output.LayerNorm.bias", new long[] {H});
    }
    s.put(prefix + "pooler.dense.weight", new long[] {H, H});
    s.put(prefix + "pooler.dense.bias", new long[] {H});
    if (heads) {
      s.put("cls.predictions.bias", new long[] {V});
      s.put("cls.predictions.transform.dense.weight", new long[] {H, H});
      s.put("cls.predictions.transform.dense.bias", new long[] {H});
      s.put("cls.predictions.transform.LayerNorm.weight", new long[] {H});
      s.put("cls.predictions.transform.LayerNorm.bias", new long[] {H});
      s.put("cls.predictions.decoder.weight", new long[] {V, H}); // tied to the word embeddings
      s.put("cls.seq_relationship.weight", new long[] {2, H});
      s.put("cls.seq_relationship.bias", new long[] {2});
    }
    return s;
  }

  static Map<String, long[]> gpt2Shapes(String prefix, boolean head, boolean buffers) {
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put(prefix + "wte.weight", new long[] {V, H});
    s.put(prefix + "wpe.weight", new long[] {P, H});
    for (int l = 0; l < L; l++) {
      String p = prefix + "h." + l + ".";
      s.put(p + "ln_1.weight", new long[] {H});
      s.put(p + "ln_1.bias", new long[] {H});
      if (buffers) {
        s.put(p + "attn.bias", new long[] {1, 1, P, P});
        s.put(p + "attn.masked_bias", new long[] {});
      }
      s.put(p + "attn.c_attn.weight", new long[] {H, 3 * H}); // Conv1D: [in, out]
      s.put(p + "attn.c_attn.bias", new long[] {3 * H});
      s.put(p + "attn.c_proj.weight", new long[] {H, H});
      s.put(p + "attn.c_proj.bias", new long[] {H});
      s.put(p + "ln_2.weight", new long[] {H});
      s.put(p + "ln_2.bias", new long[] {H});
      s.put(p + "mlp.c_fc.weight", new long[] {H, 4 * H});
      s.put(p + "mlp.c_fc.bias", new long[] {4 * H});
      s.put(p + "mlp.c_proj.weight", new long[] {4 * H, H});
      s.put(p + "mlp.c_proj.bias", new long[] {H});
    }
    s.put(prefix + "ln_f.weight", new long[] {H});
    s.put(prefix + "ln_f.bias", new long[] {H});
    if (head) {
      s.put("lm_head.weight", new long[] {V, H});
    }
    return s;
  }

  /** The tied output heads a checkpoint stores as copies of the word embeddings, as PyTorch saves a tied module. */
  static final Map<String, String> TIED = Map.of("cls.predictions.decoder.weight", "bert.embeddings.word_embeddings.weight",
      "lm_head.weight", "transformer.wte.weight");

  /** Writes random tensors of these shapes, a tied head the copy of its embeddings; returns them. */
  static Map<String, float[]> writeWeights(Path file, Map<String, long[]> shapes, long seed) throws IOException {
    return writeWeights(file, shapes, seed, TIED);
  }

  /** Writes random tensors of these shapes, each named in {@code copies} the copy of the tensor it names; returns them. */
  static Map<String, float[]> writeWeights(Path file, Map<String, long[]> shapes, long seed, Map<String, String> copies) throws IOException {
    Random random = new Random(seed);
    Map<String, float[]> tensors = new LinkedHashMap<>();
    SafetensorsWriter writer = new SafetensorsWriter();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      int n = (int) Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
      float[] data = new float[n];
      for (int i = 0; i < n; i++) {
        data[i] = (float) random.nextGaussian();
      }
      if (copies.containsKey(e.getKey()) && tensors.containsKey(copies.get(e.getKey()))) {
        data = tensors.get(copies.get(e.getKey())).clone();
      }
      tensors.put(e.getKey(), data);
      writer.add(e.getKey(), data, 0, e.getValue());
    }
    writer.metadata("format", "pt");
    writer.write(file);
    return tensors;
  }

  static final String BERT_CONFIG = """
      {
        "architectures": ["BertForPreTraining"],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 8,
        "initializer_range": 0.02,
        "intermediate_size": 16,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 16,
        "model_type": "bert",
        "num_attention_heads": 2,
        "num_hidden_layers": 2,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": 2,
        "vocab_size": 30
      }
      """;

  static final String GPT2_CONFIG = """
      {
        "activation_function": "gelu_new",
        "attn_pdrop": 0.1,
        "embd_pdrop": 0.1,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_embd": 8,
        "n_head": 2,
        "n_inner": null,
        "n_layer": 2,
        "n_positions": 16,
        "resid_pdrop": 0.1,
        "vocab_size": 30
      }
      """;

  Path tinyBert(String folder, String prefix, boolean heads, Map<String, float[]> weightsOut) throws IOException {
    Path hf = Files.createDirectories(dir.resolve(folder));
    Files.writeString(hf.resolve("config.json"), BERT_CONFIG);
    StringBuilder vocab = new StringBuilder("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
    for (int i = 5; i < V; i++) {
      vocab.append("w").append(i).append('\n');
    }
    Files.writeString(hf.resolve("vocab.txt"), vocab);
    Files.writeString(hf.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
    Map<String, long[]> shapes = bertShapes(prefix, heads);
    if (!prefix.isEmpty()) {
      shapes.put(prefix + "embeddings.position_ids", new long[] {1, P}); // a buffer old checkpoints carry
    }
    weightsOut.putAll(writeWeights(hf.resolve("model.safetensors"), shapes, 7));
    return hf;
  }

  Path tinyGpt2(String folder, String prefix, boolean buffers, Map<String, float[]> weightsOut) throws IOException {
    Path hf = Files.createDirectories(dir.resolve(folder));
    Files.writeString(hf.resolve("config.json"), GPT2_CONFIG);
    Files.writeString(hf.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"ab\": 2}");
    Files.writeString(hf.resolve("merges.txt"), "#version: 0.2\na b\n");
    weightsOut.putAll(writeWeights(hf.resolve("model.safetensors"), gpt2Shapes(prefix, !prefix.isEmpty(), buffers), 11));
    return hf;
  }

  static ModelPlan compile(Path nlpm) throws IOException {
    var program = NlpmFrontEnd.parse(nlpm.getFileName().toString(), Files.readString(nlpm), dev.nlpm.dsl.IncludeResolver.none());
    assertFalse(program.hasErrors(), program.diagnostics().toString());
    var compilation = NlpmCompiler.check(program.declarations());
    assertFalse(compilation.hasErrors(), compilation.diagnostics().toString());
    return compilation.plans().get(0);
  }

  static float[] slice(float[] flat, TensorSlot slot) {
    return Arrays.copyOfRange(flat, slot.offset(), slot.offset() + slot.elements());
  }

  // ---- BERT ----

  static final String TINY_BERT_DECLARATION = """
      // Imported from the HuggingFace bert model in tiny-bert by nlpm import-hf.
      package org.example.tiny;

      model TinyBert : encoder {
        vocab = 30;
        hidden = 8;
        layers = 2;
        heads = 2;
        intermediate = 16;
        max_length = 16;
        activation = gelu;
        embeddings {
          positions = learned;
          segments = 2;
        }
        norm {
          placement = post;
          eps = 1e-12;
        }
        dropout {
          hidden = 0.1;
          attention = 0.1;
        }
        tokenizer wordpiece {
          lowercase = false;
        }
        objective mlm;
        objective nsp;
      }
      """;

  @Test
  void importsABertForPreTrainingFolderAndEncoderModelReadsBackExactlyItsWeights() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyBert("tiny-bert", "bert.", true, hfWeights);
    Path out = dir.resolve("out");
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", out.toString(), "--name", "TinyBert", "--package", "org.example.tiny");
    assertEquals(0, run.status(), run.err());
    assertEquals("", run.err());
    assertTrue(run.out().contains("skipped 1 tensors nlpm does not use: bert.embeddings.position_ids"), run.out());

    Path nlpm = out.resolve("TinyBert.nlpm");
    assertEquals(TINY_BERT_DECLARATION, Files.readString(nlpm));
    assertEquals(0, CliRun.of("fmt", "--check", nlpm.toString()).status(), "written in the canonical format");
    CliRun check = CliRun.of("check", nlpm.toString());
    assertEquals(0, check.status(), check.err());
    assertEquals("ok: 1 model: TinyBert\n", check.out());
    assertEquals(List.of("model.safetensors", "vocab.txt"), list(out.resolve("model")));
    assertEquals(Files.readString(hf.resolve("vocab.txt")), Files.readString(out.resolve("model/vocab.txt")));

    // The written declaration's layout takes the written weights, every tensor, heads included.
    ModelPlan plan = compile(nlpm);
    ParameterLayout layout = ImportHfCommand.layout(plan);
    ParameterRows parameters = new ParameterRows(layout);
    EncoderModel.loadWeights(out.resolve("model"), parameters, plan.checkpointPrefix());
    assertEquals(V, EncoderTokenizerFiles.read(out.resolve("model"), WordPieceOptions.cased()).vocabulary().size());
    float[] flat = parameters.toFlat();
    int compared = 0;
    for (TensorSlot slot : layout.slots()) {
      String hfName = hfWeights.containsKey("bert." + slot.name()) ? "bert." + slot.name() : slot.name();
      if (slot.tiedTo().isEmpty()) {
        assertTrue(hfWeights.containsKey(hfName), slot.name());
        assertArrayEquals(hfWeights.get(hfName), slice(flat, slot), slot.name());
        compared++;
      }
    }
    assertEquals(hfWeights.size() - 2, compared, "all but the tied decoder and the position_ids buffer");
    try (SafetensorsFile written = SafetensorsFile.open(out.resolve("model/model.safetensors"))) {
      var report = ParameterCheckpoint.load(written, layout, new float[layout.size()], plan.checkpointPrefix(), true);
      assertEquals(List.of(), report.unused());
      assertTrue(written.tensor("bert.embeddings.word_embeddings.weight").isPresent());
    }
  }

  @Test
  void importsABareBertModelWithoutHeadsAndWritesOnlyWhatItHad() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyBert("bert-bare_v1", "", false, hfWeights);
    Files.delete(hf.resolve("tokenizer_config.json"));
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", dir.resolve("out").toString());
    assertEquals(0, run.status(), run.err());
    Path nlpm = dir.resolve("out/BertBareV1.nlpm");
    String text = Files.readString(nlpm);
    assertTrue(text.contains("model BertBareV1 : encoder {"), text);
    assertTrue(text.contains("lowercase = true;"), text);
    assertFalse(text.contains("nsp"), text);
    assertEquals(0, CliRun.of("check", nlpm.toString()).status());
    ModelPlan plan = compile(nlpm);
    ParameterLayout layout = ImportHfCommand.layout(plan);
    try (SafetensorsFile written = SafetensorsFile.open(dir.resolve("out/model/model.safetensors"))) {
      assertEquals(hfWeights.size(), written.tensors().size());
      assertTrue(written.tensors().keySet().stream().noneMatch(n -> n.startsWith("cls.")), written.tensors().keySet().toString());
      float[] flat = new float[layout.size()];
      var report = ParameterCheckpoint.load(written, layout, flat, plan.checkpointPrefix(), false);
      assertEquals(List.of(), report.unused());
      for (TensorSlot slot : layout.slots()) {
        if (hfWeights.containsKey(slot.name())) {
          assertArrayEquals(hfWeights.get(slot.name()), slice(flat, slot), slot.name());
        }
      }
    }
  }

  // ---- GPT-2 ----

  @Test
  void importsAGpt2LmHeadModelFolderSkippingTheAttentionBuffers() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyGpt2("tiny-gpt2", "transformer.", true, hfWeights);
    Path out = dir.resolve("g");
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", out.toString(), "--name", "TinyGpt2");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("skipped 4 tensors nlpm does not use: transformer.h.0.attn.bias, transformer.h.0.attn.masked_bias"),
        run.out());
    Path nlpm = out.resolve("TinyGpt2.nlpm");
    String text = Files.readString(nlpm);
    assertTrue(text.contains("model TinyGpt2 : decoder {\n  vocab = 30;\n  hidden = 8;\n  layers = 2;\n  heads = 2;\n"
        + "  intermediate = 32;\n  max_length = 16;\n  activation = gelu_tanh;\n"), text);
    assertTrue(text.contains("eps = 1e-5;") || text.contains("eps = 0.00001;"), text);
    CliRun check = CliRun.of("check", nlpm.toString());
    assertEquals(0, check.status(), check.err());
    assertEquals(0, CliRun.of("fmt", "--check", nlpm.toString()).status());
    assertEquals(List.of("merges.txt", "model.safetensors", "vocab.json"), list(out.resolve("model")));

    ModelPlan plan = compile(nlpm);
    ParameterLayout layout = ImportHfCommand.layout(plan);
    try (SafetensorsFile written = SafetensorsFile.open(out.resolve("model/model.safetensors"))) {
      assertTrue(written.tensors().keySet().stream().noneMatch(n -> n.endsWith(".attn.bias") || n.endsWith(".attn.masked_bias")), written.tensors().keySet().toString());
      assertFalse(written.tensor("lm_head.weight").isPresent(), "tied: left out as the reference leaves it out");
      float[] flat = new float[layout.size()];
      var report = ParameterCheckpoint.load(written, layout, flat, plan.checkpointPrefix(), true);
      assertEquals(List.of(), report.unused());
      for (TensorSlot slot : layout.slots()) {
        if (slot.tiedTo().isEmpty()) {
          assertArrayEquals(hfWeights.get("transformer." + slot.name()), slice(flat, slot), slot.name());
        }
      }
    }
  }

  @Test
  void aGpt2HeadThatDiffersFromTheEmbeddingsIsImportedUntied() throws IOException {
    Path hf = tinyGpt2("gpt2-untied", "transformer.", false, new LinkedHashMap<>());
    Map<String, float[]> hfWeights = writeWeights(hf.resolve("model.safetensors"), gpt2Shapes("transformer.", true, false), 5, Map.of());
    Path out = dir.resolve("u");
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", out.toString(), "--name", "Untied");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("untied: the checkpoint's output head differs from its word embeddings (lm_head.weight differs from"
        + " transformer.wte.weight"), run.out());
    String text = Files.readString(out.resolve("Untied.nlpm"));
    assertTrue(text.contains("tie_embeddings = false;"), text);
    ModelPlan plan = compile(out.resolve("Untied.nlpm"));
    ParameterLayout layout = ImportHfCommand.layout(plan);
    assertTrue(layout.slot("lm_head.weight").orElseThrow().tiedTo().isEmpty());
    try (SafetensorsFile written = SafetensorsFile.open(out.resolve("model/model.safetensors"))) {
      assertArrayEquals(hfWeights.get("lm_head.weight"), written.readFloats("lm_head.weight"), "the head as the checkpoint has it");
      assertArrayEquals(hfWeights.get("transformer.wte.weight"), written.readFloats("transformer.wte.weight"));
    }
  }

  @Test
  void aBertDecoderThatDiffersFromTheEmbeddingsIsNamed() throws IOException {
    Path hf = tinyBert("b", "bert.", true, new LinkedHashMap<>());
    writeWeights(hf.resolve("model.safetensors"), bertShapes("bert.", true), 3, Map.of());
    assertFails(hf, "cls.predictions.decoder.weight differs from bert.embeddings.word_embeddings.weight (at element 0: ");
  }

  @Test
  void importsABareGpt2Model() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyGpt2("gpt2-bare", "", false, hfWeights);
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", dir.resolve("o").toString());
    assertEquals(0, run.status(), run.err());
    assertFalse(run.out().contains("skipped"), run.out());
    assertEquals(0, CliRun.of("check", dir.resolve("o/Gpt2Bare.nlpm").toString()).status());
  }

  // ---- RoBERTa, ALBERT, DistilBERT ----

  static final int E = 4;
  /** RoBERTa's tiny vocabulary: <s> <pad> </s> <unk>, the 256 byte symbols, "ab", <mask>. */
  static final int RV = 4 + 256 + 1 + 1;

  /** BERT-style layers (RoBERTa's are BERT's) under {@code prefix}. */
  static void bertLayers(Map<String, long[]> s, String prefix) {
    for (int l = 0; l < L; l++) {
      String p = prefix + "encoder.layer." + l + ".";
      for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
        s.put(p + m + ".weight", new long[] {H, H});
        s.put(p + m + ".bias", new long[] {H});
      }
      s.put(p + "attention.output.LayerNorm.weight", new long[] {H});
      s.put(p + "attention.output.LayerNorm.bias", new long[] {H});
      s.put(p + "intermediate.dense.weight", new long[] {F, H});
      s.put(p + "intermediate.dense.bias", new long[] {F});
      s.put(p + "output.dense.weight", new long[] {H, F});
      s.put(p + "output.dense.bias", new long[] {H});
      s.put(p + "output.LayerNorm.weight", new long[] {H});
      s.put(p + "output.LayerNorm.bias", new long[] {H});
    }
  }

  /** RobertaForMaskedLM's tensors (no pooler), or RobertaModel's with {@code pooler}. */
  static Map<String, long[]> robertaShapes(String prefix, boolean heads, boolean pooler) {
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put(prefix + "embeddings.word_embeddings.weight", new long[] {RV, H});
    s.put(prefix + "embeddings.position_embeddings.weight", new long[] {P + 2, H});
    s.put(prefix + "embeddings.token_type_embeddings.weight", new long[] {1, H});
    s.put(prefix + "embeddings.LayerNorm.weight", new long[] {H});
    s.put(prefix + "embeddings.LayerNorm.bias", new long[] {H});
    bertLayers(s, prefix);
    if (pooler) {
      s.put(prefix + "pooler.dense.weight", new long[] {H, H});
      s.put(prefix + "pooler.dense.bias", new long[] {H});
    }
    if (heads) {
      s.put("lm_head.dense.weight", new long[] {H, H});
      s.put("lm_head.dense.bias", new long[] {H});
      s.put("lm_head.layer_norm.weight", new long[] {H});
      s.put("lm_head.layer_norm.bias", new long[] {H});
      s.put("lm_head.bias", new long[] {RV});
      s.put("lm_head.decoder.weight", new long[] {RV, H}); // tied to the word embeddings
      s.put("lm_head.decoder.bias", new long[] {RV}); // tied to lm_head.bias
    }
    return s;
  }

  /** AlbertForPreTraining's tensors: embeddings of width E, one shared layer, the MLM and SOP heads. */
  static Map<String, long[]> albertShapes(String prefix, boolean heads) {
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put(prefix + "embeddings.word_embeddings.weight", new long[] {V, E});
    s.put(prefix + "embeddings.position_embeddings.weight", new long[] {P, E});
    s.put(prefix + "embeddings.token_type_embeddings.weight", new long[] {2, E});
    s.put(prefix + "embeddings.LayerNorm.weight", new long[] {E});
    s.put(prefix + "embeddings.LayerNorm.bias", new long[] {E});
    s.put(prefix + "encoder.embedding_hidden_mapping_in.weight", new long[] {H, E});
    s.put(prefix + "encoder.embedding_hidden_mapping_in.bias", new long[] {H});
    String p = prefix + "encoder.albert_layer_groups.0.albert_layers.0.";
    for (String m : List.of("attention.query", "attention.key", "attention.value", "attention.dense")) {
      s.put(p + m + ".weight", new long[] {H, H});
      s.put(p + m + ".bias", new long[] {H});
    }
    s.put(p + "attention.LayerNorm.weight", new long[] {H});
    s.put(p + "attention.LayerNorm.bias", new long[] {H});
    s.put(p + "ffn.weight", new long[] {F, H});
    s.put(p + "ffn.bias", new long[] {F});
    s.put(p + "ffn_output.weight", new long[] {H, F});
    s.put(p + "ffn_output.bias", new long[] {H});
    s.put(p + "full_layer_layer_norm.weight", new long[] {H});
    s.put(p + "full_layer_layer_norm.bias", new long[] {H});
    s.put(prefix + "pooler.weight", new long[] {H, H});
    s.put(prefix + "pooler.bias", new long[] {H});
    if (heads) {
      s.put("predictions.bias", new long[] {V});
      s.put("predictions.dense.weight", new long[] {E, H});
      s.put("predictions.dense.bias", new long[] {E});
      s.put("predictions.LayerNorm.weight", new long[] {E});
      s.put("predictions.LayerNorm.bias", new long[] {E});
      s.put("predictions.decoder.weight", new long[] {V, E}); // tied to the word embeddings
      s.put("predictions.decoder.bias", new long[] {V}); // tied to predictions.bias
      s.put("sop_classifier.classifier.weight", new long[] {2, H});
      s.put("sop_classifier.classifier.bias", new long[] {2});
    }
    return s;
  }

  /** DistilBertForMaskedLM's tensors, or DistilBertModel's without heads. */
  static Map<String, long[]> distilbertShapes(String prefix, boolean heads) {
    Map<String, long[]> s = new LinkedHashMap<>();
    s.put(prefix + "embeddings.word_embeddings.weight", new long[] {V, H});
    s.put(prefix + "embeddings.position_embeddings.weight", new long[] {P, H});
    s.put(prefix + "embeddings.LayerNorm.weight", new long[] {H});
    s.put(prefix + "embeddings.LayerNorm.bias", new long[] {H});
    for (int l = 0; l < L; l++) {
      String p = prefix + "transformer.layer." + l + ".";
      for (String m : List.of("attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin")) {
        s.put(p + m + ".weight", new long[] {H, H});
        s.put(p + m + ".bias", new long[] {H});
      }
      s.put(p + "sa_layer_norm.weight", new long[] {H});
      s.put(p + "sa_layer_norm.bias", new long[] {H});
      s.put(p + "ffn.lin1.weight", new long[] {F, H});
      s.put(p + "ffn.lin1.bias", new long[] {F});
      s.put(p + "ffn.lin2.weight", new long[] {H, F});
      s.put(p + "ffn.lin2.bias", new long[] {H});
      s.put(p + "output_layer_norm.weight", new long[] {H});
      s.put(p + "output_layer_norm.bias", new long[] {H});
    }
    if (heads) {
      s.put("vocab_transform.weight", new long[] {H, H});
      s.put("vocab_transform.bias", new long[] {H});
      s.put("vocab_layer_norm.weight", new long[] {H});
      s.put("vocab_layer_norm.bias", new long[] {H});
      s.put("vocab_projector.weight", new long[] {V, H}); // tied to the word embeddings
      s.put("vocab_projector.bias", new long[] {V});
    }
    return s;
  }

  /** The tied tensors each family's checkpoints store as copies, as PyTorch saves tied modules. */
  static final Map<String, String> TIED_ENCODERS = Map.of(
      "lm_head.decoder.weight", "roberta.embeddings.word_embeddings.weight",
      "lm_head.decoder.bias", "lm_head.bias",
      "predictions.decoder.weight", "albert.embeddings.word_embeddings.weight",
      "predictions.decoder.bias", "predictions.bias",
      "vocab_projector.weight", "distilbert.embeddings.word_embeddings.weight");

  static final String ROBERTA_CONFIG = """
      {
        "architectures": ["RobertaForMaskedLM"],
        "attention_probs_dropout_prob": 0.1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 8,
        "intermediate_size": 16,
        "layer_norm_eps": 1e-05,
        "max_position_embeddings": 18,
        "model_type": "roberta",
        "num_attention_heads": 2,
        "num_hidden_layers": 2,
        "pad_token_id": 1,
        "type_vocab_size": 1,
        "vocab_size": 262
      }
      """;

  static final String ALBERT_CONFIG = """
      {
        "architectures": ["AlbertForPreTraining"],
        "attention_probs_dropout_prob": 0,
        "embedding_size": 4,
        "hidden_act": "gelu_new",
        "hidden_dropout_prob": 0,
        "hidden_size": 8,
        "inner_group_num": 1,
        "intermediate_size": 16,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 16,
        "model_type": "albert",
        "num_attention_heads": 2,
        "num_hidden_groups": 1,
        "num_hidden_layers": 2,
        "type_vocab_size": 2,
        "vocab_size": 30
      }
      """;

  static final String DISTILBERT_CONFIG = """
      {
        "activation": "gelu",
        "architectures": ["DistilBertForMaskedLM"],
        "attention_dropout": 0.1,
        "dim": 8,
        "dropout": 0.1,
        "hidden_dim": 16,
        "max_position_embeddings": 16,
        "model_type": "distilbert",
        "n_heads": 2,
        "n_layers": 2,
        "sinusoidal_pos_embds": false,
        "tie_weights_": true,
        "vocab_size": 30
      }
      """;

  Path tinyRoberta(String folder, String prefix, boolean heads, boolean pooler, Map<String, float[]> weightsOut) throws IOException {
    Path hf = Files.createDirectories(dir.resolve(folder));
    Files.writeString(hf.resolve("config.json"), ROBERTA_CONFIG);
    Files.writeString(hf.resolve("vocab.json"), robertaVocab(true));
    Files.writeString(hf.resolve("merges.txt"), "#version: 0.2\na b\n");
    weightsOut.putAll(writeWeights(hf.resolve("model.safetensors"), robertaShapes(prefix, heads, pooler), 13, TIED_ENCODERS));
    return hf;
  }

  /** RoBERTa's tiny vocab.json, {@code <mask>} last (id RV - 1) or left out. */
  static String robertaVocab(boolean mask) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (String special : List.of("<s>", "<pad>", "</s>", "<unk>")) {
      ids.put(special, ids.size());
    }
    for (String symbol : dev.nlpm.runtime.text.bpe.ByteLevelAlphabet.symbols()) {
      ids.put(symbol, ids.size());
    }
    ids.put("ab", ids.size());
    if (mask) {
      ids.put("<mask>", ids.size());
    }
    return new com.google.gson.Gson().toJson(ids);
  }

  Path tinyAlbert(String folder, String prefix, boolean heads, Map<String, float[]> weightsOut) throws IOException {
    Path hf = Files.createDirectories(dir.resolve(folder));
    Files.writeString(hf.resolve("config.json"), ALBERT_CONFIG);
    Files.write(hf.resolve("spiece.model"), new byte[] {10, 3, 1, 2, 3}); // a SentencePiece model nlpm does not read
    weightsOut.putAll(writeWeights(hf.resolve("model.safetensors"), albertShapes(prefix, heads), 17, TIED_ENCODERS));
    return hf;
  }

  Path tinyDistilbert(String folder, String prefix, boolean heads, Map<String, float[]> weightsOut) throws IOException {
    Path hf = Files.createDirectories(dir.resolve(folder));
    Files.writeString(hf.resolve("config.json"), DISTILBERT_CONFIG);
    StringBuilder vocab = new StringBuilder("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
    for (int i = 5; i < V; i++) {
      vocab.append("w").append(i).append('\n');
    }
    Files.writeString(hf.resolve("vocab.txt"), vocab);
    Files.writeString(hf.resolve("tokenizer_config.json"), "{\"do_lower_case\": true}");
    weightsOut.putAll(writeWeights(hf.resolve("model.safetensors"), distilbertShapes(prefix, heads), 19, TIED_ENCODERS));
    return hf;
  }

  /**
   * Imports {@code hf} as {@code name} into {@code out}, and checks that every untied tensor of the
   * written declaration's layout holds, bit for bit, the folder's tensor of that name (with or
   * without {@code prefix}); returns the written declaration.
   */
  private String importExactly(Path hf, Path out, String name, String prefix, Map<String, float[]> hfWeights, int expectedTensors)
      throws IOException {
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", out.toString(), "--name", name);
    assertEquals(0, run.status(), run.out() + run.err());
    Path nlpm = out.resolve(name + ".nlpm");
    assertEquals(0, CliRun.of("fmt", "--check", nlpm.toString()).status(), "written in the canonical format");
    CliRun check = CliRun.of("check", nlpm.toString());
    assertEquals(0, check.status(), check.out() + check.err());
    ModelPlan plan = compile(nlpm);
    ParameterLayout layout = ImportHfCommand.layout(plan);
    int compared = 0;
    try (SafetensorsFile written = SafetensorsFile.open(out.resolve("model/model.safetensors"))) {
      float[] flat = new float[layout.size()];
      var report = ParameterCheckpoint.load(written, layout, flat, plan.checkpointPrefix(), false);
      assertEquals(List.of(), report.unused());
      for (TensorSlot slot : layout.slots()) {
        String hfName = hfWeights.containsKey(prefix + slot.name()) ? prefix + slot.name() : slot.name();
        if (slot.tiedTo().isEmpty() && hfWeights.containsKey(hfName)) {
          assertArrayEquals(hfWeights.get(hfName), slice(flat, slot), slot.name());
          compared++;
        }
      }
    }
    assertEquals(expectedTensors, compared, "every tensor of the folder the layout has");
    return Files.readString(nlpm);
  }

  static final String TINY_ROBERTA_DECLARATION = """
      // Imported from the HuggingFace roberta model in tiny-roberta by nlpm import-hf.
      model TinyRoberta : encoder {
        names = roberta;
        vocab = 262;
        hidden = 8;
        layers = 2;
        heads = 2;
        intermediate = 16;
        max_length = 18;
        activation = gelu;
        pooler = false;
        embeddings {
          positions = learned;
          segments = 1;
        }
        norm {
          placement = post;
          eps = 0.00001;
        }
        dropout {
          hidden = 0.1;
          attention = 0.1;
        }
        tokenizer bpe;
        objective mlm;
      }
      """;

  @Test
  void importsARobertaForMaskedLmFolderWithItsBpeTokenizer() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyRoberta("tiny-roberta", "roberta.", true, false, hfWeights);
    Path out = dir.resolve("r");
    String text = importExactly(hf, out, "TinyRoberta", "roberta.", hfWeights, hfWeights.size() - 2);
    assertEquals(TINY_ROBERTA_DECLARATION, text);
    assertEquals(List.of("merges.txt", "model.safetensors", "tokenizer.nlpm.json", "vocab.json"), list(out.resolve("model")));
    var tokenizer = dev.nlpm.runtime.encoder.EncoderTokenizerFiles.read(out.resolve("model"),
        dev.nlpm.runtime.text.wordpiece.WordPieceOptions.cased());
    assertEquals(RV - 1, tokenizer.maskId());
    assertEquals(0, tokenizer.clsId());
    assertEquals(List.of(RV - 2), Arrays.stream(tokenizer.encodeIds("ab")).boxed().toList(), "the merge a b applies");
    try (SafetensorsFile written = SafetensorsFile.open(out.resolve("model/model.safetensors"))) {
      assertFalse(written.tensor("lm_head.decoder.weight").isPresent(), "tied: left out");
      assertTrue(written.tensor("roberta.embeddings.word_embeddings.weight").isPresent());
    }
  }

  @Test
  void aBareRobertaModelKeepsItsPooler() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyRoberta("roberta-bare", "", false, true, hfWeights);
    String text = importExactly(hf, dir.resolve("rb"), "RobertaBare", "", hfWeights, hfWeights.size());
    assertFalse(text.contains("pooler"), text);
  }

  @Test
  void aRobertaDecoderThatDiffersFromTheEmbeddingsOrAMisshapenTensorIsNamed() throws IOException {
    Path hf = tinyRoberta("r", "roberta.", true, false, new LinkedHashMap<>());
    writeWeights(hf.resolve("model.safetensors"), robertaShapes("roberta.", true, false), 3,
        Map.of("lm_head.decoder.weight", "roberta.embeddings.word_embeddings.weight"));
    assertFails(hf, "lm_head.decoder.bias differs from lm_head.bias (at element 0: ");
    Map<String, long[]> shapes = robertaShapes("roberta.", true, false);
    shapes.put("roberta.embeddings.position_embeddings.weight", new long[] {P, H}); // without RoBERTa's two offset rows
    writeWeights(hf.resolve("model.safetensors"), shapes, 3, TIED_ENCODERS);
    assertFails(hf, "roberta.embeddings.position_embeddings.weight: shape [16, 8] in the file, [18, 8] in the model");
  }

  @Test
  void aRobertaVocabularyWithoutItsSpecialTokensIsNamed() throws IOException {
    Path hf = tinyRoberta("r", "roberta.", true, false, new LinkedHashMap<>());
    Files.writeString(hf.resolve("vocab.json"), robertaVocab(false));
    assertFails(hf, hf.resolve("vocab.json") + ": the mask token '<mask>' is not in the vocabulary of 261 tokens");
  }

  @Test
  void importsAnAlbertForPreTrainingFolderSharedAndFactorizedWithoutItsTokenizer() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyAlbert("tiny-albert", "albert.", true, hfWeights);
    Path out = dir.resolve("a");
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", out.toString(), "--name", "TinyAlbert");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("no tokenizer: ALBERT tokenizes with SentencePiece (" + hf.resolve("spiece.model")
        + "), which nlpm does not run"), run.out());
    String text = importExactly(hf, dir.resolve("a2"), "TinyAlbert", "albert.", hfWeights, hfWeights.size() - 2);
    for (String line : List.of("names = albert;", "activation = gelu_tanh;", "sharing = all;", "size = 4;", "segments = 2;",
        "eps = 1e-12;", "hidden = 0.0;", "unk = \"<unk>\";", "pad = \"<pad>\";", "lowercase = true;", "objective mlm;",
        "objective sop;", "// ALBERT tokenizes with SentencePiece (spiece.model)")) {
      assertTrue(text.contains(line), line + " in\n" + text);
    }
    assertFalse(text.contains("pooler"), text);
    assertEquals(List.of("model.safetensors"), list(out.resolve("model")));
  }

  @Test
  void albertLayerGroupsOtherThanOneSharedLayerAreRefusedByName() throws IOException {
    Path hf = tinyAlbert("a", "albert.", true, new LinkedHashMap<>());
    Files.writeString(hf.resolve("config.json"), ALBERT_CONFIG.replace("\"num_hidden_groups\": 1", "\"num_hidden_groups\": 2"));
    assertFails(hf, "ALBERT with num_hidden_groups = 2 and inner_group_num = 1 in config.json: nlpm shares every layer as one group");
  }

  @Test
  void anAlbertWithoutItsEmbeddingMappingIsNamed() throws IOException {
    Path hf = tinyAlbert("a", "albert.", true, new LinkedHashMap<>());
    Map<String, long[]> shapes = albertShapes("albert.", true);
    shapes.remove("albert.encoder.embedding_hidden_mapping_in.weight");
    writeWeights(hf.resolve("model.safetensors"), shapes, 2, TIED_ENCODERS);
    assertFails(hf, "albert.encoder.embedding_hidden_mapping_in.weight or encoder.embedding_hidden_mapping_in.weight: missing");
  }

  @Test
  void importsADistilbertForMaskedLmFolder() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyDistilbert("tiny-distilbert", "distilbert.", true, hfWeights);
    Path out = dir.resolve("d");
    String text = importExactly(hf, out, "TinyDistil", "distilbert.", hfWeights, hfWeights.size() - 1);
    for (String line : List.of("names = distilbert;", "vocab = 30;", "hidden = 8;", "layers = 2;", "heads = 2;", "intermediate = 16;",
        "max_length = 16;", "pooler = false;", "segments = 0;", "eps = 1e-12;", "lowercase = true;", "objective mlm;")) {
      assertTrue(text.contains(line), line + " in\n" + text);
    }
    assertFalse(text.contains("distillation"), text);
    assertEquals(List.of("model.safetensors", "vocab.txt"), list(out.resolve("model")));
  }

  @Test
  void importsABareDistilbertModelAndNamesAMissingTensor() throws IOException {
    Map<String, float[]> hfWeights = new LinkedHashMap<>();
    Path hf = tinyDistilbert("distil-bare", "", false, hfWeights);
    importExactly(hf, dir.resolve("db"), "DistilBare", "", hfWeights, hfWeights.size());
    Map<String, long[]> shapes = distilbertShapes("distilbert.", true);
    shapes.remove("distilbert.transformer.layer.1.ffn.lin2.weight");
    writeWeights(hf.resolve("model.safetensors"), shapes, 4, TIED_ENCODERS);
    assertFails(hf, "distilbert.transformer.layer.1.ffn.lin2.weight or transformer.layer.1.ffn.lin2.weight: missing");
  }

  // ---- errors: one line, exit status 2, nothing written ----

  private void assertFails(Path hf, String expected) {
    Path out = dir.resolve("never");
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", out.toString());
    assertEquals(2, run.status(), run.out() + run.err());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("nlpm: "), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains(expected), run.err());
    assertTrue(Files.notExists(out), "nothing written");
  }

  @Test
  void aFolderWithoutConfigJson() throws IOException {
    Path hf = tinyBert("b", "bert.", true, new LinkedHashMap<>());
    Files.delete(hf.resolve("config.json"));
    assertFails(hf, "no config.json in " + hf);
  }

  @Test
  void anUnsupportedModelType() throws IOException {
    Path hf = tinyBert("b", "bert.", true, new LinkedHashMap<>());
    Files.writeString(hf.resolve("config.json"), BERT_CONFIG.replace("\"bert\"", "\"t5\""));
    assertFails(hf, "unsupported model_type \"t5\"");
  }

  @Test
  void aMissingTensorIsNamed() throws IOException {
    Path hf = tinyBert("b", "bert.", true, new LinkedHashMap<>());
    Map<String, long[]> shapes = bertShapes("bert.", true);
    shapes.remove("bert.encoder.layer.1.output.dense.weight");
    writeWeights(hf.resolve("model.safetensors"), shapes, 1);
    assertFails(hf, "bert.encoder.layer.1.output.dense.weight or encoder.layer.1.output.dense.weight: missing");
  }

  @Test
  void aTensorOfTheWrongShapeIsNamed() throws IOException {
    Path hf = tinyGpt2("g", "transformer.", true, new LinkedHashMap<>());
    Map<String, long[]> shapes = gpt2Shapes("transformer.", true, true);
    shapes.put("transformer.h.1.mlp.c_fc.weight", new long[] {4 * H, H}); // transposed, as a Linear would store it
    writeWeights(hf.resolve("model.safetensors"), shapes, 1);
    assertFails(hf, "transformer.h.1.mlp.c_fc.weight: shape [32, 8] in the file, [8, 32] in the model");
  }

  @Test
  void aMissingVocabulary() throws IOException {
    Path bert = tinyBert("b", "bert.", true, new LinkedHashMap<>());
    Files.delete(bert.resolve("vocab.txt"));
    assertFails(bert, "no vocabulary: " + bert.resolve("vocab.txt") + " is missing");
    Path gpt2 = tinyGpt2("g", "", true, new LinkedHashMap<>());
    Files.delete(gpt2.resolve("merges.txt"));
    assertFails(gpt2, "no vocabulary: " + gpt2.resolve("merges.txt") + " is missing");
  }

  @Test
  void aModelNlpmRejectsIsOneLine() throws IOException {
    Path hf = tinyBert("b", "bert.", true, new LinkedHashMap<>());
    Files.writeString(hf.resolve("config.json"), BERT_CONFIG.replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 3"));
    assertFails(hf, "config.json gives a model nlpm rejects: ");
  }

  @Test
  void anOutputFolderWithOtherFilesIsNotReplaced() throws IOException {
    Path hf = tinyBert("b", "bert.", true, new LinkedHashMap<>());
    Path out = Files.createDirectories(dir.resolve("busy"));
    Files.writeString(out.resolve("notes.txt"), "mine");
    CliRun run = CliRun.of("import-hf", hf.toString(), "-o", out.toString());
    assertEquals(2, run.status());
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    // An earlier import's output is replaced.
    Path earlier = dir.resolve("earlier");
    assertEquals(0, CliRun.of("import-hf", hf.toString(), "-o", earlier.toString()).status());
    assertEquals(0, CliRun.of("import-hf", hf.toString(), "-o", earlier.toString(), "--name", "Other").status());
    assertEquals(List.of("Other.nlpm", "model"), list(earlier));
  }

  private static List<String> list(Path folder) throws IOException {
    try (var s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
