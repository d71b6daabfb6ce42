package dev.nlpm.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays torch.optim.AdamW runs (runtime/src/test/python/make_optim_fixtures.py): the linear
 * warmup/decay schedule, clipping to a global norm, then AdamW with two param groups, one decayed
 * and one not, for five steps. The learning rates must agree to the bit; norms, parameters after
 * every step and the final moments to {@code 1e-5 + 1e-4 |torch|}. (In practice the parameters
 * agree to about 4e-7 relative, a few float ulps; torch sums the norm in float, nlpm in double.)
 */
class AdamWReferenceTest {

  private static JsonObject fixture() throws IOException {
    try (InputStream in = AdamWReferenceTest.class.getResourceAsStream("adamw.json")) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }

  private static float[] floats(JsonArray array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).getAsFloat();
    }
    return out;
  }

  private static void close(double expected, double actual, String what) {
    assertTrue(Math.abs(expected - actual) <= 1e-5 + 1e-4 * Math.abs(expected),
        what + ": torch " + expected + ", nlpm " + actual + " (diff " + (actual - expected) + ")");
  }

  private static void close(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      close(expected[i], actual[i], what + "[" + i + "]");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bert", "strong"})
  void followsTorchStepForStep(String name) throws IOException {
    JsonObject c = fixture().getAsJsonObject("cases").getAsJsonObject(name);
    List<DecayRange> ranges = new ArrayList<>();
    for (JsonElement e : c.getAsJsonArray("decayed")) {
      JsonArray r = e.getAsJsonArray();
      ranges.add(new DecayRange(r.get(0).getAsInt(), r.get(1).getAsInt(), r.get(2).getAsBoolean()));
    }
    AdamW adamw = new AdamW(ranges, new AdamWSettings(c.get("beta1").getAsDouble(), c.get("beta2").getAsDouble(),
        c.get("eps").getAsDouble(), c.get("weight_decay").getAsDouble()));
    LearningRateSchedule schedule = LearningRateSchedule.linearWarmupThenDecay(
        c.get("peak").getAsDouble(), c.get("warmup").getAsLong(), c.get("total").getAsLong());
    double maxNorm = c.get("max_norm").getAsDouble();

    float[] params = floats(c.getAsJsonArray("initial"));
    JsonArray grads = c.getAsJsonArray("grads");
    for (int step = 0; step < grads.size(); step++) {
      float[] g = floats(grads.get(step).getAsJsonArray());
      double lr = schedule.at(step);
      assertEquals(c.getAsJsonArray("lr").get(step).getAsDouble(), lr, 0.0, name + " lr at step " + step);
      double norm = GradientClipping.clipGlobalNorm(g, maxNorm);
      close(c.getAsJsonArray("norm").get(step).getAsDouble(), norm, name + " norm at step " + step);
      adamw.step(params, g, lr);
      close(floats(c.getAsJsonArray("params").get(step).getAsJsonArray()), params, name + " params after step " + step);
    }
    assertEquals(c.get("step_count").getAsLong(), adamw.steps());
    close(floats(c.getAsJsonArray("m")), adamw.firstMoment(), name + " m");
    close(floats(c.getAsJsonArray("v")), adamw.secondMoment(), name + " v");
  }

  @Test
  void theLinearScheduleGivesLambdaLrsRatesToTheBit() throws IOException {
    JsonObject s = fixture().getAsJsonObject("schedule");
    LearningRateSchedule schedule = LearningRateSchedule.linearWarmupThenDecay(
        s.get("peak").getAsDouble(), s.get("warmup").getAsLong(), s.get("total").getAsLong());
    JsonArray rates = s.getAsJsonArray("lr");
    for (int step = 0; step < rates.size(); step++) {
      assertEquals(rates.get(step).getAsDouble(), schedule.at(step), 0.0, "lr at step " + step);
    }
  }
}
