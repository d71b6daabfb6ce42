package dev.nlpm.runtime.pretrain;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds sentence-order-prediction pairs as ALBERT does: A is a segment of a document and B the
 * segment after it; half the time the two are swapped. The pair's {@link SentencePair#isNext} is
 * whether they are in order, so its label (0 in order, 1 swapped, as ALBERT's {@code
 * sentence_order_label}) is the same as next-sentence prediction's. Both negatives and positives
 * come from one document, so unlike {@link NextSentencePairs} no other document is drawn; the pair
 * is cut to fit as there.
 */
public final class SentenceOrderPairs {

  private final int clsId;
  private final int sepId;
  private final int maxLength;

  /** @param maxLength the most ids in a pair, the three special tokens included */
  public SentenceOrderPairs(int clsId, int sepId, int maxLength) {
    if (maxLength < 5) {
      throw new IllegalArgumentException("a pair needs room for [CLS], [SEP], [SEP] and a token each side; maxLength " + maxLength);
    }
    this.clsId = clsId;
    this.sepId = sepId;
    this.maxLength = maxLength;
  }

  /**
   * The pair of segments {@code index} and {@code index + 1} of document {@code document}, in
   * order or (with even odds) swapped.
   *
   * @throws IllegalArgumentException if {@code index} is the document's last segment, or either
   *     segment is empty
   */
  public SentencePair pair(List<List<int[]>> documents, int document, int index, SplittableRandom random) {
    List<int[]> segments = documents.get(document);
    if (index < 0 || index + 1 >= segments.size()) {
      throw new IllegalArgumentException(
          "segment " + index + " of document " + document + " has no next segment (the document has " + segments.size() + ")");
    }
    int[] first = segments.get(index);
    int[] second = segments.get(index + 1);
    if (first.length == 0 || second.length == 0) {
      throw new IllegalArgumentException("an empty segment at " + index + " or " + (index + 1) + " of document " + document);
    }
    boolean inOrder = random.nextDouble() >= 0.5;
    return inOrder
        ? NextSentencePairs.assemble(clsId, sepId, maxLength, first, second, true, random)
        : NextSentencePairs.assemble(clsId, sepId, maxLength, second, first, false, random);
  }
}
