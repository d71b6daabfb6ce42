package dev.nlpm.runtime.parameters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParameterLayoutTest {

  private static ParameterLayout small() {
    return ParameterLayout.builder()
        .add("embed.weight", ParameterRole.EMBEDDING_TABLE, "backbone", 10, 4)
        .add("norm.weight", ParameterRole.NORM_GAIN, "backbone", 4)
        .add("head.bias", ParameterRole.BIAS, "lm_head", 10)
        .tied("head.weight", ParameterRole.EMBEDDING_TABLE, "lm_head", "embed.weight", 10, 4)
        .build();
  }

  @Test
  void offsetsFollowTheOrderAndTiedTensorsTakeNoStorage() {
    ParameterLayout layout = small();
    assertEquals(54, layout.size());
    assertEquals(40, layout.slot("norm.weight").orElseThrow().offset());
    assertEquals(44, layout.slot("head.bias").orElseThrow().offset());
    TensorSlot tied = layout.slot("head.weight").orElseThrow();
    assertEquals(0, tied.offset());
    assertEquals(Optional.of("embed.weight"), tied.tiedTo());
    assertEquals(0, tied.storage());
    assertEquals(List.of("backbone", "lm_head"), layout.groups());
    assertEquals(44, layout.count("backbone"));
    assertEquals(10, layout.count("lm_head"));
  }

  @Test
  void describeListsEveryTensorWithItsRoleAndTheTotals() {
    assertEquals(
        "name          shape       parameters  role       group\n"
            + "embed.weight  [10, 4]             40  embedding  backbone\n"
            + "norm.weight   [4]                  4  norm gain  backbone\n"
            + "head.bias     [10]                10  bias       lm_head\n"
            + "head.weight   [10, 4]           tied  embedding  lm_head (= embed.weight)\n"
            + "\n"
            + "backbone               44\n"
            + "lm_head                10\n"
            + "total                  54\n",
        small().describe());
  }

  @Test
  void everySlotKeepsTheRoleItWasGiven() {
    ParameterLayout layout = small();
    assertEquals(ParameterRole.EMBEDDING_TABLE, layout.slot("embed.weight").orElseThrow().role());
    assertEquals(ParameterRole.NORM_GAIN, layout.slot("norm.weight").orElseThrow().role());
    assertEquals(ParameterRole.BIAS, layout.slot("head.bias").orElseThrow().role());
    assertEquals(ParameterRole.EMBEDDING_TABLE, layout.slot("head.weight").orElseThrow().role());
  }

  @Test
  void badTablesAreRejectedWithTheTensorNamed() {
    ParameterLayout.Builder twice = ParameterLayout.builder().add("a", ParameterRole.WEIGHT, "backbone", 2);
    assertEquals(
        "tensor a is in the layout twice",
        assertThrows(IllegalArgumentException.class, () -> twice.add("a", ParameterRole.WEIGHT, "backbone", 3)).getMessage());
    assertEquals(
        "tensor b is tied to a, which is not in the layout (yet)",
        assertThrows(IllegalArgumentException.class, () -> ParameterLayout.builder().tied("b", ParameterRole.WEIGHT, "x", "a", 2)).getMessage());
    assertEquals(
        "tensor big ends at 4294967296, past what one float[] holds",
        assertThrows(IllegalArgumentException.class, () -> ParameterLayout.builder().add("big", ParameterRole.WEIGHT, "backbone", 65536, 65536)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ParameterLayout.builder().add("zero", ParameterRole.WEIGHT, "backbone", 0, 3));
    ParameterLayout.Builder sizes = ParameterLayout.builder().add("a", ParameterRole.WEIGHT, "backbone", 2, 3);
    assertThrows(IllegalArgumentException.class, () -> sizes.tied("b", ParameterRole.WEIGHT, "x", "a", 5));
  }
}
