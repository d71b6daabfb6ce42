package dev.nlpm.runtime.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.checkpoint.CheckpointMismatchException;
import dev.nlpm.runtime.checkpoint.ParameterCheckpoint;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.checkpoint.SafetensorsWriter;
import dev.nlpm.runtime.checkpoint.TensorInfo;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.parameters.TensorSlot;
import dev.nlpm.runtime.testing.TorchFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with PyTorch: a tiny BERT (L=2, H=64, A=2, intermediate 256, vocabulary 3000) written in
 * plain PyTorch with HuggingFace's names (runtime/src/test/python/make_bert_interop_fixture.py)
 * saved its random weights as safetensors under the pretraining checkpoint's names, and its float32
 * outputs for a batch with a padded tail. The encoder loads that checkpoint through {@link
 * ParameterCheckpoint} and gives the same hidden states, pooled output, MLM and NSP logits and loss
 * to {@code |a − b| ≤ 1e-5 + 1e-4·|b|} elementwise; the bare model's names and a BF16 copy load
 * too, and a checkpoint that does not fit is refused naming its tensor.
 */
class EncoderInteropTest {

  static final String BERT = "bert.";

  @TempDir static Path dir;

  static JsonObject fixture;
  static EncoderConfig config;
  static ParameterLayout layout;
  static Path f32File;
  static Path bf16File;
  static int batch;
  static int length;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = EncoderInteropTest.class.getResourceAsStream("bert_interop.json")) {
      fixture = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
    f32File = copy("bert_interop.safetensors");
    bf16File = copy("bert_interop_bf16.safetensors");
    JsonObject c = fixture.getAsJsonObject("config");
    assertEquals(1e-12, c.get("eps").getAsDouble());
    assertEquals(2, c.get("type_vocab").getAsInt());
    config = TinyBert.config(c.get("vocab").getAsInt(), c.get("hidden").getAsInt(), c.get("layers").getAsInt(),
        c.get("heads").getAsInt(), c.get("intermediate").getAsInt(), c.get("max_positions").getAsInt()).withoutDropout();
    assertEquals(1e-12, config.eps());
    layout = TinyBert.layout(config);
    batch = fixture.get("batch").getAsInt();
    length = fixture.get("seq").getAsInt();
  }

  private static Path copy(String resource) throws IOException {
    Path file = dir.resolve(resource);
    try (InputStream in = EncoderInteropTest.class.getResourceAsStream(resource)) {
      Files.copy(in, file);
    }
    return file;
  }

  private static int[] ints(String key) {
    return fixture.get(key).getAsJsonArray().asList().stream().mapToInt(JsonElement::getAsInt).toArray();
  }

  /** The fixture's floats, read as the float32 values PyTorch wrote (shortest round-trip decimals). */
  private static float[] floats(String key) {
    return TorchFixture.floats(fixture.get(key).getAsJsonArray());
  }

  static EncoderBatch inputs() {
    int[] padding = ints("padding");
    int[] lengths = ints("lengths");
    for (int r = 0; r < padding.length; r++) {
      assertEquals(r % length < lengths[r / length] ? 1 : 0, padding[r], "padding is a tail");
    }
    return new EncoderBatch(batch, length, ints("ids"), ints("types"), lengths, ints("mlm_labels"), ints("nsp_labels"), null, null);
  }

  static float[] loadFlat(Path file, String prefix, boolean requireHeads, float fill) throws IOException {
    float[] flat = new float[layout.size()];
    Arrays.fill(flat, fill);
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      ParameterCheckpoint.load(st, layout, flat, prefix, requireHeads);
    }
    return flat;
  }

  /** Everything the encoder computes for the fixture's batch, in the fixture's shapes. */
  record Outputs(float[] hidden, float[] pooled, float[] mlm, float[] nsp, float loss) {}

  static Outputs run(float[] flat) {
    ParameterRows parameters = new ParameterRows(layout);
    parameters.importFrom(flat);
    EncoderBatch labelled = inputs();
    int[] rows = ints("mlm_rows");
    assertArrayEquals(rows, labelled.mlmPositions());
    int h = config.hidden();
    int v = config.vocab();
    try (Parallel parallel = new Parallel(1)) {
      Encoder encoder = new Encoder(config, ProductKernels.plain(), parameters, parallel);
      EncoderWorkspace ws = encoder.workspace(batch, length, rows.length);
      float loss = encoder.evaluate(labelled, ws).total();
      Outputs out = read(ws, rows, h, v, loss);
      // inference on the unlabelled batch computes the same numbers
      EncoderWorkspace inferred = encoder.workspace(batch, length, rows.length);
      encoder.infer(EncoderBatch.of(batch, length, labelled.ids(), labelled.segments(), labelled.lengths()), inferred, rows);
      Outputs again = read(inferred, rows, h, v, loss);
      assertArrayEquals(out.hidden(), again.hidden());
      assertArrayEquals(out.pooled(), again.pooled());
      assertArrayEquals(out.mlm(), again.mlm());
      assertArrayEquals(out.nsp(), again.nsp());
      return out;
    }
  }

  private static Outputs read(EncoderWorkspace ws, int[] rows, int h, int v, float loss) {
    float[] hidden = new float[batch * length * h];
    for (int r = 0; r < batch * length; r++) {
      System.arraycopy(ws.hidden(r), 0, hidden, r * h, h);
    }
    float[] pooled = new float[batch * h];
    float[] nsp = new float[batch * 2];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(ws.pooled(b), 0, pooled, b * h, h);
      System.arraycopy(ws.nspLogits(b), 0, nsp, b * 2, 2);
    }
    assertEquals(rows.length, ws.predictions());
    float[] mlm = new float[rows.length * v];
    for (int i = 0; i < rows.length; i++) {
      assertEquals(rows[i], ws.predictionRow(i));
      System.arraycopy(ws.mlmLogits(i), 0, mlm, i * v, v);
    }
    return new Outputs(hidden, pooled, mlm, nsp, loss);
  }

  /** Every output against the fixture: {@code |a − b| ≤ absolute + relative·|b|}, b PyTorch's. */
  static void assertMatches(Outputs out, double absolute, double relative, String label) {
    double[] worst = {
        TorchFixture.assertClose(label + " hidden", floats("hidden"), out.hidden(), absolute, relative),
        TorchFixture.assertClose(label + " pooled", floats("pooled"), out.pooled(), absolute, relative),
        TorchFixture.assertClose(label + " MLM logits", floats("mlm_logits"), out.mlm(), absolute, relative),
        TorchFixture.assertClose(label + " NSP logits", floats("nsp_logits"), out.nsp(), absolute, relative),
        TorchFixture.assertClose(label + " loss", new float[] {fixture.get("loss").getAsFloat()}, new float[] {out.loss()}, absolute, relative)};
    System.out.printf("EncoderInteropTest %s: largest share of the tolerance used: hidden %.3f, pooled %.3f, MLM %.3f, NSP %.3f, loss %.3f%n",
        label, worst[0], worst[1], worst[2], worst[3], worst[4]);
  }

  @Test
  void thePretrainingCheckpointLoadsAndMatchesPyTorch() throws IOException {
    float[] flat = new float[layout.size()];
    ParameterCheckpoint.LoadReport report;
    try (SafetensorsFile st = SafetensorsFile.open(f32File)) {
      assertTrue(st.tensor("cls.predictions.decoder.weight").isEmpty(), "the tied decoder is left out, as HuggingFace leaves it out");
      report = ParameterCheckpoint.load(st, layout, flat, BERT, true);
    }
    assertEquals(layout.slots().stream().filter(s -> s.tiedTo().isEmpty()).count(), report.loaded().size());
    assertTrue(report.loaded().contains("bert.embeddings.word_embeddings.weight"));
    assertTrue(report.headsLeftAsTheyWere().isEmpty());
    assertTrue(report.unused().isEmpty(), () -> "unused: " + report.unused());
    assertMatches(run(flat), 1e-5, 1e-4, "F32");
  }

  @Test
  void theBareModelsNamesLoadWithoutHeads() throws IOException {
    float[] full = loadFlat(f32File, BERT, true, 0);
    // the bare model's file: the backbone without "bert.", no heads, as BertModel saves it
    Path bare = rewrite(f32File, "bare.safetensors", name -> name.startsWith(BERT) ? name.substring(BERT.length()) : null, null);
    float[] flat = new float[layout.size()];
    Arrays.fill(flat, Float.NaN);
    ParameterCheckpoint.LoadReport report;
    try (SafetensorsFile st = SafetensorsFile.open(bare)) {
      assertTrue(st.tensor("embeddings.word_embeddings.weight").isPresent());
      assertTrue(st.tensors().keySet().stream().noneMatch(n -> n.startsWith("cls.") || n.startsWith(BERT)));
      report = ParameterCheckpoint.load(st, layout, flat, BERT, false);
    }
    assertTrue(report.loaded().contains("embeddings.word_embeddings.weight"));
    assertTrue(report.headsLeftAsTheyWere().contains("cls.seq_relationship.weight"));
    assertTrue(report.headsLeftAsTheyWere().contains("cls.predictions.transform.dense.weight"));
    for (TensorSlot slot : layout.slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      boolean backbone = slot.group().equals(ParameterLayout.BACKBONE);
      for (int i = slot.offset(); i < slot.offset() + slot.elements(); i++) {
        if (backbone) {
          assertEquals(Float.floatToRawIntBits(full[i]), Float.floatToRawIntBits(flat[i]), slot.name());
        } else {
          assertTrue(Float.isNaN(flat[i]), slot.name() + " is left as it was");
        }
      }
    }
    // with the heads from the pretraining file, the bare backbone computes the same as PyTorch
    for (TensorSlot slot : layout.slots()) {
      if (!slot.group().equals(ParameterLayout.BACKBONE) && slot.tiedTo().isEmpty()) {
        System.arraycopy(full, slot.offset(), flat, slot.offset(), slot.elements());
      }
    }
    assertMatches(run(flat), 1e-5, 1e-4, "bare");
    // and a bare file is not a pretraining checkpoint: the heads are required when asked for
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> loadFlat(bare, BERT, true, 0));
    assertTrue(e.getMessage().contains("cls.seq_relationship.weight"), e::getMessage);
  }

  /**
   * The BF16 copy widens exactly on load: every weight is the F32 one rounded to BF16 (nearest,
   * ties to even), bit for bit. Its outputs then differ from PyTorch's F32 ones by what rounding
   * the weights to BF16 does: BF16 keeps 8 significant bits, so each weight moves by at most
   * 2^-9 ≈ 0.2% of itself; a linear layer, a LayerNorm gain or an embedding then moves its output
   * by at most 2^-9 of its scale, and the MLM logits lie behind ~25 of them (three embeddings,
   * six products and two gains per layer, the transform, its gain and the tied decoder), so
   * first-order the outputs move by at most about 25·2^-9 ≈ 0.05 relative to an O(1) scale:
   * {@code |a − b| ≤ 0.05·(1 + |b|)}. (PyTorch computing with the BF16 weights in float64
   * differs from its F32 outputs by at most 0.021·(1 + |b|), in the MLM logits.) A wrong widening,
   * however small, is caught by the bit-for-bit check before the outputs are compared.
   */
  @Test
  void theBf16CopyWidensOnLoadAndStaysWithinBf16Precision() throws IOException {
    float[] f32 = loadFlat(f32File, BERT, true, 0);
    float[] bf16 = loadFlat(bf16File, BERT, true, Float.NaN);
    try (SafetensorsFile st = SafetensorsFile.open(bf16File)) {
      assertTrue(st.tensors().values().stream().allMatch(t -> t.dtype().name().equals("BF16")));
    }
    int changed = 0;
    for (TensorSlot slot : layout.slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      for (int i = slot.offset(); i < slot.offset() + slot.elements(); i++) {
        float rounded = toBf16(f32[i]);
        int at = i;
        assertEquals(Float.floatToRawIntBits(rounded), Float.floatToRawIntBits(bf16[i]),
            () -> slot.name() + "[" + (at - slot.offset()) + "]: F32 " + f32[at] + " rounds to " + rounded + ", BF16 file gave " + bf16[at]);
        changed += rounded != f32[i] ? 1 : 0;
      }
    }
    assertTrue(changed > layout.size() / 2, "the BF16 copy differs from the F32 weights");
    assertMatches(run(bf16), 0.05, 0.05, "BF16");
  }

  /** A float rounded to bfloat16's 8 significant bits, nearest, ties to even (as torch rounds; no NaN here). */
  static float toBf16(float x) {
    int bits = Float.floatToRawIntBits(x);
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(rounded & 0xFFFF0000);
  }

  @Test
  void aRenamedTensorIsRefusedByName() throws IOException {
    String renamed = "bert.encoder.layer.1.attention.self.key.weight";
    Path file = rewrite(f32File, "renamed.safetensors", name -> name.equals(renamed) ? "bert.encoder.layer.1.attention.self.keys.weight" : name, null);
    float[] flat = new float[layout.size()];
    Arrays.fill(flat, 7f);
    CheckpointMismatchException e;
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      e = assertThrows(CheckpointMismatchException.class, () -> ParameterCheckpoint.load(st, layout, flat, BERT, true));
    }
    assertEquals(1, e.problems().size(), e::getMessage);
    assertTrue(e.problems().get(0).contains(renamed) && e.problems().get(0).contains("missing"), e::getMessage);
    assertTrue(e.getMessage().contains(renamed), e::getMessage);
    float[] untouched = new float[layout.size()];
    Arrays.fill(untouched, 7f);
    assertArrayEquals(untouched, flat, "the buffer is unchanged");
  }

  @Test
  void aTensorOfTheWrongShapeIsRefusedByName() throws IOException {
    // the intermediate weight stored [in, out] ([64, 256]), as TensorFlow's checkpoints hold it, instead of [out, in]
    String wrong = "bert.encoder.layer.0.intermediate.dense.weight";
    Path file = rewrite(f32File, "reshaped.safetensors", UnaryOperator.identity(), wrong);
    float[] flat = new float[layout.size()];
    CheckpointMismatchException e;
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      assertArrayEquals(new long[] {64, 256}, st.tensor(wrong).orElseThrow().shape());
      e = assertThrows(CheckpointMismatchException.class, () -> ParameterCheckpoint.load(st, layout, flat, BERT, true));
    }
    assertEquals(1, e.problems().size(), e::getMessage);
    String problem = e.problems().get(0);
    assertTrue(problem.contains(wrong) && problem.contains("[64, 256]") && problem.contains("[256, 64]"), e::getMessage);
    assertTrue(e.getMessage().contains(wrong), e::getMessage);
    assertArrayEquals(new float[layout.size()], flat, "the buffer is unchanged");
  }

  /**
   * A copy of {@code source} with every tensor renamed by {@code rename} (dropped where it gives
   * null), and the tensor {@code reversed} (by its original name) given its shape reversed.
   */
  static Path rewrite(Path source, String name, UnaryOperator<String> rename, String reversed) throws IOException {
    SafetensorsWriter writer = new SafetensorsWriter();
    try (SafetensorsFile st = SafetensorsFile.open(source)) {
      for (TensorInfo info : st.tensors().values()) {
        String newName = rename.apply(info.name());
        if (newName == null) {
          continue;
        }
        long[] shape = info.shape();
        if (info.name().equals(reversed)) {
          long[] flipped = new long[shape.length];
          for (int i = 0; i < shape.length; i++) {
            flipped[i] = shape[shape.length - 1 - i];
          }
          shape = flipped;
        }
        writer.add(newName, st.readFloats(info.name()), 0, shape);
      }
    }
    Path file = dir.resolve(name);
    writer.write(file);
    return file;
  }
}
