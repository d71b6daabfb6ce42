package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.runtime.encoder.Encoder;
import dev.nlpm.runtime.encoder.EncoderActivations;
import dev.nlpm.runtime.encoder.EncoderBatch;
import dev.nlpm.runtime.encoder.EncoderConfig;
import dev.nlpm.runtime.encoder.EncoderPasses;
import dev.nlpm.runtime.encoder.EncoderWorkspace;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.model.EncoderFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.parameters.TensorSlot;
import dev.nlpm.runtime.testing.CentralDifference;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each encoder shape's generated {@code <Model>Passes}, compiled, computes the runtime {@code
 * Encoder}'s bits: the same losses and the same gradient of every parameter in training (with
 * dropout and padding, with dropout off), the same losses in evaluation, the same hidden states,
 * pooled outputs and logits in inference, at one thread and at three. The shapes: BERT's with and
 * without NSP, RoBERTa's names and position rows, ALBERT's factorized embeddings under each kind
 * of cross-layer sharing with SOP, pre-LayerNorm layers with sinusoidal positions, no token types
 * and no pooler (with and without a pair head), DistilBERT's names, no positions, factorized
 * embeddings under BERT's names, each activation, and the fine-tuning heads (BERT's sequence head
 * alone, after NSP, without MLM, beside a token head; a token head; RoBERTa's and DistilBERT's
 * sequence heads), whose training passes are also checked against central differences. All are
 * compiled in one go.
 */
class EncoderPassesGeneratedTest {

  /** A shape: its model's name, what its declaration adds to the tiny sizes, and whether a pair head (NSP or SOP) trains. */
  record Shape(String name, String declaration, boolean pair) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String SEQUENCE_HEAD = "  head sequence_classification { labels = 3; }\n";
  private static final String TOKEN_HEAD = "  head token_classification { labels = 4; }\n";

  static final List<Shape> SHAPES = List.of(
      new Shape("Bert", "  objective mlm;\n  objective nsp;\n", true),
      new Shape("BertMlm", "  objective mlm;\n", false),
      new Shape("Roberta", "  names = roberta;\n  embeddings { segments = 1; }\n  objective mlm;\n", false),
      new Shape("Albert", "  names = albert;\n  sharing = all;\n  embeddings { size = 4; }\n  objective mlm;\n  objective sop;\n", true),
      new Shape("AlbertAttention", "  names = albert;\n  sharing = attention;\n  embeddings { size = 4; }\n  objective mlm;\n  objective sop;\n",
          true),
      new Shape("AlbertFfn", "  names = albert;\n  sharing = ffn;\n  objective mlm;\n  objective sop;\n", true),
      new Shape("PreLn", "  norm { placement = pre; }\n  pooler = false;\n  embeddings { positions = sinusoidal; segments = 0; }\n"
          + "  objective mlm;\n", false),
      new Shape("PreLnPair", "  norm { placement = pre; }\n  pooler = false;\n  objective mlm;\n  objective nsp;\n", true),
      new Shape("Distilbert", "  names = distilbert;\n  pooler = false;\n  embeddings { segments = 0; }\n  objective mlm;\n", false),
      new Shape("NoPositions", "  embeddings { positions = none; }\n  objective mlm;\n  objective nsp;\n", true),
      new Shape("Factorized", "  embeddings { size = 4; }\n  objective mlm;\n", false),
      new Shape("GeluTanh", "  activation = gelu_tanh;\n  objective mlm;\n", false),
      new Shape("Relu", "  activation = relu;\n  objective mlm;\n", false),
      new Shape("Tanh", "  activation = tanh;\n  objective mlm;\n", false),
      new Shape("Silu", "  activation = silu;\n  objective mlm;\n", false),
      new Shape("BertSequence", "  objective mlm;\n" + SEQUENCE_HEAD, false),
      new Shape("BertToken", "  objective mlm;\n" + TOKEN_HEAD, false),
      new Shape("BertPairSequence", "  objective mlm;\n  objective nsp;\n" + SEQUENCE_HEAD, true),
      new Shape("BertBothHeads", "  objective mlm;\n  objective nsp;\n" + SEQUENCE_HEAD + TOKEN_HEAD, true),
      new Shape("RobertaSequence", "  names = roberta;\n  embeddings { segments = 1; }\n  objective mlm;\n" + SEQUENCE_HEAD, false),
      new Shape("PairSequence", "  objective nsp;\n" + SEQUENCE_HEAD, true),
      new Shape("DistilbertSequence", "  names = distilbert;\n  pooler = false;\n  embeddings { segments = 0; }\n  objective mlm;\n"
          + SEQUENCE_HEAD, false));

  private static ClassLoader loader;

  /** Every shape at tiny sizes, in one compilation. */
  static Compilation compileShapes() {
    StringBuilder text = new StringBuilder("package gen;\n");
    for (Shape shape : SHAPES) {
      text.append("model ").append(shape.name()).append(" : encoder {\n")
          .append("  vocab = 30; hidden = 8; layers = 2; heads = 2; intermediate = 16; max_length = 14;\n")
          .append(shape.declaration()).append("}\n");
    }
    return Models.compile("shapes.nlpm", text.toString());
  }

  @BeforeAll
  static void compileEveryShape() {
    Compilation compilation = compileShapes();
    for (Shape shape : SHAPES) {
      assertTrue(compilation.files().stream().map(GeneratedFile::qualifiedName).anyMatch(("gen." + shape.name() + "Passes")::equals),
          "the compiler emits " + shape.name() + "'s passes");
    }
    loader = InMemoryJavac.compile(compilation.files()).loader();
  }

  static Stream<Shape> shapes() {
    return SHAPES.stream();
  }

  /** Three padded sequences with MLM positions, NSP labels, and labels for the config's fine-tuning heads. */
  private static EncoderBatch batch(EncoderConfig config) {
    boolean segmented = config.segments() > 1;
    Random random = new Random(3);
    int b = 3;
    int t = 10;
    int[] ids = new int[b * t];
    int[] segments = new int[b * t];
    int[] mlm = new int[b * t];
    Arrays.fill(mlm, EncoderBatch.IGNORED);
    int[] lengths = {10, 7, 4};
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < t; i++) {
        int r = s * t + i;
        ids[r] = i < lengths[s] ? 5 + random.nextInt(25) : 0;
        segments[r] = !segmented || i < lengths[s] / 2 ? 0 : 1;
        if (i > 0 && i < lengths[s] && random.nextInt(3) == 0) {
          mlm[r] = ids[r];
          ids[r] = 4;
        }
      }
    }
    int[] sequenceLabels = config.sequenceLabels() > 0 ? new int[] {2, 0, 1} : null;
    int[] tokenLabels = null;
    if (config.tokenLabels() > 0) {
      tokenLabels = new int[b * t];
      for (int r = 0; r < b * t; r++) {
        tokenLabels[r] = r % t < lengths[r / t] ? random.nextInt(config.tokenLabels()) : EncoderBatch.IGNORED;
      }
    }
    return new EncoderBatch(b, t, ids, segments, lengths, config.mlm() ? mlm : null, new int[] {0, 1, 1}, sequenceLabels, tokenLabels);
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void theGeneratedPassesComputeTheEncodersBits(Shape shape) throws Exception {
    EncoderFacade facade = loader.loadClass("gen." + shape.name() + "Model").asSubclass(EncoderFacade.class).getConstructor().newInstance();
    boolean nsp = shape.pair();
    ParameterRows parameters = facade.newParameters(11);
    EncoderBatch batch = batch(facade.config());
    try (Parallel one = new Parallel(1); Parallel three = new Parallel(3)) {
      for (Parallel parallel : new Parallel[] {one, three}) {
        EncoderPasses<?> generated = facade.newEncoder(parameters, parallel);
        assertEquals("gen." + shape.name() + "Passes", generated.getClass().getName(), "the facade runs on the generated passes");
        Encoder encoder = new Encoder(facade.config(), generated.kernels(), parameters, parallel);
        float[] first = null;
        for (long seed : new long[] {5, 6}) {
          float[] gradients = sameTraining(generated, encoder, batch, seed, parameters, nsp);
          if (first != null) {
            // the seed reaches the dropout masks: another seed, other gradients
            assertFalse(Arrays.equals(first, gradients));
          }
          first = gradients;
        }
        EncoderPasses<?> undropped = (EncoderPasses<?>) generated.getClass().getMethod("withoutDropout").invoke(generated);
        assertEquals(0f, undropped.config().hiddenDropout());
        sameTraining(undropped, new Encoder(facade.config().withoutDropout(), generated.kernels(), parameters, parallel), batch, 5,
            parameters, nsp);
        sameEvaluation(generated, encoder, batch);
        sameInference(generated, encoder, batch, nsp);
      }
    }
  }

  static Stream<Shape> headShapes() {
    return SHAPES.stream().filter(shape -> shape.declaration().contains("head "));
  }

  /**
   * Each fine-tuning head's training pass (dropout on, one seed) against central differences: every
   * element of the head's tensors, and samples of the tensors its gradient reaches first (the
   * pooler, the last layer's output, the word embeddings). The parameters are spread wider than
   * the initialization's 0.02 and the step is 1e-3, so that DistilBERT's ReLU rarely has a unit
   * within a step of its kink (where a difference would bend).
   */
  @ParameterizedTest
  @MethodSource("headShapes")
  void aHeadsGradientsMatchCentralDifferences(Shape shape) throws Exception {
    EncoderFacade facade = loader.loadClass("gen." + shape.name() + "Model").asSubclass(EncoderFacade.class).getConstructor().newInstance();
    ParameterRows parameters = spread(facade.newParameters(11));
    EncoderBatch batch = batch(facade.config());
    try (Parallel parallel = new Parallel(1)) {
      EncoderPasses<?> passes = facade.newEncoder(parameters, parallel);
      ParameterRows gradients = parameters.zerosLike();
      train(passes, batch, gradients, 5);
      float[] analytic = gradients.toFlat();
      Random pick = new Random(7);
      int heads = 0;
      for (TensorSlot slot : parameters.layout().slots()) {
        boolean head = slot.group().endsWith("classification_head");
        boolean reached = slot.name().startsWith("pooler") || slot.name().contains("layer.1.output") || slot.name().contains("layer.1.ffn.lin2")
            || slot.name().startsWith("embeddings.word");
        if (slot.tiedTo().isPresent() || !(head || reached)) {
          continue;
        }
        int elements = slot.shape().stream().reduce(1, (a, b) -> a * b);
        for (int k = 0; k < (head ? elements : 4); k++) {
          int index = slot.offset() + (head ? k : slot.name().startsWith("embeddings.word")
              ? batch.ids()[1 + k] * facade.config().hidden() + pick.nextInt(facade.config().hidden()) : pick.nextInt(elements));
          CentralDifference.assertMatches(slot.name() + " element " + (index - slot.offset()), analytic[index],
              CentralDifference.at(parameters, index), 1e-3f, 5e-4, 2e-2, () -> train(passes, batch, parameters.zerosLike(), 5).total());
        }
        heads += head ? 1 : 0;
      }
      assertTrue(heads >= 2, "the head's tensors were checked");
    }
  }

  /** The parameters redrawn normal with deviation 0.3 (LayerNorm gains around 1). */
  private static ParameterRows spread(ParameterRows parameters) {
    Random random = new Random(13);
    float[] flat = parameters.toFlat();
    for (TensorSlot slot : parameters.layout().slots()) {
      String name = slot.name().toLowerCase(java.util.Locale.ROOT);
      boolean gain = (name.contains("layernorm") || name.contains("layer_norm")) && name.endsWith(".weight");
      int elements = slot.shape().stream().reduce(1, (a, b) -> a * b);
      for (int i = 0; i < elements && slot.tiedTo().isEmpty(); i++) {
        flat[slot.offset() + i] = (float) ((gain ? 1 : 0) + 0.3 * random.nextGaussian());
      }
    }
    parameters.importFrom(flat);
    return parameters;
  }

  /** Trains both once from zeroed gradients; returns the (equal) gradients. */
  private static float[] sameTraining(EncoderPasses<?> generated, Encoder encoder, EncoderBatch batch, long seed, ParameterRows parameters,
      boolean nsp) {
    ParameterRows expected = parameters.zerosLike();
    EncoderPasses.Losses losses = encoder.train(batch, encoder.workspace(3, 10, batch.mlmPositions().length), expected, seed);
    ParameterRows actual = parameters.zerosLike();
    EncoderPasses.Losses mine = train(generated, batch, actual, seed);
    assertEquals(losses, mine, "losses at seed " + seed);
    assertTrue(Float.isFinite(mine.total()) && (mine.mlm() > 0) == encoder.config().mlm() && (mine.nsp() > 0) == nsp);
    assertEquals(batch.sequenceLabels() != null, mine.sequence() > 0, "a sequence head's loss");
    assertEquals(batch.tokenLabels() != null, mine.token() > 0, "a token head's loss");
    float[] gradients = actual.toFlat();
    assertArrayEquals(expected.toFlat(), gradients, "gradients at seed " + seed);
    assertTrue(norm(gradients) > 0);
    return gradients;
  }

  private static <W extends EncoderActivations> EncoderPasses.Losses train(EncoderPasses<W> passes, EncoderBatch batch, ParameterRows gradients,
      long seed) {
    return passes.train(batch, passes.workspace(3, 10, batch.mlmPositions().length), gradients, seed);
  }

  private static void sameEvaluation(EncoderPasses<?> generated, Encoder encoder, EncoderBatch batch) {
    int longest = generated.config().maxLength();
    assertEquals(encoder.evaluate(batch, encoder.workspace(3, longest, 16)), evaluate(generated, batch, longest));
  }

  private static <W extends EncoderActivations> EncoderPasses.Losses evaluate(EncoderPasses<W> passes, EncoderBatch batch, int longest) {
    return passes.evaluate(batch, passes.workspace(3, longest, 16));
  }

  private static void sameInference(EncoderPasses<?> generated, Encoder encoder, EncoderBatch batch, boolean nsp) {
    int[] rows = generated.config().mlm() ? new int[] {1, 4, 12, 20, 21} : new int[0];
    EncoderWorkspace expected = encoder.workspace(3, 10, rows.length);
    encoder.infer(batch, expected, rows);
    EncoderActivations actual = infer(generated, batch, rows);
    for (int r = 0; r < batch.rows(); r++) {
      assertArrayEquals(expected.hidden(r), actual.hidden(r), "hidden state of row " + r);
    }
    for (int s = 0; s < batch.batch(); s++) {
      assertArrayEquals(expected.pooled(s), actual.pooled(s), "pooled output of sequence " + s);
      if (nsp) {
        assertArrayEquals(expected.nspLogits(s), actual.nspLogits(s), "NSP logits of sequence " + s);
      }
    }
    for (int s = 0; s < batch.batch() && batch.sequenceLabels() != null; s++) {
      assertArrayEquals(expected.sequenceLogits(s), actual.sequenceLogits(s), "sequence logits of sequence " + s);
    }
    for (int r = 0; r < batch.rows() && batch.tokenLabels() != null; r++) {
      assertArrayEquals(expected.tokenLogits(r), actual.tokenLogits(r), "token logits of row " + r);
    }
    assertEquals(rows.length, actual.predictions());
    for (int i = 0; i < rows.length; i++) {
      assertEquals(rows[i], actual.predictionRow(i));
      assertArrayEquals(expected.mlmLogits(i), actual.mlmLogits(i), "MLM logits at row " + rows[i]);
    }
  }

  private static <W extends EncoderActivations> EncoderActivations infer(EncoderPasses<W> passes, EncoderBatch batch, int[] rows) {
    W ws = passes.workspace(4, 11, 8);
    passes.infer(batch, ws, rows);
    return ws;
  }

  private static double norm(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return sum;
  }
}
