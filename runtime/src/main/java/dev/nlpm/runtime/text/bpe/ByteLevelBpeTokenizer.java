package dev.nlpm.runtime.text.bpe;

import dev.nlpm.runtime.text.Encoding;
import dev.nlpm.runtime.text.Tokenizer;
import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2's byte-level BPE, as OpenAI's {@code encoder.py} does it: the text is split by {@link
 * Gpt2PreTokenizer}, each piece's UTF-8 bytes become one symbol each ({@link ByteLevelAlphabet}),
 * and the lowest-ranked adjacent pair is merged, all its occurrences left to right, until no pair
 * has a rank. Any valid Unicode text encodes, and {@link #decode} gives it back exactly.
 *
 * <p>{@link #encode} treats the text literally, as the reference does: {@code <|endoftext|>} in
 * the text is ordinary characters. {@link #withSpecialTokens} gives a tokenizer that recognizes
 * the listed tokens in text instead (what HuggingFace calls added tokens).
 *
 * <p>Offsets: a token made of some of the bytes of a character (a piece of an emoji, say) spans
 * that whole character, so consecutive tokens may share a range.
 *
 * <p>Immutable and safe to share between threads; pieces already seen are cached, as in the
 * reference, up to {@value #CACHE_CAPACITY} of them.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {

  static final int CACHE_CAPACITY = 1 << 17;

  private final Vocabulary vocabulary;
  private final List<Merge> merges;
  /** (left id << 32 | right id) -> rank << 32 | merged id. */
  private final Map<Long, Long> ranks;
  private final int[] byteIds;
  private final List<String> specialTokens;
  private final int[] specialIds;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  private ByteLevelBpeTokenizer(
      Vocabulary vocabulary, List<Merge> merges, List<String> specialTokens) {
    this.vocabulary = vocabulary;
    this.merges = List.copyOf(merges);
    this.byteIds = new int[256];
    for (int b = 0; b < 256; b++) {
      String symbol = String.valueOf(ByteLevelAlphabet.symbol(b));
      byteIds[b] = vocabulary.idOrMinusOne(symbol);
      if (byteIds[b] < 0) {
        throw new IllegalArgumentException(
            "the vocabulary lacks the symbol " + BpeFiles.quote(symbol) + " of byte " + b);
      }
    }
    this.ranks = new HashMap<>(merges.size() * 2);
    for (int rank = 0; rank < merges.size(); rank++) {
      Merge m = merges.get(rank);
      int left = require(m.left());
      int right = require(m.right());
      int merged = require(m.merged());
      ranks.putIfAbsent(pair(left, right), ((long) rank << 32) | merged);
    }
    List<String> specials = new ArrayList<>(specialTokens);
    specials.sort(Comparator.comparingInt(String::length).reversed()); // longest match first
    this.specialTokens = List.copyOf(specials);
    this.specialIds = specials.stream().mapToInt(this::require).toArray();
  }

  /** A tokenizer over this vocabulary and these merges, in rank order. */
  public static ByteLevelBpeTokenizer of(Vocabulary vocabulary, List<Merge> merges) {
    return new ByteLevelBpeTokenizer(vocabulary, merges, List.of());
  }

  /** Reads {@code vocab.json} and {@code merges.txt}; see {@link BpeFiles}. */
  public static ByteLevelBpeTokenizer fromFiles(Path vocabJson, Path mergesTxt) throws IOException {
    Vocabulary vocabulary = BpeFiles.readVocabJson(vocabJson);
    return of(vocabulary, BpeFiles.readMergesTxt(mergesTxt, vocabulary));
  }

  /** Reads {@code vocab.json} and {@code merges.txt} from a folder. */
  public static ByteLevelBpeTokenizer fromDirectory(Path dir) throws IOException {
    return fromFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
  }

  /** Writes {@code vocab.json} and {@code merges.txt} into {@code dir}, each atomically. */
  public void writeTo(Path dir) throws IOException {
    BpeFiles.writeVocabJson(vocabulary, dir.resolve("vocab.json"));
    BpeFiles.writeMergesTxt(merges, dir.resolve("merges.txt"));
  }

  /**
   * This tokenizer, but recognizing each of {@code tokens} (which must be in the vocabulary) where
   * it occurs in text and giving it its id, the longest first where they overlap.
   */
  public ByteLevelBpeTokenizer withSpecialTokens(Collection<String> tokens) {
    return new ByteLevelBpeTokenizer(vocabulary, merges, List.copyOf(tokens));
  }

  /** The id of a token, such as {@code <|endoftext|>}. */
  public int id(String token) {
    return require(token);
  }

  public List<Merge> merges() {
    return merges;
  }

  @Override
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public int[] encodeIds(String text) {
    ByteLevelAlphabet.checkNoLoneSurrogate(text);
    IntList ids = new IntList(text.length() / 3 + 4);
    forEachSegment(
        text,
        (from, to) ->
            Gpt2PreTokenizer.split(text.substring(from, to), (s, e) -> ids.addAll(bpe(text.substring(from + s, from + e)))),
        ids::add);
    return ids.toArray();
  }

  @Override
  public Encoding encode(String text) {
    ByteLevelAlphabet.checkNoLoneSurrogate(text);
    IntList ids = new IntList(16);
    IntList starts = new IntList(16);
    IntList ends = new IntList(16);
    List<String> tokens = new ArrayList<>();
    int[] segmentStart = new int[1];
    forEachSegment(
        text,
        (from, to) ->
            Gpt2PreTokenizer.split(
                text.substring(from, to),
                (s, e) -> addPiece(text, from + s, from + e, ids, tokens, starts, ends)),
        id -> {
          ids.add(id);
          tokens.add(vocabulary.token(id));
          starts.add(segmentStart[0]);
          ends.add(segmentStart[0]);
        },
        segmentStart);
    return Encoding.of(ids.toArray(), tokens, starts.toArray(), ends.toArray());
  }

  /**
   * The text of {@code ids}. Bytes that are not valid UTF-8 become U+FFFD exactly as the reference's
   * {@code errors="replace"} does (one per maximal ill-formed subpart), which Java's own decoder
   * does not always match.
   */
  @Override
  public String decode(int[] ids) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(ids.length * 4);
    for (int id : ids) {
      String token = vocabulary.token(id);
      for (int i = 0; i < token.length(); i++) {
        int b = ByteLevelAlphabet.byteOf(token.charAt(i));
        if (b < 0) {
          throw new IllegalArgumentException(
              "token " + id + " " + BpeFiles.quote(token) + " holds a character that stands for no byte");
        }
        bytes.write(b);
      }
    }
    byte[] utf8 = bytes.toByteArray();
    return ReplacingUtf8.decode(utf8, utf8.length);
  }

  private void addPiece(
      String text, int start, int end, IntList ids, List<String> tokens, IntList starts, IntList ends) {
    int[] pieceIds = bpe(text.substring(start, end));
    // For each byte of the piece's UTF-8, the char range of the character it belongs to.
    IntList byteStart = new IntList(end - start + 4);
    IntList byteEnd = new IntList(end - start + 4);
    for (int i = start; i < end; ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (int k = 0; k < n; k++) {
        byteStart.add(i);
        byteEnd.add(next);
      }
      i = next;
    }
    int b = 0;
    for (int id : pieceIds) {
      String token = vocabulary.token(id);
      ids.add(id);
      tokens.add(token);
      starts.add(byteStart.get(b));
      b += token.length(); // one symbol per byte
      ends.add(byteEnd.get(b - 1));
    }
  }

  /** The ids of one pre-tokenized piece, merged by rank; cached. */
  private int[] bpe(String piece) {
    int[] cached = cache.get(piece);
    if (cached != null) {
      return cached;
    }
    byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
    int[] word = new int[utf8.length];
    for (int i = 0; i < utf8.length; i++) {
      word[i] = byteIds[utf8[i] & 0xff];
    }
    int n = word.length;
    while (n > 1) {
      long best = Long.MAX_VALUE;
      int left = -1;
      int right = -1;
      for (int i = 0; i + 1 < n; i++) {
        Long rank = ranks.get(pair(word[i], word[i + 1]));
        if (rank != null && rank < best) {
          best = rank;
          left = word[i];
          right = word[i + 1];
        }
      }
      if (best == Long.MAX_VALUE) {
        break;
      }
      int merged = (int) best;
      // Merge every occurrence, left to right, as the reference does.
      int out = 0;
      for (int i = 0; i < n; ) {
        if (i + 1 < n && word[i] == left && word[i + 1] == right) {
          word[out++] = merged;
          i += 2;
        } else {
          word[out++] = word[i++];
        }
      }
      n = out;
    }
    int[] ids = Arrays.copyOf(word, n);
    if (cache.size() >= CACHE_CAPACITY) {
      cache.clear();
    }
    cache.put(piece, ids);
    return ids;
  }

  @FunctionalInterface
  private interface SegmentSink {
    void segment(int from, int to);
  }

  @FunctionalInterface
  private interface IdSink {
    void id(int id);
  }

  private void forEachSegment(String text, SegmentSink plain, IdSink special) {
    forEachSegment(text, plain, special, new int[1]);
  }

  /** Splits {@code text} at special tokens: plain stretches go to {@code plain}, specials to {@code special}. */
  private void forEachSegment(String text, SegmentSink plain, IdSink special, int[] specialStart) {
    int from = 0;
    if (!specialTokens.isEmpty()) {
      int i = 0;
      while (i < text.length()) {
        int found = -1;
        for (int k = 0; k < specialTokens.size(); k++) {
          if (text.startsWith(specialTokens.get(k), i)) {
            found = k;
            break;
          }
        }
        if (found < 0) {
          i++;
          continue;
        }
        if (i > from) {
          plain.segment(from, i);
        }
        specialStart[0] = i;
        special.id(specialIds[found]);
        i += specialTokens.get(found).length();
        from = i;
      }
    }
    if (from < text.length()) {
      plain.segment(from, text.length());
    }
  }

  private int require(String token) {
    int id = vocabulary.idOrMinusOne(token);
    if (id < 0) {
      throw new IllegalArgumentException(BpeFiles.quote(token) + " is not in the vocabulary");
    }
    return id;
  }

  private static long pair(int left, int right) {
    return ((long) left << 32) | (right & 0xffffffffL);
  }

  /** A growable int array, to collect ids without boxing. */
  private static final class IntList {
    private int[] values;
    private int size;

    IntList(int capacity) {
      values = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void addAll(int[] vs) {
      if (size + vs.length > values.length) {
        values = Arrays.copyOf(values, Math.max(size * 2, size + vs.length));
      }
      System.arraycopy(vs, 0, values, size, vs.length);
      size += vs.length;
    }

    int get(int i) {
      return values[i];
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
