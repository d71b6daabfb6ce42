package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.ops.CrossEntropy;
import java.util.Arrays;

/**
 * One batch for an encoder: {@code batch} sequences of {@code length} positions, row {@code r =
 * b·length + t}; sequence {@code b}'s real tokens are its first {@code lengths[b]} positions, the
 * rest padding that attention ignores.
 *
 * @param mlmLabels per position the token to predict there, or {@link #IGNORED}; null for none
 * @param nspLabels per sequence 0 (B follows A) or 1 (B is random), as BERT's checkpoints encode
 *     it; null for none
 * @param sequenceLabels per sequence its class, for a sequence-classification head; null for none
 * @param tokenLabels per position its class or {@link #IGNORED}; null for none
 */
public record EncoderBatch(
    int batch, int length, int[] ids, int[] segments, int[] lengths, int[] mlmLabels, int[] nspLabels,
    int[] sequenceLabels, int[] tokenLabels) {

  /** A label that is not counted. */
  public static final int IGNORED = CrossEntropy.IGNORED;

  public EncoderBatch {
    if (batch <= 0 || length <= 0) {
      throw new IllegalArgumentException("a batch needs at least one sequence of one position, got " + batch + " × " + length);
    }
    int rows = batch * length;
    requireLength("ids", ids, rows);
    requireLength("segments", segments, rows);
    requireLength("lengths", lengths, batch);
    for (int b = 0; b < batch; b++) {
      if (lengths[b] < 1 || lengths[b] > length) {
        throw new IllegalArgumentException("sequence " + b + " has length " + lengths[b] + ", outside 1.." + length);
      }
    }
    if (mlmLabels != null) {
      requireLength("mlmLabels", mlmLabels, rows);
    }
    if (nspLabels != null) {
      requireLength("nspLabels", nspLabels, batch);
    }
    if (sequenceLabels != null) {
      requireLength("sequenceLabels", sequenceLabels, batch);
    }
    if (tokenLabels != null) {
      requireLength("tokenLabels", tokenLabels, rows);
    }
  }

  /** A batch for inference: ids and segments only. */
  public static EncoderBatch of(int batch, int length, int[] ids, int[] segments, int[] lengths) {
    return new EncoderBatch(batch, length, ids, segments, lengths, null, null, null, null);
  }

  public int rows() {
    return batch * length;
  }

  /** The positions whose MLM label is counted, in row order. */
  public int[] mlmPositions() {
    if (mlmLabels == null) {
      return new int[0];
    }
    return java.util.stream.IntStream.range(0, mlmLabels.length).filter(r -> mlmLabels[r] != IGNORED).toArray();
  }

  private static void requireLength(String name, int[] array, int expected) {
    if (array == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    if (array.length != expected) {
      throw new IllegalArgumentException(name + " has " + array.length + " entries, expected " + expected);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncoderBatch other && batch == other.batch && length == other.length
        && Arrays.equals(ids, other.ids) && Arrays.equals(segments, other.segments) && Arrays.equals(lengths, other.lengths)
        && Arrays.equals(mlmLabels, other.mlmLabels) && Arrays.equals(nspLabels, other.nspLabels)
        && Arrays.equals(sequenceLabels, other.sequenceLabels) && Arrays.equals(tokenLabels, other.tokenLabels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ids) * 31 + Arrays.hashCode(lengths);
  }

  @Override
  public String toString() {
    return "EncoderBatch[" + batch + " × " + length + "]";
  }
}
