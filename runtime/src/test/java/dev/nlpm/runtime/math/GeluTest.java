package dev.nlpm.runtime.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * erf against the C library's (through Python's math module), and GELU in both forms with their
 * derivatives against torch's values and autograd, all in double (runtime/src/test/python/make_gelu_fixtures.py).
 */
class GeluTest {

  private static JsonObject fixture() throws IOException {
    try (InputStream in = GeluTest.class.getResourceAsStream("gelu.json")) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }

  private static void close(double expected, double actual, double relative, String what) {
    assertTrue(Math.abs(expected - actual) <= 1e-15 + relative * Math.abs(expected),
        what + ": expected " + expected + ", got " + actual + " (diff " + (actual - expected) + ")");
  }

  @Test
  void matchesTheReferencesInDoublePrecision() throws IOException {
    int rows = 0;
    for (JsonElement e : fixture().getAsJsonArray("rows")) {
      JsonObject r = e.getAsJsonObject();
      double x = r.get("x").getAsDouble();
      close(r.get("erf").getAsDouble(), Erf.erf(x), 1e-14, "erf(" + x + ")");
      close(r.get("erfc").getAsDouble(), Erf.erfc(x), 1e-12, "erfc(" + x + ")");
      // torch computes 1 + erf(x/√2), which cancels for negative x; nlpm uses erfc there, so the
      // two agree to 1e-12 relative rather than to the last bit.
      close(r.get("gelu").getAsDouble(), Gelu.exact(x), 1e-12, "gelu(" + x + ")");
      close(r.get("gelu_grad").getAsDouble(), Gelu.exactDerivative(x), 1e-12, "gelu'(" + x + ")");
      close(r.get("gelu_tanh").getAsDouble(), Gelu.tanh(x), 1e-14, "gelu_tanh(" + x + ")");
      close(r.get("gelu_tanh_grad").getAsDouble(), Gelu.tanhDerivative(x), 1e-13, "gelu_tanh'(" + x + ")");
      rows++;
    }
    assertEquals(232, rows);
  }

  @Test
  void derivativesMatchCentralDifferences() {
    for (double x = -6; x <= 6; x += 0.37) {
      double h = 1e-5;
      assertEquals((Gelu.exact(x + h) - Gelu.exact(x - h)) / (2 * h), Gelu.exactDerivative(x), 1e-8, "exact at " + x);
      assertEquals((Gelu.tanh(x + h) - Gelu.tanh(x - h)) / (2 * h), Gelu.tanhDerivative(x), 1e-8, "tanh at " + x);
    }
  }

  @Test
  void theTwoFormsDifferByUpToAboutFiveTenThousandths() {
    double largest = 0;
    for (double x = -8; x <= 8; x += 0.001) {
      largest = Math.max(largest, Math.abs(Gelu.exact(x) - Gelu.tanh(x)));
    }
    assertTrue(largest > 1e-4 && largest < 1e-3, "largest difference " + largest);
  }

  @Test
  void nanAndInfinitiesBehave() {
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
    assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
    assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
  }

  @org.junit.jupiter.api.Test
  void theFloatFormsAgreeWithTheExactOnesToFloatPrecision() {
    for (int i = -12000; i <= 12000; i++) {
      float x = i / 1000f;
      double gelu = Gelu.exact(x);
      double derivative = Gelu.exactDerivative(x);
      org.junit.jupiter.api.Assertions.assertEquals(gelu, Gelu.exactFloat(x), 3e-7 * Math.max(1, Math.abs(gelu)), "gelu at " + x);
      org.junit.jupiter.api.Assertions.assertEquals(derivative, Gelu.exactDerivativeFloat(x), 3e-7 * Math.max(1, Math.abs(derivative)), "derivative at " + x);
    }
  }
}
