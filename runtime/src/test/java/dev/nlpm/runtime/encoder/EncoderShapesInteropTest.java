package dev.nlpm.runtime.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.nlpm.runtime.checkpoint.ParameterCheckpoint;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.testing.TorchFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder's shapes beyond BERT against their plain-PyTorch fixtures ({@code
 * make_shape_fixtures.py}, odd sizes: 3 heads of 32): RoBERTa's names and offset positions, a
 * pre-LayerNorm encoder with sinusoidal positions, no token types and no pooler, and ALBERT's
 * factorized, shared layers with sentence-order prediction. Each loads the fixture's weights
 * under its names and matches the embeddings, every layer's hidden states, the pooled output, the
 * heads' logits, the loss and the gradient of every stored tensor within {@code 1e-5 +
 * 1e-4·|b|}.
 */
class EncoderShapesInteropTest {

  @TempDir Path dir;

  @Test
  void aRobertaShapedEncoderMatchesPyTorch() throws IOException {
    check("roberta_odd");
  }

  @Test
  void aPreLayerNormEncoderWithSinusoidalPositionsAndNoPoolerMatchesPyTorch() throws IOException {
    check("preln_sinusoidal_odd");
  }

  @Test
  void anAlbertShapedEncoderMatchesPyTorch() throws IOException {
    check("albert_odd");
  }

  /** The runtime's config for the fixture's declaration (what the generated facade declares). */
  static EncoderConfig config(JsonObject c) {
    List<String> objectives = c.getAsJsonArray("objectives").asList().stream().map(JsonElement::getAsString).toList();
    boolean sop = objectives.contains("sop");
    EncoderShape shape = new EncoderShape(
        EncoderNames.valueOf(c.get("names").getAsString().toUpperCase(Locale.ROOT)),
        EncoderShape.Placement.valueOf(c.get("placement").getAsString().toUpperCase(Locale.ROOT)),
        EncoderShape.Positions.valueOf(c.get("positions").getAsString().toUpperCase(Locale.ROOT)),
        c.get("pooler").getAsBoolean(),
        c.get("embedding_size").getAsInt(),
        c.get("shared_layers").getAsBoolean() ? EncoderShape.Sharing.ALL : EncoderShape.Sharing.NONE,
        sop);
    return new EncoderConfig(c.get("vocab").getAsInt(), c.get("hidden").getAsInt(), c.get("layers").getAsInt(), c.get("heads").getAsInt(),
        c.get("intermediate").getAsInt(), c.get("max_positions").getAsInt(), c.get("type_vocab").getAsInt(), c.get("eps").getAsDouble(),
        FeedForwardActivation.valueOf(c.get("activation").getAsString().toUpperCase(Locale.ROOT)), 0, 0,
        objectives.contains("mlm"), sop || objectives.contains("nsp"), null, 0, null, 0, shape);
  }

  private void check(String name) throws IOException {
    TorchFixture fixture = TorchFixture.load(name, dir);
    EncoderConfig config = config(fixture.config());
    String prefix = fixture.config().get("prefix").getAsString();
    ParameterLayout layout = fixture.layout(prefix);
    float[] flat = new float[layout.size()];
    try (SafetensorsFile file = SafetensorsFile.open(fixture.weights())) {
      ParameterCheckpoint.LoadReport report = ParameterCheckpoint.load(file, layout, flat, prefix, true);
      assertTrue(report.unused().isEmpty(), () -> "unused: " + report.unused());
    }
    ParameterRows parameters = new ParameterRows(layout);
    parameters.importFrom(flat);
    int b = fixture.integer("batch");
    int t = fixture.integer("seq");
    int n = b * t;
    int[] lengths = fixture.ints("lengths");
    int[] types = fixture.has("types") ? fixture.ints("types") : new int[n];
    int[] pairLabels = fixture.has("sop_labels") ? fixture.ints("sop_labels") : null;
    EncoderBatch batch = new EncoderBatch(b, t, fixture.ints("ids"), types, lengths, fixture.ints("mlm_labels"), pairLabels, null, null);
    int[] rows = fixture.ints("mlm_rows");
    assertArrayEquals(rows, batch.mlmPositions());
    ParameterRows gradients = parameters.zerosLike();
    try (Parallel parallel = new Parallel(2)) {
      Encoder encoder = new Encoder(config, ProductKernels.plain(), parameters, parallel);
      EncoderWorkspace ws = encoder.workspace(b, t, rows.length);
      EncoderPasses.Losses losses = encoder.train(batch, ws, gradients, 0);
      int h = config.hidden();
      TorchFixture.assertClose(name + " embeddings", fixture.floats("embeddings"), flatten(ws.embeddingNorm, n, config.embeddingSize()));
      JsonArray hidden = fixture.json().getAsJsonArray("hidden_states");
      assertEquals(config.layers() + 1, hidden.size());
      float[][] input = ws.mapped != null ? ws.mapped : ws.embeddingNorm;
      TorchFixture.assertClose(name + " layer input", TorchFixture.floats(hidden.get(0).getAsJsonArray()), flatten(input, n, h));
      for (int l = 0; l < config.layers(); l++) {
        TorchFixture.assertClose(name + " layer " + l + " output", TorchFixture.floats(hidden.get(l + 1).getAsJsonArray()),
            flatten(ws.blocks[l].out, n, h));
      }
      float[][] last = new float[n][];
      for (int r = 0; r < n; r++) {
        last[r] = ws.hidden(r);
      }
      TorchFixture.assertClose(name + " final hidden", fixture.floats("final_hidden"), flatten(last, n, h));
      if (config.shape().pooler()) {
        TorchFixture.assertClose(name + " pooled", fixture.floats("pooled"), flatten(ws.pooled, b, h));
      }
      TorchFixture.assertClose(name + " MLM logits", fixture.floats("mlm_logits"), flatten(ws.mlmLogits, rows.length, config.vocab()));
      if (pairLabels != null) {
        TorchFixture.assertClose(name + " SOP logits", fixture.floats("sop_logits"), flatten(ws.nspLogits, b, 2));
        TorchFixture.assertClose(name + " SOP loss", new float[] {fixture.json().get("sop_loss").getAsFloat()}, new float[] {losses.nsp()});
      }
      TorchFixture.assertClose(name + " MLM loss", new float[] {fixture.json().get("mlm_loss").getAsFloat()}, new float[] {losses.mlm()});
      TorchFixture.assertClose(name + " loss", new float[] {fixture.json().get("loss").getAsFloat()}, new float[] {losses.total()});
      fixture.assertGradients(layout, gradients.toFlat(), prefix);
      // inference computes the same hidden states as the training pass (no dropout)
      EncoderWorkspace inferred = encoder.workspace(b, t, rows.length);
      encoder.infer(EncoderBatch.of(b, t, batch.ids(), types, lengths), inferred, rows);
      for (int r = 0; r < n; r++) {
        assertArrayEquals(ws.hidden(r), inferred.hidden(r));
      }
    }
  }

  private static float[] flatten(float[][] rows, int count, int width) {
    float[] flat = new float[count * width];
    for (int r = 0; r < count; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    return flat;
  }
}
