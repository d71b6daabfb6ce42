package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.checkpoint.ParameterCheckpoint;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.encoder.FeedForwardActivation;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.testing.TorchFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The float decoder loads the plain-PyTorch GPT-2 fixture ({@code make_gpt2_reference_fixture.py}:
 * GPT-2's names under {@code transformer.}, Conv1D weights input × output) and gives PyTorch's
 * logits and loss (computed in float64 from the same float32 weights), at 1e-5 + 1e-4·|b|; and
 * the untied one ({@code gpt2_untied_odd}, {@code make_shape_fixtures.py}: its own {@code
 * lm_head.weight}, odd sizes) its hidden states, logits, loss and every gradient.
 */
class DecoderInteropTest {

  @Test
  void aGpt2CheckpointFromPyTorchLoadsAndGivesItsLogitsAndLoss(@TempDir Path dir) throws IOException {
    JsonObject fixture;
    try (InputStream in = resource("gpt2_tiny.json")) {
      fixture = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }
    Path weights = dir.resolve("gpt2_tiny.safetensors");
    try (InputStream in = resource("gpt2_tiny.safetensors")) {
      Files.copy(in, weights);
    }
    JsonObject c = fixture.getAsJsonObject("config");
    assertEquals("gelu_tanh", c.get("activation").getAsString());
    DecoderConfig config = new DecoderConfig(c.get("vocab").getAsInt(), c.get("hidden").getAsInt(), c.get("layers").getAsInt(),
        c.get("heads").getAsInt(), c.get("intermediate").getAsInt(), c.get("max_positions").getAsInt(), c.get("eps").getAsDouble(),
        FeedForwardActivation.GELU_TANH);
    ParameterRows parameters = Decoder.parameters(DecoderTest.layout(config));
    float[] flat = new float[parameters.size()];
    try (SafetensorsFile file = SafetensorsFile.open(weights)) {
      ParameterCheckpoint.LoadReport report = ParameterCheckpoint.load(file, parameters.layout(), flat, "transformer.", true);
      assertTrue(report.unused().isEmpty(), "unused tensors: " + report.unused());
    }
    parameters.importFrom(flat);
    int b = fixture.get("batch").getAsInt();
    int t = fixture.get("seq").getAsInt();
    int[] ids = ints(fixture.getAsJsonArray("ids"));
    int[] labels = ints(fixture.getAsJsonArray("labels"));
    JsonArray logits = fixture.getAsJsonArray("logits");
    try (Parallel parallel = new Parallel(2)) {
      Decoder decoder = new Decoder(config, ProductKernels.plain(), parameters, parallel);
      Decoder.Workspace ws = decoder.workspace(b, t);
      decoder.forward(ids, b, t, ws);
      for (int r = 0; r < b * t; r++) {
        for (int v = 0; v < config.vocab(); v++) {
          DecoderTest.assertClose("logits[" + r + "][" + v + "]", logits.get(r * config.vocab() + v).getAsDouble(), ws.logits(r)[v]);
        }
      }
      float loss = decoder.train(ids, labels, b, t, ws, parameters.zerosLike());
      DecoderTest.assertClose("loss", fixture.get("loss").getAsDouble(), loss);
    }
  }

  @Test
  void anUntiedGpt2MatchesPyTorchWithEveryGradient(@TempDir Path dir) throws IOException {
    TorchFixture fixture = TorchFixture.load("gpt2_untied_odd", dir);
    JsonObject c = fixture.config();
    assertFalse(c.get("tie_embeddings").getAsBoolean());
    DecoderConfig config = new DecoderConfig(c.get("vocab").getAsInt(), c.get("hidden").getAsInt(), c.get("layers").getAsInt(),
        c.get("heads").getAsInt(), c.get("intermediate").getAsInt(), c.get("max_positions").getAsInt(), c.get("eps").getAsDouble(),
        FeedForwardActivation.GELU_TANH, 0f, false);
    String prefix = c.get("prefix").getAsString();
    ParameterLayout layout = fixture.layout(prefix);
    assertTrue(layout.slot("lm_head.weight").isPresent(), "the untied output is stored");
    ParameterRows parameters = Decoder.parameters(layout);
    float[] flat = new float[parameters.size()];
    try (SafetensorsFile file = SafetensorsFile.open(fixture.weights())) {
      ParameterCheckpoint.LoadReport report = ParameterCheckpoint.load(file, layout, flat, prefix, true);
      assertTrue(report.unused().isEmpty(), "unused tensors: " + report.unused());
    }
    parameters.importFrom(flat);
    int b = fixture.integer("batch");
    int t = fixture.integer("seq");
    int n = b * t;
    int h = config.hidden();
    int[] ids = fixture.ints("ids");
    ParameterRows gradients = parameters.zerosLike();
    try (Parallel parallel = new Parallel(2)) {
      Decoder decoder = new Decoder(config, ProductKernels.plain(), parameters, parallel);
      Decoder.Workspace ws = decoder.workspace(b, t);
      decoder.forward(ids, b, t, ws);
      TorchFixture.assertClose("embeddings", fixture.floats("embeddings"), flatten(ws.input[0], n, h));
      JsonArray hidden = fixture.json().getAsJsonArray("hidden_states");
      for (int l = 0; l < config.layers(); l++) {
        TorchFixture.assertClose("layer " + l + " input", TorchFixture.floats(hidden.get(l).getAsJsonArray()), flatten(ws.input[l], n, h));
      }
      // the last block's output, before ln_f, is left in the embedded buffer
      TorchFixture.assertClose("last layer output", TorchFixture.floats(hidden.get(config.layers()).getAsJsonArray()), flatten(ws.embedded, n, h));
      TorchFixture.assertClose("final hidden", fixture.floats("final_hidden"), flatten(ws.lnf, n, h));
      TorchFixture.assertClose("logits", fixture.floats("logits"), flatten(ws.logits, n, config.vocab()));
      float loss = decoder.train(ids, fixture.ints("labels"), b, t, ws, gradients);
      TorchFixture.assertClose("loss", new float[] {fixture.json().get("loss").getAsFloat()}, new float[] {loss});
      fixture.assertGradients(layout, gradients.toFlat(), prefix);
    }
  }

  private static float[] flatten(float[][] rows, int count, int width) {
    float[] flat = new float[count * width];
    for (int r = 0; r < count; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    return flat;
  }

  private static InputStream resource(String name) {
    return DecoderInteropTest.class.getResourceAsStream("/dev/nlpm/runtime/reference/" + name);
  }

  private static int[] ints(JsonArray array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsInt();
    }
    return out;
  }
}
