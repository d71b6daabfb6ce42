package dev.nlpm.runtime.word2vec;

import dev.nlpm.runtime.io.AtomicFiles;
import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Everything a word2vec run needs to continue exactly where it stopped, at the end of an epoch or
 * — when asked to stop — after a batch within one: the options, the vocabulary with its counts,
 * every weight matrix, the epochs done, the batches of the next epoch done, the word counters the
 * learning rate decays by, and each worker's random state.
 *
 * <p>One binary file, big-endian, written atomically: the magic {@code NLPMW2V\n}, a format
 * version (3), the options, the epochs done, the batches done (from version 2), the counters, the
 * random states, the vocabulary (whether it lowercases, from version 3; then each word as a length
 * and its UTF-8 bytes, then its count), then the input vectors and the output vectors that were
 * trained, row after row. Older versions stay readable: version 1, which has no batch count, reads
 * as stopped at an epoch's end, and versions 1 and 2, written before the declared {@code lowercase}
 * was honoured, read as not lowercasing — which is how they were trained. Reading checks every size against the file's length before it
 * allocates, so a truncated or foreign file fails with a message naming what is wrong.
 *
 * @param epochsDone the epochs completed
 * @param batchesDone the batches of the epoch after those trained, when it was stopped within it;
 *     0 at an epoch's end
 * @param rawWords words read so far, all epochs
 * @param effectiveWords of those, the words kept after subsampling
 * @param randoms each worker's random state, one per thread
 */
public record Word2VecCheckpoint(
    Word2VecOptions options,
    Word2VecWeights weights,
    int epochsDone,
    long batchesDone,
    long rawWords,
    long effectiveWords,
    long[] randoms) {

  private static final byte[] MAGIC = "NLPMW2V\n".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 3;
  /** A word longer than this many UTF-8 bytes is not one a corpus line splits into. */
  private static final int MAX_WORD_BYTES = 1 << 20;

  public Word2VecCheckpoint {
    randoms = randoms.clone();
    if (randoms.length != options.threads()) {
      throw new IllegalArgumentException(randoms.length + " random states for " + options.threads() + " threads");
    }
    if (epochsDone < 0 || epochsDone > options.epochs()) {
      throw new IllegalArgumentException("epochs done " + epochsDone + " is outside 0.." + options.epochs());
    }
    if (batchesDone < 0 || (batchesDone > 0 && epochsDone == options.epochs())) {
      throw new IllegalArgumentException(batchesDone + " batches done after " + epochsDone + " of " + options.epochs() + " epochs");
    }
  }

  /** A checkpoint at the end of an epoch. */
  public Word2VecCheckpoint(
      Word2VecOptions options, Word2VecWeights weights, int epochsDone, long rawWords, long effectiveWords, long[] randoms) {
    this(options, weights, epochsDone, 0, rawWords, effectiveWords, randoms);
  }

  @Override
  public long[] randoms() {
    return randoms.clone();
  }

  /** Writes the checkpoint to {@code file} atomically: a reader sees the old one or this one. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, stream -> {
      DataOutputStream out = new DataOutputStream(stream);
      out.write(MAGIC);
      out.writeInt(VERSION);
      writeOptions(out, options);
      out.writeInt(epochsDone);
      out.writeLong(batchesDone);
      out.writeLong(rawWords);
      out.writeLong(effectiveWords);
      for (long random : randoms) {
        out.writeLong(random);
      }
      Word2VecVocabulary vocabulary = weights.vocabulary();
      out.writeBoolean(vocabulary.lowercase());
      out.writeInt(vocabulary.size());
      for (int i = 0; i < vocabulary.size(); i++) {
        byte[] word = vocabulary.word(i).getBytes(StandardCharsets.UTF_8);
        out.writeInt(word.length);
        out.write(word);
        out.writeLong(vocabulary.count(i));
      }
      writeRows(out, weights.input());
      if (weights.negativeOutput() != null) {
        writeRows(out, weights.negativeOutput());
      }
      if (weights.hierarchicalOutput() != null) {
        writeRows(out, weights.hierarchicalOutput());
      }
      out.flush();
    });
  }

  /**
   * Reads a checkpoint.
   *
   * @throws MalformedInputFileException naming the file and what is wrong, if it is not a whole
   *     checkpoint of this format
   */
  public static Word2VecCheckpoint read(Path file) throws IOException {
    long length = Files.size(file);
    try (InputStream stream = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      DataInputStream in = new DataInputStream(stream);
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw malformed(file, "not an nlpm word2vec checkpoint (no NLPMW2V header)");
      }
      int version = in.readInt();
      if (version < 1 || version > VERSION) {
        throw malformed(file, "checkpoint format version " + version + "; this nlpm reads versions 1 to " + VERSION);
      }
      Word2VecOptions options;
      try {
        options = readOptions(in);
      } catch (IllegalArgumentException e) {
        throw malformed(file, "invalid options: " + e.getMessage());
      }
      int epochsDone = in.readInt();
      long batchesDone = version >= 2 ? in.readLong() : 0;
      long rawWords = in.readLong();
      long effectiveWords = in.readLong();
      if (rawWords < 0 || effectiveWords < 0 || effectiveWords > rawWords) {
        throw malformed(file, "invalid word counts: " + rawWords + " read, " + effectiveWords + " kept");
      }
      if (options.threads() > length / 8) {
        throw malformed(file, options.threads() + " threads' random states cannot fit in " + length + " bytes");
      }
      long[] randoms = new long[options.threads()];
      for (int t = 0; t < randoms.length; t++) {
        randoms[t] = in.readLong();
      }
      boolean lowercase = version >= 3 ? readBoolean(in, file, "the vocabulary's lowercase flag") : false;
      int words = in.readInt();
      int matrices = 1 + (options.negatives() > 0 ? 1 : 0) + (options.hierarchicalSoftmax() ? 1 : 0);
      long rowBytes = 4L * options.dimension();
      // Each word takes at least 12 bytes (its length and count) plus a row of each matrix; the
      // product is checked without overflow, so a hostile size cannot pass by wrapping around.
      long perWord = 12 + matrices * rowBytes;
      if (words < 1 || perWord > length || words > length / perWord) {
        throw malformed(file, "a vocabulary of " + words + " words of dimension " + options.dimension()
            + " cannot fit in " + length + " bytes");
      }
      String[] vocabularyWords = new String[words];
      long[] counts = new long[words];
      for (int i = 0; i < words; i++) {
        int bytes = in.readInt();
        if (bytes < 0 || bytes > MAX_WORD_BYTES) {
          throw malformed(file, "word " + i + " has a length of " + bytes + " bytes");
        }
        byte[] word = new byte[bytes];
        in.readFully(word);
        vocabularyWords[i] = new String(word, StandardCharsets.UTF_8);
        counts[i] = in.readLong();
      }
      for (int i = 1; i < words; i++) {
        if (counts[i] > counts[i - 1]) {
          throw malformed(file, "the vocabulary is not in descending order of count at word " + i);
        }
      }
      if (options.hierarchicalSoftmax() && words < 2) {
        throw malformed(file, "hierarchical softmax needs two words or more; the vocabulary has " + words);
      }
      Word2VecVocabulary vocabulary;
      try {
        vocabulary = Word2VecVocabulary.restore(vocabularyWords, counts, lowercase);
      } catch (IllegalArgumentException e) {
        throw malformed(file, "invalid vocabulary: " + e.getMessage());
      }
      float[][] input = readRows(in, words, options.dimension());
      float[][] negative = options.negatives() > 0 ? readRows(in, words, options.dimension()) : null;
      float[][] hierarchical = options.hierarchicalSoftmax() ? readRows(in, words, options.dimension()) : null;
      if (in.read() != -1) {
        throw malformed(file, "bytes after the last weight matrix");
      }
      Word2VecWeights weights = new Word2VecWeights(vocabulary, options.dimension(), input, negative, hierarchical);
      try {
        return new Word2VecCheckpoint(options, weights, epochsDone, batchesDone, rawWords, effectiveWords, randoms);
      } catch (IllegalArgumentException e) {
        throw malformed(file, e.getMessage());
      }
    } catch (EOFException e) {
      throw MalformedInputFileException.inFile(file, "the checkpoint ends early (truncated?)", e);
    }
  }

  /** A boolean written as one byte, 0 or 1; anything else is not this format. */
  private static boolean readBoolean(DataInputStream in, Path file, String what) throws IOException {
    int b = in.readUnsignedByte();
    if (b > 1) {
      throw malformed(file, what + " is " + b + ", not 0 or 1");
    }
    return b == 1;
  }

  private static MalformedInputFileException malformed(Path file, String problem) {
    return MalformedInputFileException.inFile(file, problem, null);
  }

  private static void writeOptions(DataOutputStream out, Word2VecOptions o) throws IOException {
    out.writeBoolean(o.skipGram());
    out.writeInt(o.dimension());
    out.writeInt(o.window());
    out.writeInt(o.negatives());
    out.writeBoolean(o.hierarchicalSoftmax());
    out.writeDouble(o.negativePower());
    out.writeDouble(o.sample());
    out.writeFloat(o.alpha());
    out.writeFloat(o.minAlpha());
    out.writeInt(o.epochs());
    out.writeInt(o.threads());
    out.writeLong(o.seed());
    out.writeBoolean(o.cbowMean());
  }

  private static Word2VecOptions readOptions(DataInputStream in) throws IOException {
    boolean skipGram = in.readBoolean();
    int dimension = in.readInt();
    int window = in.readInt();
    int negatives = in.readInt();
    boolean hierarchical = in.readBoolean();
    double power = in.readDouble();
    double sample = in.readDouble();
    float alpha = in.readFloat();
    float minAlpha = in.readFloat();
    int epochs = in.readInt();
    int threads = in.readInt();
    long seed = in.readLong();
    boolean cbowMean = in.readBoolean();
    return new Word2VecOptions(
        skipGram, dimension, window, negatives, hierarchical, power, sample, alpha, minAlpha, epochs, threads, seed, cbowMean);
  }

  private static void writeRows(DataOutputStream out, float[][] rows) throws IOException {
    for (float[] row : rows) {
      for (float v : row) {
        out.writeFloat(v);
      }
    }
  }

  private static float[][] readRows(DataInputStream in, int rows, int dimension) throws IOException {
    float[][] matrix = new float[rows][dimension];
    for (float[] row : matrix) {
      for (int i = 0; i < dimension; i++) {
        row[i] = in.readFloat();
      }
    }
    return matrix;
  }
}
