package dev.nlpm.runtime.text.wordpiece;

import java.util.Arrays;

/**
 * A model input built from one or two segments: {@code [CLS] A [SEP]} or {@code [CLS] A [SEP] B
 * [SEP]}, with the segment (token type) of each position: 0 up to and including the first
 * {@code [SEP]}, 1 after it.
 *
 * @param ids the token ids
 * @param segmentIds 0 or 1 per position, as many as {@code ids}
 */
public record PairEncoding(int[] ids, int[] segmentIds) {

  public PairEncoding {
    if (ids.length != segmentIds.length) {
      throw new IllegalArgumentException(
          "ids and segmentIds differ in length: " + ids.length + " and " + segmentIds.length);
    }
    ids = ids.clone();
    segmentIds = segmentIds.clone();
  }

  /** The ids, a fresh copy. */
  @Override
  public int[] ids() {
    return ids.clone();
  }

  /** The segment ids, a fresh copy. */
  @Override
  public int[] segmentIds() {
    return segmentIds.clone();
  }

  public int length() {
    return ids.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PairEncoding p
        && Arrays.equals(ids, p.ids)
        && Arrays.equals(segmentIds, p.segmentIds);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ids) + Arrays.hashCode(segmentIds);
  }

  @Override
  public String toString() {
    return "PairEncoding[ids=" + Arrays.toString(ids) + ", segmentIds=" + Arrays.toString(segmentIds) + "]";
  }
}
