package dev.nlpm.runtime.word2vec;

import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.io.StrictUtf8;
import dev.nlpm.runtime.io.Utf8Lines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The vector files of the original word2vec tool, as its {@code -binary 0} and {@code -binary 1}
 * write them and gensim's {@code KeyedVectors.load_word2vec_format} and {@code
 * save_word2vec_format} read and write them.
 *
 * <ul>
 *   <li>Text: a header line {@code <count> <dimension>}, then a line {@code word v1 v2 ... vd} per
 *       word. Written as word2vec.c does ({@code %lf } per value: six decimals, each followed by a
 *       space); read with gensim's rules (fields split on single spaces after dropping trailing
 *       whitespace), so gensim's shortest-repr values and word2vec.c's both load.
 *   <li>Binary: the same header line, then per word its UTF-8 bytes, a space, {@code dimension}
 *       little-endian float32 values and a newline. word2vec.c writes that newline and gensim 4
 *       does not; reading skips newlines before a word, as both readers do.
 * </ul>
 *
 * <p>Unlike gensim, which keeps the first of two equal words and ignores lines past the count, a
 * duplicate word or content past the announced count is reported as a malformed file: both mean
 * the header or the file is not what its writer meant. Words are read as strict UTF-8. Every write
 * is atomic.
 */
public final class Word2VecFormat {

  private static final int BLOCK = 1 << 16;
  private static final int MAX_HEADER_BYTES = 256;

  private Word2VecFormat() {}

  /** Reads the text or the binary format. */
  public static WordVectors read(Path file, boolean binary) throws IOException {
    return binary ? readBinary(file) : readText(file);
  }

  /** Writes the text or the binary format, atomically. */
  public static void write(WordVectors vectors, Path file, boolean binary) throws IOException {
    if (binary) {
      writeBinary(vectors, file);
    } else {
      writeText(vectors, file);
    }
  }

  /**
   * Reads the text format.
   *
   * @throws MalformedInputFileException at the line of a malformed header, a word with the wrong
   *     number of values, a value that is not a number, a duplicate word, a missing or an extra
   *     entry
   */
  public static WordVectors readText(Path file) throws IOException {
    long fileSize = Files.size(file);
    TextReader reader = new TextReader(file, fileSize);
    Utf8Lines.read(file, reader::accept);
    return reader.finish();
  }

  /** Collects the lines of a text-format file. */
  private static final class TextReader {
    private final Path file;
    private final long fileSize;
    private Header header;
    private List<String> words;
    private Set<String> seen;
    private float[] vectors;
    private int lastLine;
    private int lastEntryLine;

    TextReader(Path file, long fileSize) {
      this.file = file;
      this.fileSize = fileSize;
    }

    void accept(int line, String text) throws MalformedInputFileException {
      lastLine = line;
      if (header == null) {
        header = Header.parse(file, line, text);
        // Each entry takes at least a one-byte word and a space and a digit per value.
        long minimum = (long) header.count * (1 + 2L * header.dimension) - 1;
        header.requireAtMost(file, line, minimum, fileSize);
        words = new ArrayList<>(header.count);
        seen = new HashSet<>(header.count * 2);
        vectors = new float[header.count * header.dimension];
        return;
      }
      String stripped = text.stripTrailing();
      if (words.size() == header.count) {
        if (!stripped.isEmpty()) {
          throw MalformedInputFileException.atLine(
              file, line, "more entries than the " + header.count + " the header announces");
        }
        return;
      }
      String[] fields = stripped.split(" ", -1);
      String word = fields[0];
      if (word.isEmpty()) {
        throw MalformedInputFileException.atLine(file, line, "empty word");
      }
      if (fields.length - 1 != header.dimension) {
        throw MalformedInputFileException.atLine(
            file, line, "\"" + word + "\" has " + (fields.length - 1) + " values, the header says "
                + header.dimension);
      }
      if (!seen.add(word)) {
        throw MalformedInputFileException.atLine(file, line, "duplicate word \"" + word + "\"");
      }
      int offset = words.size() * header.dimension;
      for (int d = 0; d < header.dimension; d++) {
        String field = fields[d + 1];
        try {
          // Parsed as a double and then rounded, as gensim's numpy.float32(str) does.
          vectors[offset + d] = (float) parseNumber(field);
        } catch (NumberFormatException e) {
          throw MalformedInputFileException.atLine(
              file, line, "value " + (d + 1) + " of \"" + word + "\" is not a number: \""
                  + field + "\"", e);
        }
      }
      words.add(word);
      lastEntryLine = line;
    }

    WordVectors finish() throws MalformedInputFileException {
      if (header == null) {
        throw MalformedInputFileException.atLine(file, 1, "empty file: no header line");
      }
      if (words.size() < header.count) {
        throw MalformedInputFileException.atLine(
            file, Math.max(lastLine, lastEntryLine) + 1, "unexpected end of file: the header"
                + " announces " + header.count + " words, found " + words.size());
      }
      return WordVectors.wrap(List.copyOf(words), vectors, header.dimension);
    }
  }

  /**
   * A decimal number as Python's {@code float()} reads it: digits with an optional sign, point and
   * exponent, or {@code nan}/{@code inf}/{@code infinity} in any case (which word2vec.c's {@code
   * %lf} prints for non-finite values). Java's parser alone would also take {@code 1f}, {@code
   * 0x1p3} and surrounding whitespace, and not {@code inf}.
   *
   * @throws NumberFormatException if the field is not such a number
   */
  static double parseNumber(String field) {
    boolean negative = !field.isEmpty() && field.charAt(0) == '-';
    String unsigned =
        !field.isEmpty() && (negative || field.charAt(0) == '+') ? field.substring(1) : field;
    if (unsigned.equalsIgnoreCase("nan")) {
      return Double.NaN;
    }
    if (unsigned.equalsIgnoreCase("inf") || unsigned.equalsIgnoreCase("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    for (int i = 0; i < unsigned.length(); i++) {
      char c = unsigned.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
        throw new NumberFormatException("not a number: \"" + field + "\"");
      }
    }
    return Double.parseDouble(field);
  }

  /** The parsed {@code <count> <dimension>} header line. */
  private record Header(int count, int dimension) {

    static Header parse(Path file, int line, String text) throws MalformedInputFileException {
      String[] fields = text.strip().split("\\s+");
      if (fields.length != 2) {
        throw MalformedInputFileException.atLine(
            file, line, "the header must be \"<count> <dimension>\", got \"" + text + "\"");
      }
      int count;
      int dimension;
      try {
        count = Integer.parseInt(fields[0]);
        dimension = Integer.parseInt(fields[1]);
      } catch (NumberFormatException e) {
        throw MalformedInputFileException.atLine(
            file, line, "the header must be \"<count> <dimension>\", got \"" + text + "\"", e);
      }
      if (count < 0 || dimension < 1) {
        throw MalformedInputFileException.atLine(
            file, line, "the header needs a count >= 0 and a dimension >= 1, got \"" + text
                + "\"");
      }
      if ((long) count * dimension > Integer.MAX_VALUE - 8) {
        throw MalformedInputFileException.atLine(
            file, line, count + " words of dimension " + dimension + " exceed one array");
      }
      return new Header(count, dimension);
    }

    /** Rejects a header whose entries cannot fit in the file, before allocating for them. */
    void requireAtMost(Path file, int line, long minimumBytes, long fileSize)
        throws MalformedInputFileException {
      if (minimumBytes > fileSize) {
        throw MalformedInputFileException.atLine(
            file, line, "the header announces " + count + " words of dimension " + dimension
                + ", which need at least " + minimumBytes + " bytes; the file has " + fileSize);
      }
    }
  }

  /**
   * Reads the binary format.
   *
   * @throws MalformedInputFileException at line 1 for a malformed header; naming the entry
   *     (1-based) and its byte offset for a truncated entry, a word that is not UTF-8 and a
   *     duplicate word; for content past the announced count
   */
  public static WordVectors readBinary(Path file) throws IOException {
    long fileSize = Files.size(file);
    try (ByteReader in = new ByteReader(Files.newInputStream(file))) {
      byte[] headerBytes = new byte[MAX_HEADER_BYTES];
      int headerLength = 0;
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (headerLength == MAX_HEADER_BYTES) {
          throw MalformedInputFileException.atLine(
              file, 1, "the header line is longer than " + MAX_HEADER_BYTES + " bytes");
        }
        headerBytes[headerLength++] = (byte) b;
      }
      String headerText = new String(headerBytes, 0, headerLength, StandardCharsets.ISO_8859_1);
      Header header = Header.parse(file, 1, headerText);
      int dimension = header.dimension;
      int vectorBytes = 4 * dimension;
      // Each entry takes at least a one-byte word, a space and the vector.
      header.requireAtMost(
          file, 1, in.offset() + (long) header.count * (2L + vectorBytes), fileSize);

      List<String> words = new ArrayList<>(header.count);
      Set<String> seen = new HashSet<>(header.count * 2);
      float[] vectors = new float[header.count * dimension];
      byte[] word = new byte[64];
      byte[] vector = new byte[vectorBytes];
      ByteBuffer vectorBuffer = ByteBuffer.wrap(vector).order(ByteOrder.LITTLE_ENDIAN);
      for (int entry = 1; entry <= header.count; entry++) {
        while ((b = in.read()) == '\n') {
          // word2vec.c ends each vector with a newline; gensim 4 does not.
        }
        long start = in.offset() - (b < 0 ? 0 : 1);
        int wordLength = 0;
        while (b >= 0 && b != ' ') {
          if (wordLength == word.length) {
            word = Arrays.copyOf(word, 2 * word.length);
          }
          word[wordLength++] = (byte) b;
          b = in.read();
        }
        if (b < 0) {
          throw binaryFault(file, entry, header.count, start,
              wordLength == 0 ? "the file ends before the entry" : "the file ends inside the word");
        }
        if (wordLength == 0) {
          throw binaryFault(file, entry, header.count, start, "empty word");
        }
        String text;
        try {
          text = StrictUtf8.newDecoder().decode(ByteBuffer.wrap(word, 0, wordLength)).toString();
        } catch (CharacterCodingException e) {
          throw binaryFault(file, entry, header.count, start, "the word is not valid UTF-8");
        }
        int read = in.readFully(vector);
        if (read < vectorBytes) {
          throw binaryFault(file, entry, header.count, start, "the file ends inside the vector of \""
              + text + "\" (" + read + " of " + vectorBytes + " bytes)");
        }
        if (!seen.add(text)) {
          throw binaryFault(file, entry, header.count, start, "duplicate word \"" + text + "\"");
        }
        vectorBuffer.clear();
        vectorBuffer.asFloatBuffer().get(vectors, (entry - 1) * dimension, dimension);
        words.add(text);
      }
      while ((b = in.read()) >= 0) {
        if (b != '\n' && b != '\r' && b != ' ' && b != '\t') {
          throw MalformedInputFileException.inFile(
              file, "data at byte offset " + (in.offset() - 1) + " after the " + header.count
                  + " entries the header announces", null);
        }
      }
      return WordVectors.wrap(List.copyOf(words), vectors, dimension);
    }
  }

  private static MalformedInputFileException binaryFault(
      Path file, int entry, int count, long offset, String problem) {
    return MalformedInputFileException.inFile(
        file, "entry " + entry + " of " + count + " at byte offset " + offset + ": " + problem,
        null);
  }

  /** A buffered byte source that counts the bytes handed out. */
  private static final class ByteReader implements AutoCloseable {
    private final InputStream in;
    private final byte[] buffer = new byte[BLOCK];
    private int position;
    private int limit;
    private long offset;

    ByteReader(InputStream in) {
      this.in = in;
    }

    int read() throws IOException {
      if (position == limit && !fill()) {
        return -1;
      }
      offset++;
      return buffer[position++] & 0xff;
    }

    /** Reads as much of {@code target} as the stream holds; returns how many bytes it read. */
    int readFully(byte[] target) throws IOException {
      int done = 0;
      while (done < target.length) {
        if (position == limit && !fill()) {
          break;
        }
        int n = Math.min(target.length - done, limit - position);
        System.arraycopy(buffer, position, target, done, n);
        position += n;
        done += n;
      }
      offset += done;
      return done;
    }

    long offset() {
      return offset;
    }

    private boolean fill() throws IOException {
      int n = in.read(buffer);
      if (n <= 0) {
        return false;
      }
      position = 0;
      limit = n;
      return true;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Writes the text format as word2vec.c does: six decimals, each value followed by a space. */
  public static void writeText(WordVectors vectors, Path file) throws IOException {
    AtomicFiles.write(file, out -> {
      int dimension = vectors.dimension();
      float[] rows = vectors.rawVectors();
      out.write((vectors.size() + " " + dimension + "\n").getBytes(StandardCharsets.US_ASCII));
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < vectors.size(); i++) {
        line.setLength(0);
        line.append(checkedWord(vectors.word(i))).append(' ');
        for (int d = 0; d < dimension; d++) {
          appendFixed6(line, rows[i * dimension + d]);
          line.append(' ');
        }
        line.append('\n');
        out.write(line.toString().getBytes(StandardCharsets.UTF_8));
      }
    });
  }

  /** Writes the binary format as word2vec.c does, a newline after each vector. */
  public static void writeBinary(WordVectors vectors, Path file) throws IOException {
    AtomicFiles.write(file, out -> {
      int dimension = vectors.dimension();
      float[] rows = vectors.rawVectors();
      out.write((vectors.size() + " " + dimension + "\n").getBytes(StandardCharsets.US_ASCII));
      ByteBuffer vector = ByteBuffer.allocate(4 * dimension).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < vectors.size(); i++) {
        writeWord(out, vectors.word(i));
        vector.clear();
        vector.asFloatBuffer().put(rows, i * dimension, dimension);
        out.write(vector.array());
        out.write('\n');
      }
    });
  }

  private static void writeWord(OutputStream out, String word) throws IOException {
    out.write(checkedWord(word).getBytes(StandardCharsets.UTF_8));
    out.write(' ');
  }

  /** A word both formats can hold: not empty, without a space or a line break. */
  private static String checkedWord(String word) {
    if (word.isEmpty() || word.indexOf(' ') >= 0 || word.indexOf('\n') >= 0
        || word.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "a word2vec file cannot hold the word \"" + word + "\" (empty, or a space or line break)");
    }
    return word;
  }

  /**
   * Appends {@code value} as C's {@code printf("%lf")} does: the exact binary value rounded to six
   * decimals, ties to even, a minus sign whenever the sign bit is set, {@code nan}/{@code inf}.
   */
  static void appendFixed6(StringBuilder out, float value) {
    int bits = Float.floatToRawIntBits(value);
    boolean negative = bits < 0;
    int exponentBits = (bits >>> 23) & 0xff;
    int mantissaBits = bits & 0x7fffff;
    if (exponentBits == 0xff) {
      out.append(negative ? "-" : "").append(mantissaBits == 0 ? "inf" : "nan");
      return;
    }
    long mantissa = exponentBits == 0 ? mantissaBits : mantissaBits | 0x800000;
    int shift = exponentBits == 0 ? 149 : 150 - exponentBits;
    if (shift <= 0) {
      // |value| >= 2^23: an integer; the exact decimal is simplest from BigDecimal.
      out.append(negative ? "-" : "")
          .append(new BigDecimal(Math.abs((double) value)).setScale(6, RoundingMode.HALF_EVEN)
              .toPlainString());
      return;
    }
    // value * 10^6 = mantissa * 10^6 / 2^shift, with mantissa * 10^6 < 2^44: exact in a long.
    long scaled = mantissa * 1_000_000L;
    long millionths;
    if (shift >= 45) {
      millionths = 0; // below a half millionth, never a tie
    } else {
      millionths = scaled >>> shift;
      long remainder = scaled & ((1L << shift) - 1);
      long half = 1L << (shift - 1);
      if (remainder > half || (remainder == half && (millionths & 1) == 1)) {
        millionths++;
      }
    }
    if (negative) {
      out.append('-');
    }
    out.append(millionths / 1_000_000).append('.');
    String fraction = Long.toString(millionths % 1_000_000);
    for (int pad = fraction.length(); pad < 6; pad++) {
      out.append('0');
    }
    out.append(fraction);
  }
}
