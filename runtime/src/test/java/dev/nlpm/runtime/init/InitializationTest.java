package dev.nlpm.runtime.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.layout.ParameterLayout;
import dev.nlpm.runtime.layout.TensorSlot;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Roles from reference names, and BERT's initialization by role. */
class InitializationTest {

  @Test
  void rolesFollowTheReferenceNames() {
    assertEquals(ParameterRole.NORM_SCALE, ParameterRole.of("embeddings.LayerNorm.weight"));
    assertEquals(ParameterRole.NORM_SHIFT, ParameterRole.of("encoder.layer.3.attention.output.LayerNorm.bias"));
    assertEquals(ParameterRole.NORM_SCALE, ParameterRole.of("h.0.ln_1.weight"));
    assertEquals(ParameterRole.NORM_SHIFT, ParameterRole.of("ln_f.bias"));
    assertEquals(ParameterRole.NORM_SCALE, ParameterRole.of("encoder.layers.0.self_attn_layer_norm.weight"));
    assertEquals(ParameterRole.NORM_SCALE, ParameterRole.of("cls.predictions.transform.LayerNorm.weight"));
    assertEquals(ParameterRole.BIAS, ParameterRole.of("cls.predictions.bias"));
    assertEquals(ParameterRole.BIAS, ParameterRole.of("encoder.layer.0.attention.self.query.bias"));
    assertEquals(ParameterRole.BIAS, ParameterRole.of("lstm.bias_ih_l0"));
    assertEquals(ParameterRole.WEIGHT, ParameterRole.of("encoder.layer.0.attention.self.query.weight"));
    assertEquals(ParameterRole.WEIGHT, ParameterRole.of("embeddings.word_embeddings.weight"));
    assertEquals(ParameterRole.WEIGHT, ParameterRole.of("h.0.attn.c_attn.weight"));
    assertTrue(ParameterRole.WEIGHT.decays());
    assertFalse(ParameterRole.BIAS.decays() || ParameterRole.NORM_SCALE.decays() || ParameterRole.NORM_SHIFT.decays());
  }

  private static final ParameterLayout LAYOUT =
      ParameterLayout.builder()
          .add("embeddings.word_embeddings.weight", ParameterLayout.BACKBONE, 500, 64)
          .add("embeddings.LayerNorm.weight", ParameterLayout.BACKBONE, 64)
          .add("embeddings.LayerNorm.bias", ParameterLayout.BACKBONE, 64)
          .add("encoder.layer.0.attention.self.query.weight", ParameterLayout.BACKBONE, 64, 64)
          .add("encoder.layer.0.attention.self.query.bias", ParameterLayout.BACKBONE, 64)
          .tied("cls.predictions.decoder.weight", "mlm_head", "embeddings.word_embeddings.weight", 500, 64)
          .build();

  private static float[] slice(ParameterLayout layout, float[] p, String name) {
    TensorSlot s = layout.slot(name).orElseThrow();
    return Arrays.copyOfRange(p, s.offset(), s.offset() + s.elements());
  }

  @Test
  void weightsAreTruncatedNormalNormsOneAndZeroBiasesZero() {
    float[] p = new float[LAYOUT.size()];
    TruncatedNormalInitializer.bert().initialize(LAYOUT, p, 1);
    for (float v : slice(LAYOUT, p, "embeddings.LayerNorm.weight")) {
      assertEquals(1f, v);
    }
    for (String zero : new String[] {"embeddings.LayerNorm.bias", "encoder.layer.0.attention.self.query.bias"}) {
      for (float v : slice(LAYOUT, p, zero)) {
        assertEquals(0f, v, zero);
      }
    }
    float[] w = slice(LAYOUT, p, "embeddings.word_embeddings.weight");
    double sum = 0;
    double squares = 0;
    for (float v : w) {
      assertTrue(Math.abs(v) <= 0.04f, "within two standard deviations: " + v);
      sum += v;
      squares += (double) v * v;
    }
    double mean = sum / w.length;
    double std = Math.sqrt(squares / w.length - mean * mean);
    // A normal truncated at ±2σ keeps 0.8796 of its standard deviation.
    assertEquals(0.02 * 0.8796, std, 0.0003, "standard deviation over " + w.length + " draws");
    assertEquals(0, mean, 0.0003);
  }

  @Test
  void theSameSeedGivesTheSameValuesAndEachTensorItsOwnStream() {
    float[] a = new float[LAYOUT.size()];
    float[] b = new float[LAYOUT.size()];
    TruncatedNormalInitializer.bert().initialize(LAYOUT, a, 5);
    TruncatedNormalInitializer.bert().initialize(LAYOUT, b, 5);
    assertArrayEquals(a, b);
    float[] c = new float[LAYOUT.size()];
    TruncatedNormalInitializer.bert().initialize(LAYOUT, c, 6);
    assertFalse(Arrays.equals(a, c));

    ParameterLayout bigger = ParameterLayout.builder()
        .add("extra.weight", ParameterLayout.BACKBONE, 7, 3)
        .add("encoder.layer.0.attention.self.query.weight", ParameterLayout.BACKBONE, 64, 64)
        .build();
    float[] d = new float[bigger.size()];
    TruncatedNormalInitializer.bert().initialize(bigger, d, 5);
    assertArrayEquals(slice(LAYOUT, a, "encoder.layer.0.attention.self.query.weight"),
        slice(bigger, d, "encoder.layer.0.attention.self.query.weight"), "another tensor does not move this one's values");
  }
}
