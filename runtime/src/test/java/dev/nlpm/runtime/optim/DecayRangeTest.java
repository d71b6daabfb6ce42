package dev.nlpm.runtime.optim;

import static dev.nlpm.runtime.optim.AdamWTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecayRangeTest {

  @Test
  void aMaskBecomesMergedRuns() {
    assertEquals(List.of(new DecayRange(0, 2, true), new DecayRange(2, 3, false), new DecayRange(3, 5, true)),
        DecayRange.fromMask(new boolean[] {true, true, false, true, true}));
    assertEquals(List.of(new DecayRange(0, 3, false)), DecayRange.fromMask(new boolean[3]));
  }

  @Test
  void aLayoutDecaysWeightsButNotBiasesOrLayerNorms() {
    ParameterLayout layout = ParameterLayout.builder()
        .add("embeddings.word_embeddings.weight", ParameterRole.EMBEDDING_TABLE, ParameterLayout.BACKBONE, 5, 2)
        .add("embeddings.LayerNorm.weight", ParameterRole.NORM_GAIN, ParameterLayout.BACKBONE, 2)
        .add("embeddings.LayerNorm.bias", ParameterRole.NORM_BIAS, ParameterLayout.BACKBONE, 2)
        .add("encoder.layer.0.output.dense.weight", ParameterRole.WEIGHT, ParameterLayout.BACKBONE, 2, 2)
        .add("encoder.layer.0.output.dense.bias", ParameterRole.BIAS, ParameterLayout.BACKBONE, 2)
        .add("cls.predictions.transform.dense.weight", ParameterRole.WEIGHT, "mlm", 2, 2)
        .tied("cls.predictions.decoder.weight", ParameterRole.EMBEDDING_TABLE, "mlm", "embeddings.word_embeddings.weight", 5, 2)
        .add("cls.predictions.bias", ParameterRole.BIAS, "mlm", 5)
        .build();
    assertEquals(List.of(new DecayRange(0, 10, true), new DecayRange(10, 14, false), new DecayRange(14, 18, true),
            new DecayRange(18, 20, false), new DecayRange(20, 24, true), new DecayRange(24, 29, false)),
        DecayRange.fromLayout(layout));
  }

  @Test
  void theSlotsRoleDecidesNotItsName() {
    ParameterLayout layout = ParameterLayout.builder()
        .add("a.bias", ParameterRole.WEIGHT, ParameterLayout.BACKBONE, 2)
        .add("b.weight", ParameterRole.NORM_GAIN, ParameterLayout.BACKBONE, 3)
        .add("layers.0.dec_attn.r_w_bias", ParameterRole.POSITION_BIAS, ParameterLayout.BACKBONE, 4)
        .add("syn1neg", ParameterRole.OUTPUT_TABLE, "output_layer", 5)
        .build();
    assertEquals(List.of(new DecayRange(0, 2, true), new DecayRange(2, 9, false), new DecayRange(9, 14, true)),
        DecayRange.fromLayout(layout));
  }

  @Test
  void rejectsEmptyOrNegativeRanges() {
    assertMessage("0 <= start < end, got [3, 3)", () -> new DecayRange(3, 3, true));
    assertMessage("got [-1, 3)", () -> new DecayRange(-1, 3, true));
    assertMessage("decay mask is empty", () -> DecayRange.fromMask(new boolean[0]));
  }
}
