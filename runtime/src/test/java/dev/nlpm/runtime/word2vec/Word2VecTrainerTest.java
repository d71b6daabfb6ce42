package dev.nlpm.runtime.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on a tiny synthetic corpus where two groups of words have disjoint contexts. */
class Word2VecTrainerTest {

  @TempDir Path dir;

  private static final String[] ANIMALS = {"cat", "dog", "mouse", "horse"};
  private static final String[] VEHICLES = {"car", "bus", "train", "truck"};

  /** Animals eat, sleep and run; vehicles drive, park and honk: shared contexts within a group. */
  private Path corpus() throws IOException {
    return corpus(3000);
  }

  private Path corpus(int sentences) throws IOException {
    Random random = new Random(3);
    String[] animalContext = {"eats", "sleeps", "runs", "purrs", "barks", "food", "grass"};
    String[] vehicleContext = {"drives", "parks", "honks", "road", "fuel", "wheels", "engine"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < sentences; i++) {
      boolean animal = random.nextBoolean();
      String[] words = animal ? ANIMALS : VEHICLES;
      String[] context = animal ? animalContext : vehicleContext;
      StringBuilder line = new StringBuilder("the");
      for (int k = 0; k < 4; k++) {
        line.append(' ').append(k % 2 == 0 ? words[random.nextInt(words.length)] : context[random.nextInt(context.length)]);
      }
      lines.add(line.toString());
    }
    Path file = dir.resolve("corpus.txt");
    Files.write(file, lines);
    return file;
  }

  private Word2VecWeights train(Word2VecOptions options) throws IOException {
    Path file = corpus();
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(List.of(file), 1, 0);
    return Word2VecTrainer.train(vocabulary, List.of(file), options, Word2VecTrainer.ProgressListener.NONE);
  }

  private static Word2VecOptions small() {
    return Word2VecOptions.defaults().withDimension(20).withWindow(3).withEpochs(5)
        .withSample(0).withAlpha(0.05f, 0.0001f);
  }

  private static void assertGroupsSeparate(Word2VecWeights w) {
    WordVectors vectors = w.wordVectors();
    double within = 0;
    double across = 0;
    for (String a : ANIMALS) {
      for (String b : ANIMALS) {
        if (!a.equals(b)) {
          within += vectors.cosine(a, b) / 12;
        }
      }
      for (String b : VEHICLES) {
        across += vectors.cosine(a, b) / 16;
      }
    }
    assertTrue(within > across + 0.3, "words sharing contexts are closer: within " + within + ", across " + across);
  }

  /**
   * The output layer predicts a group's own context words from a word of the group: by
   * hierarchical softmax's path probability, or by negative sampling's σ(in · out).
   */
  private static void assertPredictsOwnContexts(Word2VecWeights w) {
    Word2VecVocabulary v = w.vocabulary();
    double own = 0;
    double other = 0;
    for (String a : ANIMALS) {
      float[] in = w.input()[v.indexOf(a)];
      own += logProbability(w, in, v.indexOf("eats"));
      other += logProbability(w, in, v.indexOf("drives"));
    }
    assertTrue(own > other + 1, "log P(eats | animal) " + own + " vs log P(drives | animal) " + other);
    assertTrue(own / ANIMALS.length > Math.log(1.0 / v.size()),
        "P(eats | animal) beats a uniform guess: log " + own / ANIMALS.length);
  }

  private static double logProbability(Word2VecWeights w, float[] in, int target) {
    Word2VecKernels kernels = Word2VecKernels.plain(w.dimension());
    double log = 0;
    if (w.hierarchicalOutput() != null) {
      HuffmanTree tree = HuffmanTree.build(w.vocabulary().counts());
      for (int d = 0; d < tree.code(target).length; d++) {
        double f = kernels.dot(in, w.hierarchicalOutput()[tree.points(target)[d]], new float[Word2VecKernels.LANES]);
        double p = 1 / (1 + Math.exp(-f));
        log += Math.log(tree.code(target)[d] == 0 ? p : 1 - p);
      }
    }
    if (w.negativeOutput() != null) {
      double f = kernels.dot(in, w.negativeOutput()[target], new float[Word2VecKernels.LANES]);
      log += Math.log(1 / (1 + Math.exp(-f)));
    }
    return log;
  }

  @Test
  void skipGramWithNegativeSamplingLearnsSharedContexts() throws IOException {
    Word2VecWeights w = train(small());
    assertGroupsSeparate(w);
    assertPredictsOwnContexts(w);
  }

  @Test
  void cbowWithNegativeSamplingLearnsSharedContexts() throws IOException {
    Word2VecWeights w = train(small().withCbow());
    assertGroupsSeparate(w);
    assertPredictsOwnContexts(w);
  }

  @Test
  void cbowSummingTheContextLearnsTooAndDiffersFromTheMean() throws IOException {
    Word2VecWeights sum = train(small().withCbow().withCbowSum().withAlpha(0.01f, 0.0001f));
    Word2VecWeights mean = train(small().withCbow().withAlpha(0.01f, 0.0001f));
    assertGroupsSeparate(sum);
    assertFalse(java.util.Arrays.deepEquals(sum.input(), mean.input()), "the hidden vector is not scaled");
  }

  @Test
  void skipGramWithHierarchicalSoftmaxLearnsSharedContexts() throws IOException {
    Word2VecWeights w = train(small().withHierarchicalSoftmax(0));
    assertGroupsSeparate(w);
    assertPredictsOwnContexts(w);
  }

  @Test
  void oneThreadIsReproducibleBitForBitAndTheSeedMatters() throws IOException {
    Word2VecWeights a = train(small().withSample(1e-2));
    Word2VecWeights b = train(small().withSample(1e-2));
    Word2VecWeights c = train(small().withSample(1e-2).withSeed(2));
    assertArrayEquals(a.input(), b.input());
    assertArrayEquals(a.negativeOutput(), b.negativeOutput());
    assertFalse(java.util.Arrays.deepEquals(a.input(), c.input()));
  }

  @Test
  void twoThreadsTrainToo() throws IOException {
    assertGroupsSeparate(train(small().withThreads(2)));
  }

  @Test
  void workersFinishWhenTheQueueIsFullAtTheEnd() throws IOException {
    // 20,000 lines of 5 words make 10 batches an epoch: with 2 threads the queue (4 places) is
    // full when reading ends, which once made adding the end markers throw.
    Path file = corpus(20_000);
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(List.of(file), 1, 0);
    Word2VecWeights w = Word2VecTrainer.train(
        vocabulary, List.of(file), small().withThreads(2).withEpochs(1), Word2VecTrainer.ProgressListener.NONE);
    assertEquals(vocabulary.size(), w.input().length);
  }

  @Test
  void everyEpochDrawsFreshSubsampling() throws IOException {
    Path file = corpus();
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(List.of(file), 1, 0);
    List<Long> effectiveAtEpochEnd = new ArrayList<>();
    int[] lastEpoch = {-1};
    Word2VecTrainer.train(vocabulary, List.of(file), small().withSample(1e-2).withEpochs(2),
        (epoch, raw, effective, total, a, s) -> {
          if (raw == vocabulary.totalCount() * (epoch + 1) && epoch != lastEpoch[0]) {
            effectiveAtEpochEnd.add(effective);
            lastEpoch[0] = epoch;
          }
        });
    long first = effectiveAtEpochEnd.get(0);
    long second = effectiveAtEpochEnd.get(1) - first;
    assertTrue(first != second, "the second epoch kept other words than the first: " + first + " vs " + second);
  }

  @Test
  void theRunningLossIsFiniteAndFallsAsTrainingGoes() throws IOException {
    for (Word2VecOptions options : List.of(small(), small().withCbow().withHierarchicalSoftmax(0))) {
      Path file = corpus();
      Word2VecVocabulary vocabulary = Word2VecVocabulary.count(List.of(file), 1, 0);
      List<Double> losses = new ArrayList<>();
      Word2VecTrainer.train(vocabulary, List.of(file), options, Word2VecKernels.plain(20), new Word2VecTrainer.ProgressListener() {
        @Override
        public void progress(int epoch, long raw, long effective, long total, float alpha, double seconds) {}

        @Override
        public void report(Word2VecTrainer.Report report) {
          losses.add(report.loss());
        }
      }, null);
      assertTrue(losses.size() >= 5, "a report at least every epoch: " + losses);
      for (double loss : losses) {
        assertTrue(Double.isFinite(loss) && loss > 0, "" + losses);
      }
      assertTrue(losses.get(losses.size() - 1) < losses.get(0), "the loss falls: " + losses);
    }
  }

  @Test
  void progressCountsRawAndEffectiveWords() throws IOException {
    Path file = corpus();
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(List.of(file), 1, 0);
    long[] last = new long[3];
    float[] alpha = new float[1];
    Word2VecTrainer.train(vocabulary, List.of(file), small().withSample(1e-2), (epoch, raw, effective, total, a, s) -> {
      last[0] = raw;
      last[1] = effective;
      last[2] = total;
      alpha[0] = a;
    });
    assertEquals(vocabulary.totalCount() * 5, last[0]);
    assertEquals(last[0], last[2]);
    assertTrue(last[1] < last[0] && last[1] > 0, "subsampling dropped some words: " + last[1]);
    assertEquals(0.0001f, alpha[0], 1e-6, "the rate has decayed to its floor");
  }

  @Test
  void theProgressLineShowsRawAndEffectiveRatesAndTimeLeft() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    Word2VecTrainer.ProgressListener line = Word2VecTrainer.ProgressListener.line(out);
    line.progress(1, 500_000, 360_000, 2_000_000, 0.0125f, 2.0);
    assertEquals("\repoch 2   25.0%  alpha 0.01250  250,000 words/s  180,000 effective words/s  0:06 left",
        bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
    bytes.reset();
    line.progress(4, 2_000_000, 1_440_000, 2_000_000, 0.0001f, 8.0);
    assertEquals("\repoch 5  100.0%  alpha 0.00010  250,000 words/s  180,000 effective words/s  0:00 left\n",
        bytes.toString(java.nio.charset.StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }

  /** Kernels whose dot product fails after some calls, as a bug or an out-of-memory error would. */
  private static Word2VecKernels failingAfter(int calls) {
    Word2VecKernels plain = Word2VecKernels.plain(20);
    java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
    return new Word2VecKernels() {
      @Override
      public int dimension() {
        return 20;
      }

      @Override
      public float dot(float[] x, float[] y, float[] lanes) {
        if (count.incrementAndGet() > calls) {
          throw new IllegalStateException("kernel failure for the test");
        }
        return plain.dot(x, y, lanes);
      }

      @Override
      public void axpy(float a, float[] x, float[] y) {
        plain.axpy(a, x, y);
      }

      @Override
      public void update(float g, float[] hidden, float[] output, float[] error) {
        plain.update(g, hidden, output, error);
      }

      @Override
      public void scale(float a, float[] x) {
        plain.scale(a, x);
      }
    };
  }

  @Test
  void aFailingWorkerEndsTrainingWithItsErrorInsteadOfHanging() throws IOException {
    // 20,000 lines fill the queue many times over: a dead worker must not leave the reader waiting.
    Path file = corpus(20_000);
    Word2VecVocabulary vocabulary = Word2VecVocabulary.count(List.of(file), 1, 0);
    for (int threads : new int[] {1, 2}) {
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
          () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
              () -> Word2VecTrainer.train(vocabulary, List.of(file), small().withThreads(threads).withEpochs(1),
                  failingAfter(1000), Word2VecTrainer.ProgressListener.NONE, null)));
      assertEquals("a training thread failed", e.getMessage(), threads + " threads");
      assertEquals("kernel failure for the test", e.getCause().getMessage());
    }
  }
}
