package dev.nlpm.runtime.text.wordpiece;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.text.Encoding;
import dev.nlpm.runtime.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * BERT's WordPiece tokenizer, token for token the reference {@code FullTokenizer} of
 * google-research/bert ({@code tokenization.py}) and HuggingFace's {@code BertTokenizer}:
 *
 * <ol>
 *   <li>cleanup: NUL, U+FFFD and control characters (Cc, Cf but tab, newline, return) dropped;
 *   <li>every CJK ideograph (the reference's code point ranges) a word of its own;
 *   <li>split on whitespace (space, tab, newline, return, Zs, and U+2028/U+2029, which Python's
 *       {@code str.split()} also splits on);
 *   <li>optionally, per whitespace token, Python's {@code str.lower()} (final sigma included)
 *       and accent stripping (NFD, nonspacing marks dropped);
 *   <li>every punctuation character (Unicode P*, and all ASCII symbols) a word of its own;
 *   <li>greedy longest-match-first WordPiece, continuation pieces prefixed {@code ##}; a word
 *       longer than {@link WordPieceOptions#maxInputCharsPerWord()} code points, or one the
 *       vocabulary cannot spell, is the unknown token.
 * </ol>
 *
 * <p>Offsets point into the original text: each normalized code point remembers the code point
 * of the original text it came from, a piece spans the originals of its code points, and an
 * unknown word spans the whole word. Pieces cut from one original character (a Hangul syllable
 * decomposes to jamo) share its range.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer implements EncoderTokenizer {

  private final Vocabulary vocabulary;
  private final WordPieceOptions options;
  private final WordPieceTrie trie;
  private final int padId;
  private final int unkId;
  private final int clsId;
  private final int sepId;
  private final int maskId;
  private final boolean[] isSpecial;

  private WordPieceTokenizer(Vocabulary vocabulary, WordPieceOptions options) {
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    this.options = Objects.requireNonNull(options, "options");
    List<String> specials = options.specialTokens().all();
    int[] ids = new int[specials.size()];
    isSpecial = new boolean[vocabulary.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.idOrMinusOne(specials.get(i));
      if (ids[i] < 0) {
        throw new IllegalArgumentException(
            "the " + SpecialTokens.roles().get(i) + " token '" + specials.get(i)
                + "' is not in the vocabulary of " + vocabulary.size() + " tokens");
      }
      isSpecial[ids[i]] = true;
    }
    padId = ids[0];
    unkId = ids[1];
    clsId = ids[2];
    sepId = ids[3];
    maskId = ids[4];
    trie = new WordPieceTrie(vocabulary, options.continuingSubwordPrefix());
  }

  /**
   * A tokenizer over this vocabulary.
   *
   * @throws IllegalArgumentException if a special token is not in the vocabulary
   */
  public static WordPieceTokenizer of(Vocabulary vocabulary, WordPieceOptions options) {
    return new WordPieceTokenizer(vocabulary, options);
  }

  /**
   * A tokenizer over a {@code vocab.txt} (see {@link Vocabulary#readVocabTxt(Path)}).
   *
   * @throws MalformedInputFileException if the file is malformed or lacks a special token
   */
  public static WordPieceTokenizer fromVocabTxt(Path vocabTxt, WordPieceOptions options)
      throws IOException {
    Vocabulary vocabulary = Vocabulary.readVocabTxt(vocabTxt);
    try {
      return new WordPieceTokenizer(vocabulary, options);
    } catch (IllegalArgumentException e) {
      throw MalformedInputFileException.inFile(vocabTxt, e.getMessage(), e);
    }
  }

  /**
   * A tokenizer from the WordPiece form of a HuggingFace {@code tokenizer.json}: model type
   * {@code WordPiece}, a {@code BertNormalizer}, a {@code BertPreTokenizer}, and a
   * {@code TemplateProcessing} or {@code BertProcessing} post-processor naming {@code [CLS]} and
   * {@code [SEP]}. The unknown token is the model's {@code unk_token}; {@code [PAD]} and
   * {@code [MASK]} take BERT's spellings.
   *
   * @throws MalformedInputFileException with the JSON path of what is missing, mistyped or
   *     unsupported
   */
  public static WordPieceTokenizer fromTokenizerJson(Path tokenizerJson) throws IOException {
    return WordPieceTokenizerJson.read(tokenizerJson);
  }

  /** Writes this tokenizer as a HuggingFace {@code tokenizer.json}, atomically. */
  public void writeTokenizerJson(Path tokenizerJson) throws IOException {
    WordPieceTokenizerJson.write(this, tokenizerJson);
  }

  /** Writes the vocabulary as a {@code vocab.txt}, atomically. */
  public void writeVocabTxt(Path vocabTxt) throws IOException {
    vocabulary.writeVocabTxt(vocabTxt);
  }

  @Override
  public Encoding encode(String text) {
    Pieces pieces = split(text);
    List<String> tokens = new ArrayList<>(pieces.size);
    for (int i = 0; i < pieces.size; i++) {
      tokens.add(vocabulary.token(pieces.ids[i]));
    }
    return Encoding.of(
        Arrays.copyOf(pieces.ids, pieces.size), tokens,
        Arrays.copyOf(pieces.starts, pieces.size), Arrays.copyOf(pieces.ends, pieces.size));
  }

  @Override
  public int[] encodeIds(String text) {
    Pieces pieces = split(text);
    return Arrays.copyOf(pieces.ids, pieces.size);
  }

  /** The token strings of {@link #encode}, as the reference's {@code FullTokenizer.tokenize}. */
  public List<String> tokenize(String text) {
    return encode(text).tokens();
  }

  /**
   * {@code [CLS] text [SEP]} with the text's tokens cut to {@code maxLength - 2}; all segment 0.
   */
  public PairEncoding encodeSingle(String text, int maxLength) {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
    }
    int[] a = encodeIds(text);
    int la = Math.min(a.length, maxLength - 2);
    int[] ids = new int[la + 2];
    ids[0] = clsId;
    System.arraycopy(a, 0, ids, 1, la);
    ids[la + 1] = sepId;
    return new PairEncoding(ids, new int[ids.length]);
  }

  /**
   * {@code [CLS] a [SEP] b [SEP]}, segment 0 through the first {@code [SEP]} and 1 after. If the
   * whole is longer than {@code maxLength}, tokens are dropped from the end of the longer
   * segment, one at a time ({@code b} when they are as long), as BERT's {@code
   * _truncate_seq_pair} does.
   */
  public PairEncoding encodePair(String a, String b, int maxLength) {
    if (maxLength < 3) {
      throw new IllegalArgumentException("maxLength must be at least 3, got " + maxLength);
    }
    int[] idsA = encodeIds(a);
    int[] idsB = encodeIds(b);
    int la = idsA.length;
    int lb = idsB.length;
    while (la + lb > maxLength - 3) {
      if (la > lb) {
        la--;
      } else {
        lb--;
      }
    }
    int[] ids = new int[la + lb + 3];
    int[] segments = new int[ids.length];
    ids[0] = clsId;
    System.arraycopy(idsA, 0, ids, 1, la);
    ids[la + 1] = sepId;
    System.arraycopy(idsB, 0, ids, la + 2, lb);
    ids[ids.length - 1] = sepId;
    Arrays.fill(segments, la + 2, ids.length, 1);
    return new PairEncoding(ids, segments);
  }

  /** {@link #decode(int[], boolean)} keeping special tokens, as HuggingFace's default. */
  @Override
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /**
   * Text for the ids as HuggingFace's {@code BertTokenizer.decode(ids, skip_special_tokens,
   * clean_up_tokenization_spaces=True)}: the tokens (special ones left out if asked) joined by
   * spaces, every {@code " ##"} removed so continuations glue to what precedes them, the ends
   * stripped of whitespace, and then {@code clean_up_tokenization}: {@code " ."}, {@code " ?"},
   * {@code " !"}, {@code " ,"} lose their space, {@code " ' "} becomes {@code "'"}, and {@code
   * " n't"}, {@code " 'm"}, {@code " 's"}, {@code " 've"}, {@code " 're"} attach to the word
   * before. What the split lost (whitespace, case, accents) does not come back.
   *
   * @throws IllegalArgumentException for an id outside the vocabulary
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    StringBuilder joined = new StringBuilder();
    boolean first = true;
    for (int id : ids) {
      if (id < 0 || id >= vocabulary.size()) {
        throw new IllegalArgumentException(
            "id " + id + " is not in the vocabulary of " + vocabulary.size() + " tokens");
      }
      if (skipSpecialTokens && isSpecial[id]) {
        continue;
      }
      if (!first) {
        joined.append(' ');
      }
      joined.append(vocabulary.token(id));
      first = false;
    }
    String text = strip(joined.toString().replace(" " + options.continuingSubwordPrefix(), ""));
    return text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }

  /** Python's {@code str.strip()}: its whitespace is Zs, Zl, Zp and the C0/C1 separators. */
  private static String strip(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isPythonWhitespace(s.charAt(from))) {
      from++;
    }
    while (to > from && isPythonWhitespace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean isPythonWhitespace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
  }

  @Override
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** The options this tokenizer was built with. */
  public WordPieceOptions options() {
    return options;
  }

  /** The id of the padding token. */
  @Override
  public int padId() {
    return padId;
  }

  /** The id of the unknown-word token. */
  @Override
  public int unkId() {
    return unkId;
  }

  /** The id of the sequence-start token. */
  @Override
  public int clsId() {
    return clsId;
  }

  /** The id of the segment-end token. */
  @Override
  public int sepId() {
    return sepId;
  }

  /** The id of the mask token. */
  @Override
  public int maskId() {
    return maskId;
  }

  /** Whether this id is one of the five special tokens. */
  @Override
  public boolean isSpecial(int id) {
    return id >= 0 && id < isSpecial.length && isSpecial[id];
  }

  private Pieces split(String text) {
    Pieces pieces = new Pieces();
    new BertPreTokenizer(options.lowercase(), options.stripAccents()).split(text, pieces);
    return pieces;
  }

  /** Runs WordPiece on each word and collects the pieces with their original offsets. */
  private final class Pieces implements BertPreTokenizer.WordSink {
    int[] ids = new int[32];
    int[] starts = new int[32];
    int[] ends = new int[32];
    int size;

    @Override
    public void word(int[] cps, int[] originStarts, int[] originEnds, int from, int to) {
      if (to - from <= options.maxInputCharsPerWord()) {
        int rollback = size;
        int root = WordPieceTrie.WORD_ROOT;
        int at = from;
        while (at < to) {
          long match = trie.longestMatch(root, cps, at, to);
          if (match < 0) {
            break;
          }
          int end = (int) match;
          add((int) (match >>> 32), originStarts, originEnds, at, end);
          at = end;
          root = WordPieceTrie.CONTINUATION_ROOT;
        }
        if (at == to) {
          return;
        }
        size = rollback;
      }
      add(unkId, originStarts, originEnds, from, to);
    }

    private void add(int id, int[] originStarts, int[] originEnds, int from, int to) {
      int start = originStarts[from];
      int end = originEnds[from];
      for (int k = from + 1; k < to; k++) {
        start = Math.min(start, originStarts[k]);
        end = Math.max(end, originEnds[k]);
      }
      if (size == ids.length) {
        int capacity = size * 2;
        ids = Arrays.copyOf(ids, capacity);
        starts = Arrays.copyOf(starts, capacity);
        ends = Arrays.copyOf(ends, capacity);
      }
      ids[size] = id;
      starts[size] = start;
      ends[size] = end;
      size++;
    }
  }
}
