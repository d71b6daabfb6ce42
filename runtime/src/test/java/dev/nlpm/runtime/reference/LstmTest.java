package dev.nlpm.runtime.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference LSTM against torch.nn.LSTM in float64 (runtime/src/test/python/make_lstm_fixture.py),
 * outputs, final state and every gradient through time to 1e-10, and against central differences.
 */
class LstmTest {

  private static final int T = 5, B = 2, IN = 3, H = 4;
  private static JsonObject f;

  @BeforeAll
  static void load() throws IOException {
    f = JsonFixture.load("lstm.json");
  }

  private static double[] d(JsonObject o, String key) {
    return JsonFixture.doubles(o.get(key));
  }

  private static void close(double[] expected, double[] actual, double tolerance, String what) {
    JsonFixture.assertClose(expected, actual, tolerance, what);
  }

  /** sum(out·R) + sum(hT·RH) + sum(cT·RC) for these inputs. */
  private static double loss(Map<String, double[]> p) {
    double[] out = new double[T * B * H], hT = new double[B * H], cT = new double[B * H];
    Lstm.forward(p.get("x"), p.get("h0"), p.get("c0"), p.get("weight_ih_l0"), p.get("weight_hh_l0"), p.get("bias_ih_l0"),
        p.get("bias_hh_l0"), out, hT, cT, T, B, IN, H);
    double s = 0;
    double[] r = d(f, "r"), rh = d(f, "rh"), rc = d(f, "rc");
    for (int i = 0; i < out.length; i++) {
      s += out[i] * r[i];
    }
    for (int i = 0; i < hT.length; i++) {
      s += hT[i] * rh[i] + cT[i] * rc[i];
    }
    return s;
  }

  private static Map<String, double[]> inputs() {
    return new java.util.HashMap<>(Map.of("x", d(f, "x"), "h0", d(f, "h0"), "c0", d(f, "c0"), "weight_ih_l0", d(f, "weight_ih_l0"),
        "weight_hh_l0", d(f, "weight_hh_l0"), "bias_ih_l0", d(f, "bias_ih_l0"), "bias_hh_l0", d(f, "bias_hh_l0")));
  }

  private static Map<String, double[]> gradients(Map<String, double[]> p) {
    double[] out = new double[T * B * H], hT = new double[B * H], cT = new double[B * H];
    Lstm.Saved saved = Lstm.forward(p.get("x"), p.get("h0"), p.get("c0"), p.get("weight_ih_l0"), p.get("weight_hh_l0"),
        p.get("bias_ih_l0"), p.get("bias_hh_l0"), out, hT, cT, T, B, IN, H);
    Map<String, double[]> g = new java.util.HashMap<>();
    p.forEach((k, v) -> g.put(k, new double[v.length]));
    Lstm.backward(saved, d(f, "r"), d(f, "rh"), d(f, "rc"), p.get("x"), p.get("weight_ih_l0"), p.get("weight_hh_l0"),
        g.get("x"), g.get("h0"), g.get("c0"), g.get("weight_ih_l0"), g.get("weight_hh_l0"), g.get("bias_ih_l0"), g.get("bias_hh_l0"),
        T, B, IN, H);
    return g;
  }

  @Test
  void matchesTorchOutputsAndGradientsThroughTime() {
    Map<String, double[]> p = inputs();
    double[] out = new double[T * B * H], hT = new double[B * H], cT = new double[B * H];
    Lstm.forward(p.get("x"), p.get("h0"), p.get("c0"), p.get("weight_ih_l0"), p.get("weight_hh_l0"), p.get("bias_ih_l0"),
        p.get("bias_hh_l0"), out, hT, cT, T, B, IN, H);
    close(d(f, "out"), out, 1e-10, "out");
    close(d(f, "hT"), hT, 1e-10, "hT");
    close(d(f, "cT"), cT, 1e-10, "cT");
    Map<String, double[]> g = gradients(p);
    JsonObject expected = f.getAsJsonObject("grads");
    for (String name : expected.keySet()) {
      close(d(expected, name), g.get(name), 1e-10, "d/d " + name);
    }
  }

  @Test
  void gradientsMatchCentralDifferences() {
    Map<String, double[]> p = inputs();
    Map<String, double[]> g = gradients(p);
    for (Map.Entry<String, double[]> e : p.entrySet()) {
      double[] values = e.getValue();
      for (int i = 0; i < values.length; i++) {
        double keep = values[i];
        values[i] = keep + 1e-6;
        double plus = loss(p);
        values[i] = keep - 1e-6;
        double minus = loss(p);
        values[i] = keep;
        double numeric = (plus - minus) / 2e-6;
        assertTrue(Math.abs(numeric - g.get(e.getKey())[i]) <= 1e-7 + 1e-6 * Math.abs(numeric),
            e.getKey() + "[" + i + "]: analytic " + g.get(e.getKey())[i] + ", numeric " + numeric);
      }
    }
  }
}
