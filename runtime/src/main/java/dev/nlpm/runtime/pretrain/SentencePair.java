package dev.nlpm.runtime.pretrain;

import java.util.Arrays;

/**
 * {@code [CLS] A [SEP] B [SEP]} for next-sentence or sentence-order prediction.
 *
 * @param inputIds the ids
 * @param segmentIds 0 for {@code [CLS]}, A and the first {@code [SEP]}; 1 for B and the last
 * @param isNext whether B follows A in its document (the label: 0 when it does, 1 when not — a
 *     random B for NSP, A and B swapped for SOP)
 */
public record SentencePair(int[] inputIds, int[] segmentIds, boolean isNext) {

  public SentencePair {
    inputIds = inputIds.clone();
    segmentIds = segmentIds.clone();
  }

  @Override
  public int[] inputIds() {
    return inputIds.clone();
  }

  @Override
  public int[] segmentIds() {
    return segmentIds.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SentencePair p && isNext == p.isNext && Arrays.equals(inputIds, p.inputIds) && Arrays.equals(segmentIds, p.segmentIds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(inputIds) * 31 + Boolean.hashCode(isNext);
  }

  @Override
  public String toString() {
    return "SentencePair[" + Arrays.toString(inputIds) + ", segments " + Arrays.toString(segmentIds) + ", isNext " + isNext + "]";
  }
}
