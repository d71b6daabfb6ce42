package dev.nlpm.runtime.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParameterLayoutTest {

  private static ParameterLayout small() {
    return ParameterLayout.builder()
        .add("embed.weight", "backbone", 10, 4)
        .add("norm.weight", "backbone", 4)
        .add("head.bias", "lm_head", 10)
        .tied("head.weight", "lm_head", "embed.weight", 10, 4)
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
  void describeListsEveryTensorAndTheTotals() {
    assertEquals(
        "name          shape       parameters  group\n"
            + "embed.weight  [10, 4]             40  backbone\n"
            + "norm.weight   [4]                  4  backbone\n"
            + "head.bias     [10]                10  lm_head\n"
            + "head.weight   [10, 4]           tied  lm_head (= embed.weight)\n"
            + "\n"
            + "backbone               44\n"
            + "lm_head                10\n"
            + "total                  54\n",
        small().describe());
  }

  @Test
  void badTablesAreRejectedWithTheTensorNamed() {
    ParameterLayout.Builder twice = ParameterLayout.builder().add("a", "backbone", 2);
    assertEquals(
        "tensor a is in the layout twice",
        assertThrows(IllegalArgumentException.class, () -> twice.add("a", "backbone", 3)).getMessage());
    assertEquals(
        "tensor b is tied to a, which is not in the layout (yet)",
        assertThrows(IllegalArgumentException.class, () -> ParameterLayout.builder().tied("b", "x", "a", 2)).getMessage());
    assertEquals(
        "tensor big ends at 4294967296, past what one float[] holds",
        assertThrows(IllegalArgumentException.class, () -> ParameterLayout.builder().add("big", "backbone", 65536, 65536)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ParameterLayout.builder().add("zero", "backbone", 0, 3));
    ParameterLayout.Builder sizes = ParameterLayout.builder().add("a", "backbone", 2, 3);
    assertThrows(IllegalArgumentException.class, () -> sizes.tied("b", "x", "a", 5));
  }
}
