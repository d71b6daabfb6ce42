package dev.nlpm.runtime.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference BERT against a plain-PyTorch BERT with HuggingFace's names
 * (runtime/src/test/python/make_bert_reference_fixture.py): the same weights, read from the
 * safetensors file the script wrote, give the same hidden states, pooled output, MLM and NSP
 * logits, loss and gradients; and the whole model's gradients match central differences.
 */
class BertReferenceTest {

  @TempDir static Path dir;

  private static JsonObject fixture;
  private static Map<String, double[]> weights;
  private static BertReference.Config config;

  @BeforeAll
  static void load() throws IOException {
    fixture = JsonFixture.load("bert_tiny.json");
    Path file = dir.resolve("bert_tiny.safetensors");
    try (InputStream in = BertReferenceTest.class.getResourceAsStream("bert_tiny.safetensors")) {
      Files.copy(in, file);
    }
    weights = new HashMap<>();
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      for (String name : st.tensors().keySet()) {
        float[] f = st.readFloats(name);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        weights.put(name, d);
      }
    }
    JsonObject c = fixture.getAsJsonObject("config");
    config = new BertReference.Config(c.get("vocab").getAsInt(), c.get("hidden").getAsInt(), c.get("layers").getAsInt(),
        c.get("heads").getAsInt(), c.get("intermediate").getAsInt(), c.get("max_positions").getAsInt(),
        c.get("type_vocab").getAsInt(), c.get("eps").getAsDouble());
  }

  private static int[] ints(String key) {
    return JsonFixture.ints(fixture.get(key));
  }

  private static double[] doubles(JsonElement array) {
    return JsonFixture.doubles(array);
  }

  private static void close(double[] expected, double[] actual, double tolerance, String what) {
    JsonFixture.assertClose(expected, actual, tolerance, what);
  }

  private static BertReference.Output run(Map<String, double[]> parameters, Map<String, double[]> gradients) {
    return new BertReference(config, parameters).run(ints("ids"), ints("types"), ints("padding"), ints("mlm_labels"),
        ints("nsp_labels"), fixture.get("batch").getAsInt(), fixture.get("seq").getAsInt(), gradients);
  }

  @Test
  void matchesThePyTorchModelOutputsLossAndGradients() {
    Map<String, double[]> gradients = BertReference.gradients();
    BertReference.Output out = run(weights, gradients);
    close(doubles(fixture.get("hidden")), out.hidden(), 1e-9, "hidden states");
    close(doubles(fixture.get("pooled")), out.pooled(), 1e-9, "pooled");
    close(doubles(fixture.get("mlm_logits")), out.mlmLogits(), 1e-9, "MLM logits");
    close(doubles(fixture.get("nsp_logits")), out.nspLogits(), 1e-9, "NSP logits");
    close(new double[] {fixture.get("loss").getAsDouble()}, new double[] {out.loss()}, 1e-9, "loss");
    for (Map.Entry<String, JsonElement> e : fixture.getAsJsonObject("gradients").entrySet()) {
      close(doubles(e.getValue()), gradients.get(e.getKey()), 1e-8, "d loss / d " + e.getKey());
    }
  }

  @Test
  void wholeModelGradientsMatchCentralDifferences() {
    Map<String, double[]> gradients = BertReference.gradients();
    run(weights, gradients);
    Map<String, double[]> nudged = new HashMap<>(weights);
    java.util.Random random = new java.util.Random(1);
    int checked = 0;
    for (String name : new java.util.TreeSet<>(weights.keySet())) {
      double[] original = weights.get(name);
      double[] copy = original.clone();
      nudged.put(name, copy);
      for (int trial = 0; trial < 3; trial++) {
        int i = random.nextInt(copy.length);
        double h = 1e-5;
        copy[i] = original[i] + h;
        double plus = run(nudged, null).loss();
        copy[i] = original[i] - h;
        double minus = run(nudged, null).loss();
        copy[i] = original[i];
        double numeric = (plus - minus) / (2 * h);
        double analytic = gradients.containsKey(name) ? gradients.get(name)[i] : 0;
        assertTrue(Math.abs(numeric - analytic) <= 1e-7 + 1e-5 * Math.abs(numeric),
            name + "[" + i + "]: analytic " + analytic + ", numeric " + numeric);
        checked++;
      }
      nudged.put(name, original);
    }
    assertEquals(3 * weights.size(), checked);
  }
}
