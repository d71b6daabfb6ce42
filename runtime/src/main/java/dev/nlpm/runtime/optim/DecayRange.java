package dev.nlpm.runtime.optim;

import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import dev.nlpm.runtime.parameters.TensorSlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A run {@code [start, end)} of a flat parameter buffer and whether decoupled weight decay applies
 * to it: nlpm's form of PyTorch's two param groups (BERT, GPT-2 and the Transformer decay weights
 * but neither biases nor LayerNorm parameters). {@link AdamW} takes a list of them that covers its
 * buffer exactly, so that no parameter is left out by accident.
 *
 * @param start the first index
 * @param end one past the last index
 * @param decayed whether weight decay applies
 */
public record DecayRange(int start, int end, boolean decayed) {

  public DecayRange {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("a decay range needs 0 <= start < end, got [" + start + ", " + end + ")");
    }
  }

  /** The length of the range. */
  public int length() {
    return end - start;
  }

  /** The ranges of a per-element mask ({@code true}: decayed), neighbours with the same flag merged. */
  public static List<DecayRange> fromMask(boolean[] decayed) {
    if (decayed.length == 0) {
      throw new IllegalArgumentException("the decay mask is empty");
    }
    List<DecayRange> ranges = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= decayed.length; i++) {
      if (i == decayed.length || decayed[i] != decayed[start]) {
        ranges.add(new DecayRange(start, i, decayed[start]));
        start = i;
      }
    }
    return List.copyOf(ranges);
  }

  /**
   * The ranges of a model's layout: a tensor decays when its slot's {@link ParameterRole} does
   * (weights and tables, not biases and norms), neighbours with the same flag merged. Tied tensors have no storage of their own and
   * follow the tensor they are tied to.
   */
  public static List<DecayRange> fromLayout(ParameterLayout layout) {
    boolean[] decayed = new boolean[layout.size()];
    for (TensorSlot slot : layout.slots()) {
      if (slot.tiedTo().isEmpty() && slot.role().decays()) {
        Arrays.fill(decayed, slot.offset(), slot.offset() + slot.elements(), true);
      }
    }
    return fromMask(decayed);
  }
}
