package dev.nlpm.runtime.pretrain;

import java.util.Arrays;

/**
 * One example prepared for the masked-language-model loss.
 *
 * @param inputIds the ids the model reads: chosen positions replaced by {@code [MASK]}, a random
 *     token, or left as they were
 * @param labels the original id at each chosen position, {@link #IGNORED} everywhere else
 */
public record MaskedExample(int[] inputIds, int[] labels) {

  /** The label of a position the loss does not count (PyTorch's {@code ignore_index}). */
  public static final int IGNORED = -100;

  public MaskedExample {
    inputIds = inputIds.clone();
    labels = labels.clone();
    if (inputIds.length != labels.length) {
      throw new IllegalArgumentException(inputIds.length + " ids but " + labels.length + " labels");
    }
  }

  @Override
  public int[] inputIds() {
    return inputIds.clone();
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  /** The positions the loss counts. */
  public int[] predicted() {
    return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] != IGNORED).toArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaskedExample m && Arrays.equals(inputIds, m.inputIds) && Arrays.equals(labels, m.labels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(inputIds) * 31 + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "MaskedExample[inputIds=" + Arrays.toString(inputIds) + ", labels=" + Arrays.toString(labels) + "]";
  }
}
