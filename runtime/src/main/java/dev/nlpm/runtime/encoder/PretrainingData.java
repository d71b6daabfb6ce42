package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.pretrain.ExampleRandom;
import dev.nlpm.runtime.pretrain.MaskedExample;
import dev.nlpm.runtime.pretrain.Masking;
import dev.nlpm.runtime.pretrain.MlmMasker;
import dev.nlpm.runtime.pretrain.NextSentencePairs;
import dev.nlpm.runtime.pretrain.SentenceOrderPairs;
import dev.nlpm.runtime.pretrain.SentencePair;
import dev.nlpm.runtime.text.corpus.Shuffling;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pretraining examples from tokenized documents, each a list of segments (sentences) of token
 * ids without special tokens. Example {@code e} starts at one segment: with NSP it is {@code
 * [CLS] A [SEP] B [SEP]} ({@link NextSentencePairs}), with SOP the same of A and the segment after
 * it, in order or swapped ({@link SentenceOrderPairs}); without a pair objective, {@code [CLS] A
 * [SEP]} with A as many whole segments from its start as fit. Then MLM masking ({@link MlmMasker}).
 *
 * <p>Every draw for an example comes from {@link ExampleRandom} of (seed, example, epoch — or 0
 * under static masking), and an epoch's order is a seeded permutation: a batch is a function of
 * (seed, epoch, position) alone, which is what lets a resumed run continue exactly.
 */
public final class PretrainingData {

  /** The pair objective the examples are made for. */
  public enum Pairs {
    /** Single segments, {@code [CLS] A [SEP]}. */
    NONE,
    /** Next-sentence prediction: B the next segment or one from another document. */
    NEXT_SENTENCE,
    /** Sentence-order prediction: A and its next segment, in order or swapped. */
    SENTENCE_ORDER
  }

  private final List<List<int[]>> documents;
  private final int[] exampleDocument;
  private final int[] exampleSegment;
  private final int maxLength;
  private final boolean nsp;
  private final MlmMasker masker;
  private final Masking masking;
  private final Pairs pairKind;
  private final NextSentencePairs nextSentences;
  private final SentenceOrderPairs sentenceOrders;
  private final int clsId;
  private final int sepId;
  private final int padId;
  private final long seed;

  /** Examples for NSP ({@code nsp}) or for no pair objective. */
  public PretrainingData(List<List<int[]>> documents, int maxLength, boolean nsp, MlmMasker masker, Masking masking,
      int clsId, int sepId, int padId, long seed) {
    this(documents, maxLength, nsp ? Pairs.NEXT_SENTENCE : Pairs.NONE, masker, masking, clsId, sepId, padId, seed);
  }

  public PretrainingData(List<List<int[]>> documents, int maxLength, Pairs pairs, MlmMasker masker, Masking masking,
      int clsId, int sepId, int padId, long seed) {
    this.documents = List.copyOf(documents);
    this.maxLength = maxLength;
    this.pairKind = java.util.Objects.requireNonNull(pairs, "pairs");
    this.nsp = pairs != Pairs.NONE;
    this.masker = masker;
    this.masking = masking;
    this.clsId = clsId;
    this.sepId = sepId;
    this.padId = padId;
    this.seed = seed;
    this.nextSentences = pairs == Pairs.NEXT_SENTENCE ? new NextSentencePairs(clsId, sepId, maxLength) : null;
    this.sentenceOrders = pairs == Pairs.SENTENCE_ORDER ? new SentenceOrderPairs(clsId, sepId, maxLength) : null;
    if (maxLength < 3) {
      throw new IllegalArgumentException("maxLength must leave room for [CLS], [SEP] and a token, got " + maxLength);
    }
    List<int[]> starts = new ArrayList<>();
    for (int d = 0; d < documents.size(); d++) {
      List<int[]> segments = documents.get(d);
      int usable = nsp ? segments.size() - 1 : segments.size();
      for (int s = 0; s < usable; s++) {
        if (segments.get(s).length > 0 && (!nsp || segments.get(s + 1).length > 0)) {
          starts.add(new int[] {d, s});
        }
      }
    }
    if (starts.isEmpty()) {
      throw new IllegalArgumentException(nsp ? "no document has two non-empty segments in a row to pair" : "the documents have no tokens");
    }
    if (pairs == Pairs.NEXT_SENTENCE && documents.size() < 2) {
      throw new IllegalArgumentException("next-sentence prediction needs at least two documents to draw random segments from");
    }
    exampleDocument = starts.stream().mapToInt(s -> s[0]).toArray();
    exampleSegment = starts.stream().mapToInt(s -> s[1]).toArray();
  }

  /** Examples in one epoch. */
  public int examples() {
    return exampleDocument.length;
  }

  public int maxLength() {
    return maxLength;
  }

  /** Epoch {@code epoch}'s order of the examples. */
  public int[] order(int epoch) {
    return Shuffling.permutation(examples(), seed, epoch);
  }

  /**
   * A labelled batch of the given examples drawn in {@code epoch}, padded to its longest
   * sequence.
   */
  public EncoderBatch batch(int[] examples, int epoch) {
    int b = examples.length;
    int[][] ids = new int[b][];
    int[][] segments = new int[b][];
    int[][] labels = new int[b][];
    int[] nspLabels = nsp ? new int[b] : null;
    int longest = 0;
    for (int i = 0; i < b; i++) {
      int e = examples[i];
      long drawEpoch = masking.drawEpoch(epoch);
      SplittableRandom random = ExampleRandom.of(seed, e, drawEpoch);
      int[] sequence;
      int[] segment;
      if (nsp) {
        SentencePair pair = pairKind == Pairs.NEXT_SENTENCE
            ? nextSentences.pair(documents, exampleDocument[e], exampleSegment[e], random)
            : sentenceOrders.pair(documents, exampleDocument[e], exampleSegment[e], random);
        sequence = pair.inputIds();
        segment = pair.segmentIds();
        nspLabels[i] = pair.isNext() ? 0 : 1;
      } else {
        sequence = single(exampleDocument[e], exampleSegment[e]);
        segment = new int[sequence.length];
      }
      MaskedExample masked = masker.mask(sequence, random);
      ids[i] = masked.inputIds();
      labels[i] = masked.labels();
      segments[i] = segment;
      longest = Math.max(longest, sequence.length);
    }
    int[] flatIds = new int[b * longest];
    int[] flatSegments = new int[b * longest];
    int[] flatLabels = new int[b * longest];
    int[] lengths = new int[b];
    Arrays.fill(flatIds, padId);
    Arrays.fill(flatLabels, EncoderBatch.IGNORED);
    for (int i = 0; i < b; i++) {
      lengths[i] = ids[i].length;
      System.arraycopy(ids[i], 0, flatIds, i * longest, ids[i].length);
      System.arraycopy(segments[i], 0, flatSegments, i * longest, ids[i].length);
      System.arraycopy(labels[i], 0, flatLabels, i * longest, ids[i].length);
    }
    return new EncoderBatch(b, longest, flatIds, flatSegments, lengths, flatLabels, nspLabels, null, null);
  }

  /** {@code [CLS]} + whole segments from {@code start} while they fit (the first cut to fit) + {@code [SEP]}. */
  private int[] single(int document, int start) {
    List<int[]> segments = documents.get(document);
    int room = maxLength - 2;
    int[] out = new int[maxLength];
    int n = 0;
    out[n++] = clsId;
    for (int s = start; s < segments.size(); s++) {
      int[] segment = segments.get(s);
      if (n - 1 + segment.length > room) {
        if (s == start) {
          System.arraycopy(segment, 0, out, n, room);
          n += room;
        }
        break;
      }
      System.arraycopy(segment, 0, out, n, segment.length);
      n += segment.length;
    }
    out[n++] = sepId;
    return Arrays.copyOf(out, n);
  }

  /**
   * The micro-batches of a run: epoch after epoch, each in its own order, {@code size} examples a
   * batch (an epoch's last incomplete batch is dropped).
   */
  public EncoderTrainer.Batches batches(int size) {
    if (size <= 0 || size > examples()) {
      throw new IllegalArgumentException("batch size " + size + " must be between 1 and the " + examples() + " examples");
    }
    int perEpoch = examples() / size;
    int[][] cachedOrder = new int[1][];
    int[] cachedEpoch = {-1};
    return k -> {
      int epoch = Math.toIntExact(k / perEpoch);
      int index = (int) (k % perEpoch);
      if (cachedEpoch[0] != epoch) {
        cachedOrder[0] = order(epoch);
        cachedEpoch[0] = epoch;
      }
      return batch(Arrays.copyOfRange(cachedOrder[0], index * size, (index + 1) * size), epoch);
    };
  }
}
