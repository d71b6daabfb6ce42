package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.models.CbowModel;
import dev.nlpm.models.SkipGramHsModel;
import dev.nlpm.models.SkipGramKernels;
import dev.nlpm.models.SkipGramModel;
import dev.nlpm.runtime.model.Word2VecFacade;
import dev.nlpm.runtime.word2vec.Word2VecCheckpoint;
import dev.nlpm.runtime.word2vec.Word2VecKernels;
import dev.nlpm.runtime.word2vec.Word2VecOptions;
import dev.nlpm.runtime.word2vec.Word2VecTrainer;
import dev.nlpm.runtime.word2vec.Word2VecVocabulary;
import dev.nlpm.runtime.word2vec.Word2VecWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated word2vec code: the kernels against their plain twin for dimensions that exercise
 * the unrolled loop, its tail and neither; the facades of the standard models train to the same
 * bits as the plain path; and they carry the declared settings.
 */
class Word2VecGeneratedTest {

  @TempDir Path dir;

  /** Compiles a word2vec declaration of this dimension and instantiates its kernels. */
  private static Word2VecKernels generatedKernels(int dim) throws Exception {
    String text = "package gen;\nmodel W" + dim + " : word2vec {\n  dim = " + dim + ";\n  objective skipgram;\n}\n";
    ClassLoader loader = InMemoryJavac.compile(Models.compile("w.nlpm", text).files()).loader();
    return (Word2VecKernels) loader.loadClass("gen.W" + dim + "Kernels").getDeclaredConstructor().newInstance();
  }

  private static float[] random(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  @Test
  void generatedKernelsEqualThePlainOnesBitForBit() throws Exception {
    Random random = new Random(11);
    float[] lanes = new float[Word2VecKernels.LANES];
    for (int dim : new int[] {1, 3, 16, 17, 40, 100, 300}) {
      Word2VecKernels generated = generatedKernels(dim);
      Word2VecKernels plain = Word2VecKernels.plain(dim);
      assertEquals(dim, generated.dimension());
      for (int trial = 0; trial < 200; trial++) {
        float[] x = random(random, dim);
        float[] y = random(random, dim);
        float a = (float) random.nextGaussian();
        assertEquals(Float.floatToIntBits(plain.dot(x, y, lanes)), Float.floatToIntBits(generated.dot(x, y, lanes)), "dot, dim " + dim);
        double exact = 0;
        for (int i = 0; i < dim; i++) {
          exact += (double) x[i] * y[i];
        }
        assertEquals(exact, generated.dot(x, y, lanes), 1e-5 + 1e-4 * Math.abs(exact), "dot against double precision, dim " + dim);

        float[] y1 = y.clone();
        float[] y2 = y.clone();
        plain.axpy(a, x, y1);
        generated.axpy(a, x, y2);
        assertArrayEquals(y1, y2, "axpy, dim " + dim);

        float[] out1 = y.clone();
        float[] out2 = y.clone();
        float[] err1 = random(new Random(trial), dim);
        float[] err2 = err1.clone();
        plain.update(a, x, out1, err1);
        generated.update(a, x, out2, err2);
        assertArrayEquals(out1, out2, "update's output, dim " + dim);
        assertArrayEquals(err1, err2, "update's error, dim " + dim);

        float[] s1 = x.clone();
        float[] s2 = x.clone();
        plain.scale(a, s1);
        generated.scale(a, s2);
        assertArrayEquals(s1, s2, "scale, dim " + dim);
      }
    }
  }

  private Path corpus() throws IOException {
    Random random = new Random(5);
    String[][] groups = {{"cat", "dog", "mouse", "eats", "sleeps", "purrs"}, {"car", "bus", "truck", "drives", "parks", "honks"}};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String[] group = groups[random.nextInt(2)];
      StringBuilder line = new StringBuilder("the");
      for (int k = 0; k < 6; k++) {
        line.append(' ').append(group[random.nextInt(group.length)]);
      }
      lines.add(line.toString());
    }
    Path file = dir.resolve("corpus.txt");
    Files.write(file, lines);
    return file;
  }

  private static void assertSameWeights(Word2VecWeights expected, Word2VecWeights actual) {
    assertArrayEquals(expected.input(), actual.input());
    if (expected.negativeOutput() != null) {
      assertArrayEquals(expected.negativeOutput(), actual.negativeOutput());
    }
    if (expected.hierarchicalOutput() != null) {
      assertArrayEquals(expected.hierarchicalOutput(), actual.hierarchicalOutput());
    }
  }

  @Test
  void theFacadesTrainToTheSameBitsAsThePlainPath() throws IOException {
    List<Path> corpus = List.of(corpus());
    Word2VecTrainer.ProgressListener quiet = Word2VecTrainer.ProgressListener.NONE;
    Word2VecOptions skipGram = SkipGramModel.options().withThreads(1).withEpochs(2);
    Word2VecWeights generated = SkipGramModel.train(corpus, skipGram, quiet, null);
    Word2VecWeights plain =
        Word2VecTrainer.train(SkipGramModel.vocabulary(corpus), corpus, skipGram, Word2VecKernels.plain(100), quiet, null);
    assertSameWeights(plain, generated);

    Word2VecOptions cbow = CbowModel.options().withThreads(1).withEpochs(2);
    assertSameWeights(
        Word2VecTrainer.train(CbowModel.vocabulary(corpus), corpus, cbow, Word2VecKernels.plain(100), quiet, null),
        CbowModel.train(corpus, cbow, quiet, null));

    Word2VecOptions hs = SkipGramHsModel.options().withThreads(1).withEpochs(2);
    assertSameWeights(
        Word2VecTrainer.train(SkipGramHsModel.vocabulary(corpus), corpus, hs, Word2VecKernels.plain(100), quiet, null),
        SkipGramHsModel.train(corpus, hs, quiet, null));
  }

  @Test
  void theFacadesCarryTheDeclaredSettings() {
    Word2VecOptions sg = SkipGramModel.options();
    assertTrue(sg.skipGram());
    assertEquals(100, sg.dimension());
    assertEquals(5, sg.window());
    assertEquals(5, sg.negatives());
    assertEquals(0.75, sg.negativePower());
    assertEquals(1e-3, sg.sample());
    assertEquals(0.025f, sg.alpha());
    assertEquals(0.0001f, sg.minAlpha());
    assertEquals(5, sg.epochs());
    assertEquals(Runtime.getRuntime().availableProcessors(), sg.threads(), "threads = 0 means a thread per core");
    assertEquals(5, SkipGramModel.MIN_COUNT);
    assertEquals(2_000_000, SkipGramModel.MAX_VOCAB);

    Word2VecOptions cbow = CbowModel.options();
    assertTrue(!cbow.skipGram() && cbow.cbowMean());
    assertEquals(0.05f, cbow.alpha());

    Word2VecOptions hs = SkipGramHsModel.options();
    assertTrue(hs.hierarchicalSoftmax());
    assertEquals(0, hs.negatives());
  }

  @Test
  void aCbowThatSumsItsContextIsDeclaredThrough() throws Exception {
    String text = "package gen;\nmodel Summing : word2vec {\n  dim = 7;\n  objective cbow { window = 4; mean = false; }\n}\n";
    ClassLoader loader = InMemoryJavac.compile(Models.compile("s.nlpm", text).files()).loader();
    Word2VecOptions options = (Word2VecOptions) loader.loadClass("gen.SummingModel").getMethod("options").invoke(null);
    assertTrue(!options.skipGram() && !options.cbowMean());
    assertEquals(7, options.dimension());
    assertEquals(4, options.window());
  }

  /** The facade of a small skip-gram declaring {@code tokenizer whitespace { lowercase = ...; }}. */
  private static Word2VecFacade cased(boolean lowercase) throws Exception {
    String text = "package gen;\nmodel Cased : word2vec {\n  dim = 6;\n  min_count = 1;\n"
        + "  tokenizer whitespace { lowercase = " + lowercase + "; }\n  objective skipgram;\n"
        + "  train { epochs = 3; threads = 1; }\n}\n";
    ClassLoader loader = InMemoryJavac.compile(Models.compile("cased.nlpm", text).files()).loader();
    return (Word2VecFacade) loader.loadClass("gen.CasedModel").getDeclaredConstructor().newInstance();
  }

  @Test
  void theDeclaredLowercaseCountsTheAndTheAsOneWord() throws Exception {
    Path file = dir.resolve("cased.txt");
    Files.write(file, List.of("The cat sat", "the dog sat", "THE cat ran"));
    Word2VecFacade lower = cased(true);
    assertTrue(lower.lowercase());
    Word2VecVocabulary one = lower.countVocabulary(List.of(file), lower.minCount(), lower.maxVocab());
    assertEquals(List.of("the", "cat", "sat", "dog", "ran"), one.words());
    assertEquals(3, one.count(0));

    Word2VecFacade kept = cased(false);
    assertTrue(!kept.lowercase());
    Word2VecVocabulary three = kept.countVocabulary(List.of(file), kept.minCount(), kept.maxVocab());
    assertEquals(List.of("cat", "sat", "THE", "The", "dog", "ran", "the"), three.words());
  }

  @Test
  void aResumedRunKeepsTheDeclaredLowercase() throws Exception {
    Path file = dir.resolve("cased.txt");
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(corpus())) {
      lines.add(lines.size() % 3 == 0 ? line.toUpperCase(java.util.Locale.ROOT) : line);
    }
    Files.write(file, lines);
    List<Path> corpus = List.of(file);
    Word2VecFacade facade = cased(true);
    Word2VecVocabulary vocabulary = facade.countVocabulary(corpus, facade.minCount(), facade.maxVocab());
    assertEquals(13, vocabulary.size(), "the and twelve nouns and verbs, whatever their case");
    Word2VecOptions options = facade.declaredOptions();
    Word2VecWeights whole = facade.trainVectors(vocabulary, corpus, options, Word2VecTrainer.ProgressListener.NONE, null);

    // Stopped before the second epoch's batch (the corpus is one batch an epoch), then resumed:
    // the upper-case lines train only if the resumed run lowercases too.
    Path checkpoint = dir.resolve("cased.w2v");
    int[] asked = {0};
    facade.trainVectors(vocabulary, corpus, options, new Word2VecTrainer.ProgressListener() {
      @Override
      public void progress(int epoch, long raw, long effective, long total, float alpha, double seconds) {}

      @Override
      public boolean stopRequested() {
        return ++asked[0] > 1;
      }
    }, checkpoint);
    Word2VecCheckpoint stopped = Word2VecCheckpoint.read(checkpoint);
    assertEquals(1, stopped.epochsDone());
    assertTrue(stopped.weights().vocabulary().lowercase(), "the checkpoint keeps the lowercasing");
    assertSameWeights(whole, facade.resumeVectors(checkpoint, corpus, Word2VecTrainer.ProgressListener.NONE));
  }

  @Test
  void theFacadeRefusesAnotherDimension() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SkipGramModel.train(List.of(corpus()), SkipGramModel.options().withDimension(50), Word2VecTrainer.ProgressListener.NONE, null));
    assertEquals("SkipGram's kernels are for dimension 100; the options say 50", e.getMessage());
  }

  @Test
  void aSystemPropertyForcesThePlainKernels() {
    assertSame(SkipGramKernels.class, SkipGramModel.kernels().getClass());
    System.setProperty(Word2VecKernels.FORCE_PLAIN, "true");
    try {
      assertEquals("PlainKernels", SkipGramModel.kernels().getClass().getSimpleName());
    } finally {
      System.clearProperty(Word2VecKernels.FORCE_PLAIN);
    }
  }
}
