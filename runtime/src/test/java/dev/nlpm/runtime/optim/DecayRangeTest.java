package dev.nlpm.runtime.optim;

import static dev.nlpm.runtime.optim.AdamWTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.runtime.layout.ParameterLayout;
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
        .add("embeddings.word_embeddings.weight", ParameterLayout.BACKBONE, 5, 2)
        .add("embeddings.LayerNorm.weight", ParameterLayout.BACKBONE, 2)
        .add("embeddings.LayerNorm.bias", ParameterLayout.BACKBONE, 2)
        .add("encoder.layer.0.output.dense.weight", ParameterLayout.BACKBONE, 2, 2)
        .add("encoder.layer.0.output.dense.bias", ParameterLayout.BACKBONE, 2)
        .add("cls.predictions.transform.dense.weight", "mlm", 2, 2)
        .tied("cls.predictions.decoder.weight", "mlm", "embeddings.word_embeddings.weight", 5, 2)
        .add("cls.predictions.bias", "mlm", 5)
        .build();
    assertEquals(List.of(new DecayRange(0, 10, true), new DecayRange(10, 14, false), new DecayRange(14, 18, true),
            new DecayRange(18, 20, false), new DecayRange(20, 24, true), new DecayRange(24, 29, false)),
        DecayRange.fromLayout(layout));
  }

  @Test
  void rejectsEmptyOrNegativeRanges() {
    assertMessage("0 <= start < end, got [3, 3)", () -> new DecayRange(3, 3, true));
    assertMessage("got [-1, 3)", () -> new DecayRange(-1, 3, true));
    assertMessage("decay mask is empty", () -> DecayRange.fromMask(new boolean[0]));
  }
}
