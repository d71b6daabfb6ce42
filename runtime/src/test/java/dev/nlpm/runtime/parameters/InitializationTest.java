package dev.nlpm.runtime.parameters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Weight decay by role, and BERT's initialization by role. */
class InitializationTest {

  @Test
  void matricesAndTablesDecayButBiasesAndNormsDoNot() {
    for (ParameterRole role : ParameterRole.values()) {
      boolean matrixOrTable = role == ParameterRole.WEIGHT || role == ParameterRole.EMBEDDING_TABLE
          || role == ParameterRole.OUTPUT_TABLE;
      assertEquals(matrixOrTable, role.decays(), role.toString());
    }
  }

  @Test
  void theSlotsRoleDecidesNotItsName() {
    // each name suggests another role than the slot has: the role wins
    ParameterLayout layout = ParameterLayout.builder()
        .add("a.bias", ParameterRole.NORM_GAIN, ParameterLayout.BACKBONE, 3)
        .add("b.LayerNorm.weight", ParameterRole.BIAS, ParameterLayout.BACKBONE, 3)
        .add("c.weight", ParameterRole.NORM_BIAS, ParameterLayout.BACKBONE, 3)
        .add("d.LayerNorm.bias", ParameterRole.WEIGHT, ParameterLayout.BACKBONE, 3)
        .add("layers.0.dec_attn.r_w_bias", ParameterRole.POSITION_BIAS, ParameterLayout.BACKBONE, 3)
        .add("syn1neg", ParameterRole.OUTPUT_TABLE, "output_layer", 3)
        .build();
    float[] p = new float[layout.size()];
    TruncatedNormalInitializer.bert().initialize(layout, p, 3);
    assertArrayEquals(new float[] {1, 1, 1}, slice(layout, p, "a.bias"));
    assertArrayEquals(new float[3], slice(layout, p, "b.LayerNorm.weight"));
    assertArrayEquals(new float[3], slice(layout, p, "c.weight"));
    for (String drawn : new String[] {"d.LayerNorm.bias", "layers.0.dec_attn.r_w_bias", "syn1neg"}) {
      for (float v : slice(layout, p, drawn)) {
        assertTrue(v != 0 && Math.abs(v) <= 0.04f, drawn + " is drawn: " + v);
      }
    }
  }

  private static final ParameterLayout LAYOUT =
      ParameterLayout.builder()
          .add("embeddings.word_embeddings.weight", ParameterRole.EMBEDDING_TABLE, ParameterLayout.BACKBONE, 500, 64)
          .add("embeddings.LayerNorm.weight", ParameterRole.NORM_GAIN, ParameterLayout.BACKBONE, 64)
          .add("embeddings.LayerNorm.bias", ParameterRole.NORM_BIAS, ParameterLayout.BACKBONE, 64)
          .add("encoder.layer.0.attention.self.query.weight", ParameterRole.WEIGHT, ParameterLayout.BACKBONE, 64, 64)
          .add("encoder.layer.0.attention.self.query.bias", ParameterRole.BIAS, ParameterLayout.BACKBONE, 64)
          .tied("cls.predictions.decoder.weight", ParameterRole.EMBEDDING_TABLE, "mlm_head", "embeddings.word_embeddings.weight", 500, 64)
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
        .add("extra.weight", ParameterRole.WEIGHT, ParameterLayout.BACKBONE, 7, 3)
        .add("encoder.layer.0.attention.self.query.weight", ParameterRole.WEIGHT, ParameterLayout.BACKBONE, 64, 64)
        .build();
    float[] d = new float[bigger.size()];
    TruncatedNormalInitializer.bert().initialize(bigger, d, 5);
    assertArrayEquals(slice(LAYOUT, a, "encoder.layer.0.attention.self.query.weight"),
        slice(bigger, d, "encoder.layer.0.attention.self.query.weight"), "another tensor does not move this one's values");
  }
}
