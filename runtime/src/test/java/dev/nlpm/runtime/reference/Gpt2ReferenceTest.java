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
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference GPT-2 against a plain-PyTorch GPT-2 with HuggingFace's names and Conv1D layouts
 * (runtime/src/test/python/make_gpt2_reference_fixture.py): the same weights, read from the
 * safetensors file the script wrote, give the same final hidden states, logits, shifted causal-LM
 * loss and the gradient of every parameter; and the whole model's gradients match central
 * differences.
 */
class Gpt2ReferenceTest {

  @TempDir static Path dir;

  private static JsonObject fixture;
  private static Map<String, double[]> weights;
  private static Gpt2Reference.Config config;

  @BeforeAll
  static void load() throws IOException {
    fixture = JsonFixture.load("gpt2_tiny.json");
    Path file = dir.resolve("gpt2_tiny.safetensors");
    try (InputStream in = Gpt2ReferenceTest.class.getResourceAsStream("gpt2_tiny.safetensors")) {
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
    assertEquals("gelu_tanh", c.get("activation").getAsString());
    config = new Gpt2Reference.Config(c.get("vocab").getAsInt(), c.get("hidden").getAsInt(), c.get("layers").getAsInt(),
        c.get("heads").getAsInt(), c.get("intermediate").getAsInt(), c.get("max_positions").getAsInt(),
        c.get("eps").getAsDouble(), Gpt2Reference.Activation.GELU_TANH);
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

  private static Gpt2Reference.Output run(Map<String, double[]> parameters, int[] labels, Map<String, double[]> gradients) {
    return new Gpt2Reference(config, parameters).run(ints("ids"), fixture.get("batch").getAsInt(), fixture.get("seq").getAsInt(),
        labels, gradients);
  }

  @Test
  void matchesThePyTorchModelOutputsLossAndGradients() {
    Map<String, double[]> gradients = Gpt2Reference.gradients();
    Gpt2Reference.Output out = run(weights, ints("labels"), gradients);
    close(doubles(fixture.get("hidden")), out.hidden(), 1e-9, "hidden states");
    close(doubles(fixture.get("logits")), out.logits(), 1e-9, "logits");
    close(new double[] {fixture.get("loss").getAsDouble()}, new double[] {out.loss()}, 1e-9, "loss");
    JsonObject expected = fixture.getAsJsonObject("gradients");
    assertEquals(weights.keySet(), expected.keySet(), "the fixture has every parameter's gradient");
    assertEquals(weights.keySet(), gradients.keySet(), "backward reaches every parameter");
    for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
      close(doubles(e.getValue()), gradients.get(e.getKey()), 1e-9, "d loss / d " + e.getKey());
    }
  }

  @Test
  void withoutLabelsGivesTheSameLogitsAndNoLoss() {
    Gpt2Reference.Output out = run(weights, null, null);
    close(doubles(fixture.get("logits")), out.logits(), 1e-9, "logits");
    assertTrue(Double.isNaN(out.loss()));
  }

  @Test
  void positionsSeeOnlyTheirPast() {
    // Changing the last token of each sequence leaves every earlier position's logits as they were.
    int[] ids = ints("ids");
    int b = fixture.get("batch").getAsInt();
    int t = fixture.get("seq").getAsInt();
    int[] changed = ids.clone();
    for (int bi = 0; bi < b; bi++) {
      changed[bi * t + t - 1] = (ids[bi * t + t - 1] + 1) % config.vocab();
    }
    Gpt2Reference model = new Gpt2Reference(config, weights);
    double[] before = model.run(ids, b, t, null, null).logits();
    double[] after = model.run(changed, b, t, null, null).logits();
    int v = config.vocab();
    for (int bi = 0; bi < b; bi++) {
      for (int i = 0; i < t; i++) {
        boolean differs = false;
        for (int c = 0; c < v; c++) {
          int at = (bi * t + i) * v + c;
          if (i < t - 1) {
            assertEquals(before[at], after[at], 0.0, "sequence " + bi + " position " + i);
          } else {
            differs |= before[at] != after[at];
          }
        }
        assertTrue(i < t - 1 || differs, "the changed position's logits change");
      }
    }
  }

  @Test
  void wholeModelGradientsMatchCentralDifferences() {
    int[] labels = ints("labels");
    Map<String, double[]> gradients = Gpt2Reference.gradients();
    run(weights, labels, gradients);
    Map<String, double[]> nudged = new HashMap<>(weights);
    Random random = new Random(1);
    int checked = 0;
    for (String name : new TreeSet<>(weights.keySet())) {
      double[] original = weights.get(name);
      double[] copy = original.clone();
      nudged.put(name, copy);
      int[] elements = new int[4];
      for (int trial = 0; trial < elements.length; trial++) {
        elements[trial] = random.nextInt(copy.length);
      }
      if (name.equals("transformer.wte.weight")) {
        // the rows of the first two ids: used both as input embeddings and by the tied head
        int h = config.hidden();
        int[] ids = ints("ids");
        elements[0] = ids[0] * h + random.nextInt(h);
        elements[1] = ids[1] * h + random.nextInt(h);
      } else if (name.endsWith("attn.c_attn.weight") || name.endsWith("attn.c_attn.bias")) {
        // one element in each of the q, k and v thirds of the output
        int h = config.hidden();
        int out = 3 * h;
        int rows = copy.length / out;
        for (int third = 0; third < 3; third++) {
          elements[third] = random.nextInt(rows) * out + third * h + random.nextInt(h);
        }
      }
      for (int i : elements) {
        double step = 1e-5;
        copy[i] = original[i] + step;
        double plus = run(nudged, labels, null).loss();
        copy[i] = original[i] - step;
        double minus = run(nudged, labels, null).loss();
        copy[i] = original[i];
        double numeric = (plus - minus) / (2 * step);
        double analytic = gradients.get(name)[i];
        assertTrue(Math.abs(numeric - analytic) <= 1e-8 + 1e-6 * Math.abs(numeric),
            name + "[" + i + "]: analytic " + analytic + ", numeric " + numeric);
        checked++;
      }
      nudged.put(name, original);
    }
    assertEquals(4 * weights.size(), checked);
  }
}
