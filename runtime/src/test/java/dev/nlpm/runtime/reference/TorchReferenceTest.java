package dev.nlpm.runtime.reference;


import com.google.gson.JsonObject;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference layers against torch in float64 (runtime/src/test/python/make_reference_fixtures.py):
 * the same outputs and gradients to 1e-10, so the layout conventions (weights [out, in], BERT's
 * −10000 padding mask, LayerNorm's biased variance, the ignored label) are the reference's.
 */
class TorchReferenceTest {

  private static JsonObject fixture;

  @BeforeAll
  static void load() throws IOException {
    fixture = JsonFixture.load("torch.json");
  }

  private static double[] doubles(JsonObject o, String key) {
    return JsonFixture.doubles(o.get(key));
  }

  private static int[] ints(JsonObject o, String key) {
    return JsonFixture.ints(o.get(key));
  }

  private static void close(double[] expected, double[] actual, String what) {
    JsonFixture.assertClose(expected, actual, 1e-10, what);
  }

  @Test
  void linear() {
    JsonObject f = fixture.getAsJsonObject("linear");
    double[] x = doubles(f, "x"), w = doubles(f, "w"), b = doubles(f, "b"), r = doubles(f, "r");
    double[] y = new double[15];
    Linear.forward(x, w, b, y, 3, 4, 5);
    close(doubles(f, "y"), y, "y");
    double[] dx = new double[12], dw = new double[20], db = new double[5];
    Linear.backward(r, x, w, dx, dw, db, 3, 4, 5);
    close(doubles(f, "dx"), dx, "dx");
    close(doubles(f, "dw"), dw, "dw");
    close(doubles(f, "db"), db, "db");
  }

  @Test
  void layerNorm() {
    JsonObject f = fixture.getAsJsonObject("layer_norm");
    double[] x = doubles(f, "x"), g = doubles(f, "gamma"), beta = doubles(f, "beta"), r = doubles(f, "r");
    double[] y = new double[18], mean = new double[3], rstd = new double[3];
    LayerNorm.forward(x, g, beta, y, mean, rstd, 3, 6, 1e-12);
    close(doubles(f, "y"), y, "y");
    double[] dx = new double[18], dg = new double[6], db = new double[6];
    LayerNorm.backward(r, x, g, mean, rstd, dx, dg, db, 3, 6);
    close(doubles(f, "dx"), dx, "dx");
    close(doubles(f, "dgamma"), dg, "dgamma");
    close(doubles(f, "dbeta"), db, "dbeta");
  }

  @Test
  void attentionWithBertsPaddingMask() {
    JsonObject f = fixture.getAsJsonObject("attention");
    int b = 2, t = 4, h = 2, d = 3;
    double[] q = doubles(f, "q"), k = doubles(f, "k"), v = doubles(f, "v"), r = doubles(f, "r");
    double[] p = new double[b * h * t * t], out = new double[b * t * h * d];
    SelfAttention.forward(q, k, v, ints(f, "padding"), false, p, out, b, t, h, d);
    close(doubles(f, "probabilities"), p, "probabilities");
    close(doubles(f, "out"), out, "out");
    double[] dq = new double[q.length], dk = new double[k.length], dv = new double[v.length];
    SelfAttention.backward(r, q, k, v, p, dq, dk, dv, b, t, h, d);
    close(doubles(f, "dq"), dq, "dq");
    close(doubles(f, "dk"), dk, "dk");
    close(doubles(f, "dv"), dv, "dv");
  }

  @Test
  void crossEntropyIgnoresLabelMinus100() {
    JsonObject f = fixture.getAsJsonObject("cross_entropy");
    double[] logits = doubles(f, "logits");
    double[] dlogits = new double[logits.length];
    double loss = CrossEntropy.forwardBackward(logits, ints(f, "labels"), dlogits, 4, 5);
    close(new double[] {f.get("loss").getAsDouble()}, new double[] {loss}, "loss");
    close(doubles(f, "dlogits"), dlogits, "dlogits");
  }
}
