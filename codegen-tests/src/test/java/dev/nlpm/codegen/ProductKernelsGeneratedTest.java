package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.codegen.ClassFileMethods;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.models.BertTinyKernels;
import dev.nlpm.runtime.kernels.ProductKernels;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generated encoder kernels against their plain twin (EJML), for shapes whose widths exercise
 * the four-row blocks, their tails, the dot's lanes and its tail, and widths that fall back; the
 * compiled methods stay small enough for HotSpot to JIT-compile; and only the encoders the
 * runtime runs get them.
 */
class ProductKernelsGeneratedTest {

  private static final int[] ROWS = {1, 3, 4, 5, 9};

  private static String declaration(String name, int hidden, int intermediate, int heads) {
    return "package gen;\nmodel " + name + " : encoder {\n  vocab = 50;\n  hidden = " + hidden + ";\n  layers = 1;\n  heads = " + heads
        + ";\n  intermediate = " + intermediate + ";\n  max_length = 16;\n  objective mlm;\n}\n";
  }

  private static List<GeneratedFile> generate(String name, int hidden, int intermediate, int heads) {
    return Models.compile(name + ".nlpm", declaration(name, hidden, intermediate, heads)).files();
  }

  /** Compiles an encoder declaration of these sizes (with -Xlint:all -Werror) and instantiates its kernels. */
  static ProductKernels generatedKernels(int hidden, int intermediate, int heads) throws Exception {
    String name = "E" + hidden + "x" + intermediate + "x" + heads;
    InMemoryJavac.Compiled compiled = InMemoryJavac.compile(generate(name, hidden, intermediate, heads));
    for (Map.Entry<String, byte[]> file : compiled.classFiles().entrySet()) {
      for (Map.Entry<String, Integer> method : ClassFileMethods.codeLengths(file.getValue()).entrySet()) {
        assertTrue(method.getValue() < GeneratedCodeTest.HUGE_METHOD_LIMIT,
            file.getKey() + " " + method.getKey() + " has " + method.getValue() + " bytes of bytecode");
      }
    }
    return (ProductKernels) compiled.loader().loadClass("gen." + name + "Kernels").getDeclaredConstructor().newInstance();
  }

  private static float[][] random(Random random, int rows, int columns) {
    return random(random, rows, columns, 1);
  }

  /**
   * Gaussian entries of standard deviation {@code scale}. The left factor of a product of length n
   * is scaled by 1/√n, as activations and initial weights are, so that a sum near zero is not
   * all cancellation: the two kernels sum in different orders.
   */
  private static float[][] random(Random random, int rows, int columns, double scale) {
    float[][] m = new float[rows][columns];
    for (float[] row : m) {
      for (int i = 0; i < columns; i++) {
        row[i] = (float) (scale * random.nextGaussian());
      }
    }
    return m;
  }

  private static float[][] copy(float[][] m) {
    float[][] c = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  private static void assertClose(float[][] expected, float[][] actual, String what) {
    for (int r = 0; r < expected.length; r++) {
      for (int c = 0; c < expected[r].length; c++) {
        float b = expected[r][c];
        float a = actual[r][c];
        assertTrue(Math.abs(a - b) <= 1e-5 + 1e-4 * Math.abs(b), what + " at [" + r + "][" + c + "]: " + a + " vs " + b);
      }
    }
  }

  /** Every kernel at output width (or dot length) {@code width}, against the plain twin. */
  private static void checkWidth(ProductKernels generated, int width, Random random, String shape) {
    ProductKernels plain = ProductKernels.plain();
    for (int rows : ROWS) {
      for (boolean accumulate : new boolean[] {false, true}) {
        for (boolean bias : new boolean[] {false, true}) {
          String what = shape + ", width " + width + ", rows " + rows + ", accumulate " + accumulate + ", bias " + bias;
          // linear: x [2 + rows][in] through w [in][width], rows [2, 2 + rows), w one row longer than in
          int in = 3 + random.nextInt(2 * width + 5);
          float[][] x = random(random, rows + 2, in, 1 / Math.sqrt(in));
          float[][] w = random(random, in + 1, width);
          float[] b = bias ? random(random, 1, width)[0] : null;
          float[][] y = random(random, rows + 3, width);
          float[][] expected = copy(y);
          plain.linear(x, w, in, b, expected, accumulate, 2, 2 + rows);
          generated.linear(x, w, in, b, y, accumulate, 2, 2 + rows);
          assertClose(expected, y, "linear, " + what);

          // dotRows: x [rows][width] against w [count][width], weight rows [from, to)
          int count = 1 + random.nextInt(9);
          int from = random.nextInt(3);
          float[][] dx = random(random, rows, width, 1 / Math.sqrt(width));
          float[][] wj = random(random, from + count + 1, width);
          float[] bj = bias ? random(random, 1, from + count + 1)[0] : null;
          float[][] dy = random(random, rows, from + count + 2);
          float[][] dyExpected = copy(dy);
          plain.dotRows(dx, rows, wj, bj, dyExpected, accumulate, from, from + count);
          generated.dotRows(dx, rows, wj, bj, dy, accumulate, from, from + count);
          assertClose(dyExpected, dy, "dotRows, " + what);

          // outerAccumulate: dw [i][width] for weight rows [from, from + count)
          float[][] xs = random(random, rows, from + count + 1);
          float[][] grads = random(random, rows, width);
          float[][] dw = random(random, from + count + 2, width);
          float[][] dwExpected = copy(dw);
          plain.outerAccumulate(xs, grads, rows, dwExpected, from, from + count);
          generated.outerAccumulate(xs, grads, rows, dw, from, from + count);
          assertClose(dwExpected, dw, "outerAccumulate, " + what);
        }
      }
    }
  }

  private static void check(ProductKernels generated, int hidden, int intermediate, int heads, long seed) {
    Random random = new Random(seed);
    String shape = hidden + "/" + intermediate + "/" + (hidden / heads);
    for (int width : new int[] {hidden, intermediate, hidden / heads, 7, hidden + 1}) {
      checkWidth(generated, width, random, shape);
    }
  }

  @Test
  void smallShapesEqualThePlainKernels() throws Exception {
    check(generatedKernels(16, 24, 2), 16, 24, 2, 1);
    check(generatedKernels(20, 36, 4), 20, 36, 4, 2);
  }

  @Test
  void bertTinysShapesEqualThePlainKernels() throws Exception {
    check(generatedKernels(128, 512, 2), 128, 512, 2, 3);
    check(new BertTinyKernels(), 128, 512, 2, 4);
  }

  /** A GPT-style decoder's kernels also specialize the fused q|k|v projection, 3·hidden wide. */
  @Test
  void aDecodersShapesIncludingTheFusedProjectionEqualThePlainKernels() throws Exception {
    String source = "package gen;\nmodel D24 : decoder {\n  vocab = 50;\n  hidden = 24;\n  layers = 1;\n  heads = 3;\n"
        + "  intermediate = 40;\n  max_length = 16;\n  activation = gelu_tanh;\n  tie_embeddings = true;\n  norm {\n    placement = pre;\n  }\n"
        + "  attention causal;\n  objective clm;\n}\n";
    InMemoryJavac.Compiled compiled = InMemoryJavac.compile(Models.compile("D24.nlpm", source).files());
    ProductKernels generated = (ProductKernels) compiled.loader().loadClass("gen.D24Kernels").getDeclaredConstructor().newInstance();
    Random random = new Random(8);
    for (int width : new int[] {24, 72, 40, 8}) {
      checkWidth(generated, width, random, "decoder 24/72/40/8");
    }
  }

  /** An LSTM LM's kernels specialize its embedding, state and gate widths. */
  @Test
  void anLstmsEmbeddingStateAndGateWidthsEqualThePlainKernels() throws Exception {
    String source = "package gen;\nmodel L12 : lstm_lm {\n  max_vocab = 40;\n  embedding = 12;\n  hidden = 20;\n  layers = 2;\n  objective clm;\n}\n";
    InMemoryJavac.Compiled compiled = InMemoryJavac.compile(Models.compile("L12.nlpm", source).files());
    ProductKernels generated = (ProductKernels) compiled.loader().loadClass("gen.L12Kernels").getDeclaredConstructor().newInstance();
    Random random = new Random(9);
    for (int width : new int[] {12, 20, 80, 7}) {
      checkWidth(generated, width, random, "lstm 12/20/80");
    }
  }

  /**
   * A weight far longer than the stretch of weight rows {@code linear} works through at a time (the
   * tied output's backward pass, vocabulary rows), so that rows cross several stretches and the
   * last is partial.
   */
  @Test
  void linearThroughAWeightOfManyChunksEqualsThePlainKernel() throws Exception {
    ProductKernels generated = generatedKernels(16, 24, 2);
    Random random = new Random(11);
    int in = 40_000 + 37;
    float[][] x = random(random, 7, in, 1 / Math.sqrt(in));
    float[][] w = random(random, in, 16);
    float[] b = random(random, 1, 16)[0];
    float[][] y = random(random, 7, 16);
    float[][] expected = copy(y);
    ProductKernels.plain().linear(x, w, in, b, expected, true, 1, 7);
    generated.linear(x, w, in, b, y, true, 1, 7);
    assertClose(expected, y, "linear through " + in + " weight rows");
  }

  @Test
  void emptyRangesChangeNothing() throws Exception {
    ProductKernels generated = generatedKernels(16, 24, 2);
    float[][] y = {{1f}};
    generated.linear(new float[0][], new float[0][], 0, null, y, false, 3, 3);
    generated.dotRows(new float[0][], 0, new float[0][], null, y, false, 0, 1);
    generated.outerAccumulate(new float[0][], new float[0][], 2, y, 1, 1);
    assertEquals(1f, y[0][0]);
  }

  @Test
  void onlyTheModelsTheRuntimeRunsGetKernels() throws Exception {
    List<String> kernels =
        Models.standard().files().stream().map(GeneratedFile::qualifiedName).filter(n -> n.endsWith("Kernels")).sorted().toList();
    assertEquals(
        List.of("dev.nlpm.models.AlbertBaseKernels", "dev.nlpm.models.BertBaseKernels", "dev.nlpm.models.BertMiniKernels", "dev.nlpm.models.BertTinyKernels", "dev.nlpm.models.CbowKernels", "dev.nlpm.models.CharLstmKernels",
            "dev.nlpm.models.DistilBertBaseKernels", "dev.nlpm.models.Gpt2SmallKernels", "dev.nlpm.models.GptMiniKernels", "dev.nlpm.models.RobertaBaseKernels", "dev.nlpm.models.SkipGramHsKernels",
            "dev.nlpm.models.SkipGramKernels", "dev.nlpm.models.SpanBertBaseKernels"),
        kernels);
  }
}
