package dev.nlpm.runtime.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints: a run stopped and resumed gives the bits of one never stopped; bad files fail clearly. */
class Word2VecCheckpointTest {

  @TempDir Path dir;

  private Path corpus() throws IOException {
    return corpus(1500);
  }

  /** {@code sentences} lines of 8 words: 1,250 lines to a batch of 10,000 words. */
  private Path corpus(int sentences) throws IOException {
    Random random = new Random(8);
    String[] words = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < sentences; i++) {
      StringBuilder line = new StringBuilder(words[random.nextInt(words.length)]);
      for (int k = 0; k < 7; k++) {
        line.append(' ').append(words[random.nextInt(words.length)]);
      }
      lines.add(line.toString());
    }
    Path file = dir.resolve("corpus.txt");
    Files.write(file, lines);
    return file;
  }

  /** Where a one-thread checkpoint's lowercase flag is: after the header, options, counters and random state. */
  private static final int LOWERCASE_AT = 8 + 4 + (1 + 4 + 4 + 4 + 1 + 8 + 8 + 4 + 4 + 4 + 4 + 8 + 1) + (4 + 8 + 8 + 8) + 8;
  /** Where a one-thread checkpoint's vocabulary size is. */
  private static final int VOCABULARY_AT = LOWERCASE_AT + 1;

  private static Word2VecOptions options() {
    return Word2VecOptions.defaults().withDimension(12).withEpochs(4).withSample(1e-2);
  }

  /** Thrown by a progress listener to stop training, as a crash or Ctrl-C would. */
  private static final class Stop extends RuntimeException {}

  private void assertResumedRunEqualsUninterrupted(Word2VecOptions options) throws IOException {
    List<Path> files = List.of(corpus());
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(files, 1, 0);
    Word2VecKernels kernels = Word2VecKernels.plain(options.dimension());
    Word2VecWeights whole =
        Word2VecTrainer.train(vocabulary, files, options, kernels, Word2VecTrainer.ProgressListener.NONE, null);

    Path checkpoint = dir.resolve("run.w2v");
    // Stops as the third epoch ends, before its checkpoint: the file holds two epochs.
    assertThrows(Stop.class, () -> Word2VecTrainer.train(vocabulary, files, options, kernels,
        (epoch, raw, effective, total, alpha, seconds) -> {
          if (epoch == 2 && raw == vocabulary.totalCount() * 3) {
            throw new Stop();
          }
        }, checkpoint));
    assertEquals(2, Word2VecCheckpoint.read(checkpoint).epochsDone());

    Word2VecWeights resumed = Word2VecTrainer.resume(checkpoint, files, kernels, Word2VecTrainer.ProgressListener.NONE);
    assertArrayEquals(whole.input(), resumed.input());
    if (whole.negativeOutput() != null) {
      assertArrayEquals(whole.negativeOutput(), resumed.negativeOutput());
    }
    if (whole.hierarchicalOutput() != null) {
      assertArrayEquals(whole.hierarchicalOutput(), resumed.hierarchicalOutput());
    }
    Word2VecCheckpoint last = Word2VecCheckpoint.read(checkpoint);
    assertEquals(4, last.epochsDone());
    assertEquals(vocabulary.totalCount() * 4, last.rawWords());
    assertEquals(vocabulary.words(), last.weights().vocabulary().words());
  }

  @Test
  void aResumedSkipGramRunEqualsOneNeverStopped() throws IOException {
    assertResumedRunEqualsUninterrupted(options());
  }

  @Test
  void aResumedCbowRunWithBothOutputLayersEqualsOneNeverStopped() throws IOException {
    assertResumedRunEqualsUninterrupted(options().withCbow().withHierarchicalSoftmax(3));
  }

  @Test
  void resumingAFinishedRunReturnsItsWeights() throws IOException {
    List<Path> files = List.of(corpus());
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(files, 1, 0);
    Path checkpoint = dir.resolve("done.w2v");
    Word2VecWeights trained = Word2VecTrainer.train(vocabulary, files, options().withEpochs(1),
        Word2VecKernels.plain(12), Word2VecTrainer.ProgressListener.NONE, checkpoint);
    Word2VecWeights again = Word2VecTrainer.resume(checkpoint, files, Word2VecKernels.plain(12), Word2VecTrainer.ProgressListener.NONE);
    assertArrayEquals(trained.input(), again.input());
  }

  @Test
  void kernelsOfAnotherDimensionAreRefused() throws IOException {
    List<Path> files = List.of(corpus());
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(files, 1, 0);
    Path checkpoint = dir.resolve("c.w2v");
    Word2VecTrainer.train(vocabulary, files, options().withEpochs(1), Word2VecKernels.plain(12), Word2VecTrainer.ProgressListener.NONE, checkpoint);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Word2VecTrainer.resume(checkpoint, files, Word2VecKernels.plain(100), Word2VecTrainer.ProgressListener.NONE));
    assertEquals("the kernels are for dimension 100, the options say 12", e.getMessage());
  }

  private Path checkpoint() throws IOException {
    List<Path> files = List.of(corpus());
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(files, 1, 0);
    Path checkpoint = dir.resolve("good.w2v");
    Word2VecTrainer.train(vocabulary, files, options().withEpochs(1), Word2VecKernels.plain(12), Word2VecTrainer.ProgressListener.NONE, checkpoint);
    return checkpoint;
  }

  private Path withBytes(byte[] bytes) throws IOException {
    Path bad = dir.resolve("bad.w2v");
    Files.write(bad, bytes);
    return bad;
  }

  private static String problem(Path file) {
    return assertThrows(MalformedInputFileException.class, () -> Word2VecCheckpoint.read(file)).getMessage();
  }

  @Test
  void aTruncatedCheckpointFailsNamingTheFile() throws IOException {
    byte[] good = Files.readAllBytes(checkpoint());
    Path bad = withBytes(Arrays.copyOf(good, good.length - 5));
    assertEquals(bad + ": the checkpoint ends early (truncated?)", problem(bad));
  }

  @Test
  void trailingBytesAreReported() throws IOException {
    byte[] good = Files.readAllBytes(checkpoint());
    Path bad = withBytes(Arrays.copyOf(good, good.length + 1));
    assertEquals(bad + ": bytes after the last weight matrix", problem(bad));
  }

  @Test
  void anotherFileIsNotTakenForACheckpoint() throws IOException {
    Path bad = withBytes("hello world, this is text".getBytes(StandardCharsets.UTF_8));
    assertEquals(bad + ": not an nlpm word2vec checkpoint (no NLPMW2V header)", problem(bad));
  }

  @Test
  void aVocabularySizeTheFileCannotHoldFailsBeforeAllocating() throws IOException {
    byte[] good = Files.readAllBytes(checkpoint());
    // The vocabulary size follows the header, options, counters, one random state and the lowercase flag.
    int at = VOCABULARY_AT;
    byte[] bad = good.clone();
    java.nio.ByteBuffer.wrap(bad).putInt(at, Integer.MAX_VALUE);
    Path file = withBytes(bad);
    String message = problem(file);
    assertTrue(message.startsWith(file + ": a vocabulary of 2147483647 words of dimension 12 cannot fit in "), message);
  }

  @Test
  void invalidOptionsAreReported() throws IOException {
    byte[] good = Files.readAllBytes(checkpoint());
    byte[] bad = good.clone();
    java.nio.ByteBuffer.wrap(bad).putInt(8 + 4 + 1, -3); // the dimension
    Path file = withBytes(bad);
    assertEquals(file + ": invalid options: dimension must be positive, got -3", problem(file));
  }

  /** Asks to stop before the batch after {@code batches} batches have been handed to the workers. */
  private static Word2VecTrainer.ProgressListener stoppingAfter(int batches) {
    int[] asked = {0};
    return new Word2VecTrainer.ProgressListener() {
      @Override
      public void progress(int epoch, long raw, long effective, long total, float alpha, double seconds) {}

      @Override
      public boolean stopRequested() {
        return ++asked[0] > batches;
      }
    };
  }

  private void assertStoppedMidEpochResumesToTheSameBits(Word2VecOptions options) throws IOException {
    List<Path> files = List.of(corpus(6000)); // 48,000 words: 5 batches an epoch
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(files, 1, 0);
    Word2VecKernels kernels = Word2VecKernels.plain(options.dimension());
    Word2VecWeights whole =
        Word2VecTrainer.train(vocabulary, files, options, kernels, Word2VecTrainer.ProgressListener.NONE, null);

    Path checkpoint = dir.resolve("stopped.w2v");
    Word2VecTrainer.train(vocabulary, files, options, kernels, stoppingAfter(5 + 2), checkpoint);
    Word2VecCheckpoint stopped = Word2VecCheckpoint.read(checkpoint);
    assertEquals(1, stopped.epochsDone());
    assertEquals(2, stopped.batchesDone());
    assertEquals(48_000 + 20_000, stopped.rawWords());

    long[] first = {-1};
    Word2VecWeights resumed = Word2VecTrainer.resume(checkpoint, files, kernels, (e, raw, eff, t, a, s) -> {
      if (first[0] < 0) {
        first[0] = raw;
      }
    });
    assertEquals(stopped.rawWords(), first[0], "the first report of a resumed run gives the checkpoint's counters");
    assertArrayEquals(whole.input(), resumed.input());
    if (whole.negativeOutput() != null) {
      assertArrayEquals(whole.negativeOutput(), resumed.negativeOutput());
    }
    if (whole.hierarchicalOutput() != null) {
      assertArrayEquals(whole.hierarchicalOutput(), resumed.hierarchicalOutput());
    }
    Word2VecCheckpoint last = Word2VecCheckpoint.read(checkpoint);
    assertEquals(4, last.epochsDone());
    assertEquals(0, last.batchesDone());
    assertEquals(48_000 * 4, last.rawWords());
  }

  @Test
  void aSkipGramRunStoppedMidEpochResumesToTheBitsOfOneNeverStopped() throws IOException {
    assertStoppedMidEpochResumesToTheSameBits(options());
  }

  @Test
  void aCbowRunStoppedMidEpochResumesToTheBitsOfOneNeverStopped() throws IOException {
    assertStoppedMidEpochResumesToTheSameBits(options().withCbow().withHierarchicalSoftmax(3));
  }

  /** {@code bytes} without the {@code length} bytes at {@code at}. */
  private static byte[] without(byte[] bytes, int at, int length) {
    byte[] out = new byte[bytes.length - length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(bytes, at + length, out, at, bytes.length - at - length);
    return out;
  }

  @Test
  void aVersionOneCheckpointReadsAsStoppedAtAnEpochsEnd() throws IOException {
    byte[] good = Files.readAllBytes(checkpoint());
    int batchesAt = 8 + 4 + (1 + 4 + 4 + 4 + 1 + 8 + 8 + 4 + 4 + 4 + 4 + 8 + 1) + 4;
    // Version 1 has neither the batch count nor the lowercase flag (which comes after it).
    byte[] v1 = without(without(good, LOWERCASE_AT, 1), batchesAt, 8);
    java.nio.ByteBuffer.wrap(v1).putInt(8, 1);
    Word2VecCheckpoint read = Word2VecCheckpoint.read(withBytes(v1));
    Word2VecCheckpoint expected = Word2VecCheckpoint.read(checkpoint());
    assertEquals(expected.epochsDone(), read.epochsDone());
    assertEquals(0, read.batchesDone());
    assertEquals(expected.rawWords(), read.rawWords());
    assertArrayEquals(expected.weights().input(), read.weights().input());
    assertEquals(false, read.weights().vocabulary().lowercase());
  }

  @Test
  void aVersionTwoCheckpointReadsAsNotLowercasingAsItWasTrained() throws IOException {
    List<Path> files = List.of(corpus());
    Path checkpoint = dir.resolve("lower.w2v");
    Word2VecTrainer.train(Word2VecVocabulary.count(files, 1, 0, true), files, options().withEpochs(1), Word2VecKernels.plain(12),
        Word2VecTrainer.ProgressListener.NONE, checkpoint);
    byte[] v3 = Files.readAllBytes(checkpoint);
    assertEquals(1, v3[LOWERCASE_AT], "the flag of a lowercasing vocabulary");
    byte[] v2 = without(v3, LOWERCASE_AT, 1);
    java.nio.ByteBuffer.wrap(v2).putInt(8, 2);
    Word2VecCheckpoint read = Word2VecCheckpoint.read(withBytes(v2));
    assertEquals(false, read.weights().vocabulary().lowercase());
    assertEquals(true, Word2VecCheckpoint.read(checkpoint).weights().vocabulary().lowercase());
    assertArrayEquals(Word2VecCheckpoint.read(checkpoint).weights().input(), read.weights().input());
  }

  @Test
  void aLowercaseFlagOtherThanZeroOrOneIsReported() throws IOException {
    byte[] bad = Files.readAllBytes(checkpoint());
    bad[LOWERCASE_AT] = 2;
    Path file = withBytes(bad);
    assertEquals(file + ": the vocabulary's lowercase flag is 2, not 0 or 1", problem(file));
  }

  @Test
  void aLowercasingRunStoppedMidEpochResumesLowercasingToTheSameBits() throws IOException {
    // Upper-case copies of the corpus's words: only a run that lowercases on resuming too trains on them.
    Path mixed = dir.resolve("mixed.txt");
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(corpus(6000))) {
      lines.add(lines.size() % 2 == 0 ? line.toUpperCase(java.util.Locale.ROOT) : line);
    }
    Files.write(mixed, lines);
    List<Path> files = List.of(mixed);
    Word2VecOptions options = options();
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(files, 1, 0, true);
    assertEquals(10, vocabulary.size(), "A and a are one word");
    Word2VecKernels kernels = Word2VecKernels.plain(options.dimension());
    Word2VecWeights whole = Word2VecTrainer.train(vocabulary, files, options, kernels, Word2VecTrainer.ProgressListener.NONE, null);
    Path checkpoint = dir.resolve("stopped-lower.w2v");
    Word2VecTrainer.train(vocabulary, files, options, kernels, stoppingAfter(5 + 2), checkpoint);
    assertEquals(true, Word2VecCheckpoint.read(checkpoint).weights().vocabulary().lowercase());
    Word2VecWeights resumed = Word2VecTrainer.resume(checkpoint, files, kernels, Word2VecTrainer.ProgressListener.NONE);
    assertArrayEquals(whole.input(), resumed.input());
    assertArrayEquals(whole.negativeOutput(), resumed.negativeOutput());
    assertEquals(48_000 * 4, Word2VecCheckpoint.read(checkpoint).rawWords(), "every word, upper case or not, was trained");
  }

  @Test
  void aNewerFormatVersionIsNamed() throws IOException {
    Path file = dir.resolve("v9.w2v");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.write("NLPMW2V\n".getBytes(StandardCharsets.US_ASCII));
      out.writeInt(9);
    }
    assertEquals(file + ": checkpoint format version 9; this nlpm reads versions 1 to 3", problem(file));
  }

  @Test
  void hostileSizesFailBeforeAllocatingEvenWhenTheyWouldOverflow() throws IOException {
    byte[] good = Files.readAllBytes(checkpoint());
    int threadsAt = 8 + 4 + (1 + 4 + 4 + 4 + 1 + 8 + 8 + 4 + 4 + 4);
    byte[] manyThreads = good.clone();
    java.nio.ByteBuffer.wrap(manyThreads).putInt(threadsAt, Integer.MAX_VALUE);
    Path threads = withBytes(manyThreads);
    assertTrue(problem(threads).startsWith(threads + ": 2147483647 threads' random states cannot fit in "), problem(threads));

    // dimension 715,827,883 with three matrices and 2^30 words: words × bytes-per-word wraps past 2^63.
    byte[] wrap = good.clone();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(wrap);
    b.putInt(8 + 4 + 1, 715_827_883); // dimension
    b.putInt(8 + 4 + 1 + 4 + 4, 5); // negatives
    b.put(8 + 4 + 1 + 4 + 4 + 4, (byte) 1); // hierarchical softmax
    b.putInt(VOCABULARY_AT, 1 << 30);
    Path wrapped = withBytes(wrap);
    assertTrue(problem(wrapped).startsWith(wrapped + ": a vocabulary of 1073741824 words of dimension 715827883 cannot fit in "),
        problem(wrapped));
  }
}
