package dev.nlpm.runtime.text.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplittingAndPackingTest {

  @Test
  void heldOutSplitIsReproducibleSeedDependentAndNearTheFraction() {
    HeldOutSplit a = HeldOutSplit.of(1, 0.1);
    HeldOutSplit again = HeldOutSplit.of(1, 0.1);
    HeldOutSplit other = HeldOutSplit.of(2, 0.1);
    int heldOut = 0;
    int differ = 0;
    for (long i = 0; i < 100_000; i++) {
      assertEquals(a.isHeldOut(i), again.isHeldOut(i));
      heldOut += a.isHeldOut(i) ? 1 : 0;
      differ += a.isHeldOut(i) != other.isHeldOut(i) ? 1 : 0;
    }
    assertTrue(Math.abs(heldOut - 10_000) < 400, "held out " + heldOut + " of 100,000");
    assertTrue(differ > 15_000, "another seed holds out other examples: " + differ);
    assertEquals(0, IntStream.range(0, 1000).filter(i -> HeldOutSplit.of(3, 0).isHeldOut(i)).count());
  }

  @Test
  void permutationsAreReproduciblePerEpochAndArePermutations() {
    int[] p = Shuffling.permutation(1000, 42, 0);
    assertArrayEquals(p, Shuffling.permutation(1000, 42, 0));
    assertNotEquals(Arrays.toString(p), Arrays.toString(Shuffling.permutation(1000, 42, 1)));
    assertNotEquals(Arrays.toString(p), Arrays.toString(Shuffling.permutation(1000, 43, 0)));
    assertArrayEquals(IntStream.range(0, 1000).toArray(), Arrays.stream(p).sorted().toArray());
  }

  @Test
  void theShuffleBufferEmitsEveryItemOnceReproducibly() {
    List<Integer> out = shuffled(7);
    assertEquals(out, shuffled(7));
    assertNotEquals(out, shuffled(8));
    assertNotEquals(IntStream.range(0, 500).boxed().toList(), out);
    assertEquals(IntStream.range(0, 500).boxed().toList(), out.stream().sorted().toList());
  }

  private static List<Integer> shuffled(long seed) {
    List<Integer> out = new ArrayList<>();
    Shuffling.Buffer<Integer> buffer = new Shuffling.Buffer<>(64, seed, out::add);
    IntStream.range(0, 500).forEach(buffer::add);
    buffer.flush();
    return out;
  }

  @Test
  void blocksHoldEveryIdInOrderWithTheSeparatorsAndShareOneIdBetweenBlocks() {
    List<int[]> blocks = new ArrayList<>();
    BlockPacker packer = new BlockPacker(4, 99, blocks::add);
    packer.add(new int[] {1, 2, 3});
    packer.add(new int[] {4, 5, 6, 7, 8});
    packer.add(new int[] {9});
    assertEquals(0, packer.finish(-1), "the remainder is dropped");
    assertEquals(2, blocks.size());
    assertArrayEquals(new int[] {1, 2, 3, 99, 4}, blocks.get(0));
    assertArrayEquals(new int[] {4, 5, 6, 7, 8}, blocks.get(1));
  }

  @Test
  void aPartialLastBlockIsPaddedWhenAPadIdIsGiven() {
    List<int[]> blocks = new ArrayList<>();
    BlockPacker packer = new BlockPacker(3, -1, blocks::add);
    packer.add(new int[] {1, 2, 3, 4, 5, 6});
    assertEquals(1, packer.finish(0));
    assertArrayEquals(new int[] {1, 2, 3, 4}, blocks.get(0));
    assertArrayEquals(new int[] {4, 5, 6, 0}, blocks.get(1));
  }

  @Test
  void packingIsExactOverManyDocuments() {
    List<int[]> blocks = new ArrayList<>();
    BlockPacker packer = new BlockPacker(7, -1, blocks::add);
    int next = 0;
    java.util.Random random = new java.util.Random(5);
    for (int d = 0; d < 200; d++) {
      int[] doc = new int[random.nextInt(20)];
      for (int i = 0; i < doc.length; i++) {
        doc[i] = next++;
      }
      packer.add(doc);
    }
    packer.finish(-1);
    int expected = 0;
    for (int[] block : blocks) {
      assertEquals(8, block.length);
      for (int i = 0; i < 8; i++) {
        assertEquals(expected + i, block[i]);
      }
      expected += 7;
    }
    assertTrue(next - expected < 8, "only the remainder is dropped");
  }
}
