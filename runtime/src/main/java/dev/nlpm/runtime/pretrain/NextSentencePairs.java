package dev.nlpm.runtime.pretrain;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds next-sentence-prediction pairs as BERT's {@code create_pretraining_data.py} does, one
 * segment a side: A is a segment of a document; half the time B is the segment after it (a
 * true next), otherwise a segment drawn from another document. The pair is cut to fit the
 * maximum length by removing one token at a time from the longer side, at its front or its back
 * with even odds.
 */
public final class NextSentencePairs {

  private final int clsId;
  private final int sepId;
  private final int maxLength;

  /** @param maxLength the most ids in a pair, the three special tokens included */
  public NextSentencePairs(int clsId, int sepId, int maxLength) {
    if (maxLength < 5) {
      throw new IllegalArgumentException("a pair needs room for [CLS], [SEP], [SEP] and a token each side; maxLength " + maxLength);
    }
    this.clsId = clsId;
    this.sepId = sepId;
    this.maxLength = maxLength;
  }

  /**
   * The pair whose A is segment {@code index} of document {@code document}.
   *
   * @param documents each document its segments (sentences) as token ids, in order
   * @throws IllegalArgumentException if {@code index} is the document's last segment (it has no
   *     next), a segment is empty, or there is only one document to draw a random B from
   */
  public SentencePair pair(List<List<int[]>> documents, int document, int index, SplittableRandom random) {
    if (documents.size() < 2) {
      throw new IllegalArgumentException("next-sentence prediction needs two documents or more to draw random segments from");
    }
    List<int[]> segments = documents.get(document);
    if (index < 0 || index + 1 >= segments.size()) {
      throw new IllegalArgumentException(
          "segment " + index + " of document " + document + " has no next segment (the document has " + segments.size() + ")");
    }
    int[] a = segments.get(index);
    boolean isNext = random.nextDouble() >= 0.5;
    int[] b;
    if (isNext) {
      b = segments.get(index + 1);
    } else {
      int other = random.nextInt(documents.size() - 1);
      if (other >= document) {
        other++;
      }
      List<int[]> from = documents.get(other);
      b = from.get(random.nextInt(from.size()));
    }
    if (a.length == 0 || b.length == 0) {
      throw new IllegalArgumentException("an empty segment in document " + document + " or the one drawn for B");
    }
    return assemble(clsId, sepId, maxLength, a, b, isNext, random);
  }

  /**
   * {@code [CLS] A [SEP] B [SEP]} with segment ids 0 then 1, cut to {@code maxLength} by removing
   * one token at a time from the longer side, at its front or its back with even odds (shared with
   * {@link SentenceOrderPairs}).
   */
  static SentencePair assemble(int clsId, int sepId, int maxLength, int[] a, int[] b, boolean isNext, SplittableRandom random) {
    int aFrom = 0;
    int aTo = a.length;
    int bFrom = 0;
    int bTo = b.length;
    while ((aTo - aFrom) + (bTo - bFrom) > maxLength - 3) {
      boolean cutA = aTo - aFrom > bTo - bFrom;
      boolean front = random.nextDouble() < 0.5;
      if (cutA) {
        if (front) {
          aFrom++;
        } else {
          aTo--;
        }
      } else if (front) {
        bFrom++;
      } else {
        bTo--;
      }
    }
    int aLength = aTo - aFrom;
    int bLength = bTo - bFrom;
    int[] ids = new int[aLength + bLength + 3];
    int[] segmentIds = new int[ids.length];
    ids[0] = clsId;
    System.arraycopy(a, aFrom, ids, 1, aLength);
    ids[1 + aLength] = sepId;
    System.arraycopy(b, bFrom, ids, 2 + aLength, bLength);
    ids[ids.length - 1] = sepId;
    for (int i = 2 + aLength; i < ids.length; i++) {
      segmentIds[i] = 1;
    }
    return new SentencePair(ids, segmentIds, isNext);
  }
}
