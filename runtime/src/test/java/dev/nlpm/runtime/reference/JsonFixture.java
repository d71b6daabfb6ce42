package dev.nlpm.runtime.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reading the JSON fixtures the torch scripts write, and comparing against them. */
final class JsonFixture {

  private JsonFixture() {}

  /** A fixture beside the test class. */
  static JsonObject load(String name) throws IOException {
    try (InputStream in = JsonFixture.class.getResourceAsStream(name)) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }

  static double[] doubles(JsonElement array) {
    return array.getAsJsonArray().asList().stream().mapToDouble(JsonElement::getAsDouble).toArray();
  }

  static int[] ints(JsonElement array) {
    return array.getAsJsonArray().asList().stream().mapToInt(JsonElement::getAsInt).toArray();
  }

  /** Elementwise {@code |expected − actual| ≤ tolerance · (1 + |expected|)}. */
  static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * (1 + Math.abs(expected[i])),
          what + "[" + i + "]: torch " + expected[i] + ", nlpm " + actual[i]);
    }
  }
}
