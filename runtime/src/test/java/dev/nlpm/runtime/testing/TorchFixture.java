package dev.nlpm.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.checkpoint.TensorInfo;
import dev.nlpm.runtime.parameters.ParameterLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PyTorch fixture under {@code /dev/nlpm/runtime/reference/} ({@code <name>.json} and the
 * safetensors files it names, see that folder's README): its fields read as the float32 values
 * PyTorch wrote, its safetensors copied out to a folder so they can be opened, and the elementwise
 * comparison every interop test makes.
 */
public final class TorchFixture {

  private static final String FOLDER = "/dev/nlpm/runtime/reference/";

  private final JsonObject json;
  private final Path directory;

  private TorchFixture(JsonObject json, Path directory) {
    this.json = json;
    this.directory = directory;
  }

  /** Reads {@code <name>.json} and copies the weights and gradients it names into {@code directory}. */
  public static TorchFixture load(String name, Path directory) throws IOException {
    JsonObject json;
    try (InputStream in = resource(name + ".json")) {
      json = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
    for (String key : new String[] {"weights", "gradients"}) {
      if (json.has(key)) {
        String file = json.get(key).getAsString();
        try (InputStream in = resource(file)) {
          Files.copy(in, directory.resolve(file));
        }
      }
    }
    return new TorchFixture(json, directory);
  }

  private static InputStream resource(String file) throws IOException {
    InputStream in = TorchFixture.class.getResourceAsStream(FOLDER + file);
    if (in == null) {
      throw new IOException("no fixture resource " + FOLDER + file);
    }
    return in;
  }

  public JsonObject json() {
    return json;
  }

  public JsonObject config() {
    return json.getAsJsonObject("config");
  }

  public boolean has(String key) {
    return json.has(key) && !json.get(key).isJsonNull();
  }

  public int integer(String key) {
    return json.get(key).getAsInt();
  }

  public int[] ints(String key) {
    return ints(json.get(key).getAsJsonArray());
  }

  public static int[] ints(JsonArray array) {
    return array.asList().stream().mapToInt(JsonElement::getAsInt).toArray();
  }

  /** A field's floats, read as the float32 values PyTorch wrote (shortest round-trip decimals). */
  public float[] floats(String key) {
    return floats(json.get(key).getAsJsonArray());
  }

  public static float[] floats(JsonArray array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).getAsFloat();
    }
    return values;
  }

  /** The copied weights file. */
  public Path weights() {
    return directory.resolve(json.get("weights").getAsString());
  }

  /** The copied gradients file. */
  public Path gradients() {
    return directory.resolve(json.get("gradients").getAsString());
  }

  /**
   * The layout of exactly the tensors in the weights file, as the planner plans them (the README:
   * {@code nlpm describe} lists exactly these): a name under {@code prefix} is a backbone tensor
   * (stored without the prefix), any other a head's; the tied tensors the file leaves out are not
   * stored, so they need no slot. The file names its tensors and nothing more, so each slot's role
   * is the one its name suggests ({@link ReferenceNameRoles}); the fixtures' tests neither
   * initialize nor decay, so no number depends on it.
   */
  public ParameterLayout layout(String prefix) throws IOException {
    ParameterLayout.Builder layout = ParameterLayout.builder();
    try (SafetensorsFile file = SafetensorsFile.open(weights())) {
      for (TensorInfo tensor : file.tensors().values()) {
        String name = tensor.name();
        long[] shape = tensor.shape();
        int[] extents = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
          extents[i] = Math.toIntExact(shape[i]);
        }
        if (name.startsWith(prefix)) {
          String local = name.substring(prefix.length());
          layout.add(local, ReferenceNameRoles.of(local), ParameterLayout.BACKBONE, extents);
        } else {
          layout.add(name, ReferenceNameRoles.of(name), name.substring(0, name.indexOf('.')), extents);
        }
      }
    }
    return layout.build();
  }

  /**
   * Asserts {@code |actual − expected| ≤ absolute + relative·|expected|} elementwise, and returns
   * the largest share of its tolerance an element used.
   */
  public static double assertClose(String what, float[] expected, float[] actual, double absolute, double relative) {
    assertEquals(expected.length, actual.length, what + ": length");
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double tolerance = absolute + relative * Math.abs(expected[i]);
      double error = Math.abs((double) actual[i] - expected[i]);
      int at = i;
      assertTrue(error <= tolerance, () -> what + "[" + at + "]: PyTorch " + expected[at] + ", nlpm " + actual[at]);
      worst = Math.max(worst, error / tolerance);
    }
    return worst;
  }

  /** {@link #assertClose} at the fixtures' tolerance, {@code |a − b| ≤ 1e-5 + 1e-4·|b|}. */
  public static double assertClose(String what, float[] expected, float[] actual) {
    return assertClose(what, expected, actual, 1e-5, 1e-4);
  }

  /** Every tensor of the gradients file against the same-named one of {@code gradients} (backbone names under {@code prefix}). */
  public void assertGradients(ParameterLayout layout, float[] gradients, String prefix) throws IOException {
    int compared = 0;
    double worst = 0;
    try (SafetensorsFile file = SafetensorsFile.open(gradients())) {
      for (TensorInfo tensor : file.tensors().values()) {
        String name = tensor.name();
        String slotName = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
        var slot = layout.slot(slotName).orElseThrow(() -> new AssertionError("the layout has no tensor " + slotName));
        float[] ours = java.util.Arrays.copyOfRange(gradients, slot.offset(), slot.offset() + slot.elements());
        worst = Math.max(worst, assertClose("d " + name, file.readFloats(name), ours));
        compared++;
      }
    }
    assertEquals(layout.slots().stream().filter(s -> s.tiedTo().isEmpty()).count(), compared, "a gradient for every stored tensor");
    System.out.printf("%s: %d gradients, largest share of the tolerance used %.3f%n", json.get("model").getAsString(), compared, worst);
  }
}
