package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.runtime.decoder.BoundDecoder;
import dev.nlpm.runtime.decoder.DecoderActivations;
import dev.nlpm.runtime.decoder.DecoderPasses;
import dev.nlpm.runtime.decoder.FedTokens;
import dev.nlpm.runtime.decoder.KeyValueCache;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.model.DecoderFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.testing.CentralDifference;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decoder shapes beyond GPT-2's, each a tiny model generated and compiled together in one
 * javac run: post-LayerNorm blocks (no final LayerNorm), sinusoidal and no positions, each kind of
 * cross-layer sharing, and factorized embeddings (mapped to the hidden width; the output untied, or tied
 * through {@code embedding_hidden_mapping_out} back to their width). For each, the generated training pass's gradient of every tensor matches
 * central differences of its loss (a shared tensor's gradient summed over the layers that use it),
 * and the cached decoding step ({@code CachedDecoding} of the shape the passes hand it) gives the
 * full forward pass's logits at every position, over a prompt fed in one pass and greedily decoded
 * tokens fed one at a time. GPT-2's own shape is pinned to the runtime's {@code Decoder} bit for bit
 * by {@link DecoderPassesGeneratedTest}.
 */
class DecoderShapesGeneratedTest {

  private static final int BATCH = 2;
  private static final int LENGTH = 5;
  private static final int VOCAB = 23;
  private static final int MAX_LENGTH = 9;

  /** One shape: its LayerNorm placement, positions, sharing, and whether its output is tied. */
  enum Shape {
    PostNorm("post", "learned", "none", false),
    Sinusoidal("pre", "sinusoidal", "none", true),
    NoPositions("pre", "none", "none", true),
    SharingAll("pre", "learned", "all", true),
    SharingAttention("pre", "learned", "attention", false),
    SharingFfn("pre", "learned", "ffn", true),
    PostSinusoidalSharingAll("post", "sinusoidal", "all", true),
    FactorizedUntied("pre", "learned", "none", false, 8),
    FactorizedSinusoidalSharingAll("post", "sinusoidal", "all", false, 6),
    FactorizedTied("pre", "learned", "none", true, 8),
    FactorizedTiedPostSinusoidalSharingAll("post", "sinusoidal", "all", true, 6);

    final String placement;
    final String positions;
    final String sharing;
    final boolean tied;
    /** The embeddings' width: hidden's 12 unless factorized. */
    final int embeddingSize;

    Shape(String placement, String positions, String sharing, boolean tied) {
      this(placement, positions, sharing, tied, 12);
    }

    Shape(String placement, String positions, String sharing, boolean tied, int embeddingSize) {
      this.placement = placement;
      this.positions = positions;
      this.sharing = sharing;
      this.tied = tied;
      this.embeddingSize = embeddingSize;
    }

    String declaration() {
      return "model " + name() + " : decoder {\n  vocab = " + VOCAB + "; hidden = 12; layers = 2; heads = 3; intermediate = 20; max_length = "
          + MAX_LENGTH + ";\n  activation = gelu_tanh;\n  tie_embeddings = " + tied + ";\n  sharing = " + sharing + ";\n"
          // GPT-2's names have neither sharing nor factorized embeddings; a decoder's nlpm names are GPT-2's otherwise
          + (sharing.equals("none") && embeddingSize == 12 ? "" : "  names = nlpm;\n")
          + "  embeddings { positions = " + positions + "; size = " + embeddingSize + "; }\n  norm { placement = " + placement + "; eps = 1e-5; }\n"
          + "  dropout { hidden = 0.1; attention = 0.1; }\n  attention causal;\n  tokenizer bpe;\n  objective clm;\n  decoding greedy;\n}\n";
    }
  }

  private static ClassLoader loader;

  @BeforeAll
  static void compileEveryShape() {
    StringBuilder text = new StringBuilder("package gen;\n");
    for (Shape shape : Shape.values()) {
      text.append(shape.declaration());
    }
    Compilation compilation = Models.compile("shapes.nlpm", text.toString());
    assertEquals(java.util.List.of(), compilation.diagnostics(), "every shape runs: no warning");
    for (Shape shape : Shape.values()) {
      assertTrue(compilation.files().stream().map(GeneratedFile::qualifiedName).anyMatch(("gen." + shape.name() + "Passes")::equals),
          shape + " gets its passes");
    }
    loader = InMemoryJavac.compile(compilation.files()).loader();
  }

  private static DecoderFacade facade(Shape shape) throws Exception {
    return loader.loadClass("gen." + shape.name() + "Model").asSubclass(DecoderFacade.class).getConstructor().newInstance();
  }

  /**
   * The initialization's parameters moved by noise of 0.2 per element, so that every gradient is
   * well above the central differences' rounding (GPT-2's initialization draws 0.02).
   */
  private static ParameterRows parameters(DecoderFacade facade) {
    ParameterRows parameters = facade.newParameters(11);
    float[] flat = parameters.toFlat();
    Random noise = new Random(13);
    for (int i = 0; i < flat.length; i++) {
      flat[i] += (float) (0.2 * noise.nextGaussian());
    }
    parameters.importFrom(flat);
    return parameters;
  }

  private static int[] ids(long seed, int count) {
    Random random = new Random(seed);
    int[] ids = new int[count];
    for (int i = 0; i < count; i++) {
      ids[i] = random.nextInt(VOCAB);
    }
    return ids;
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void theTrainingPassesGradientsMatchCentralDifferences(Shape shape) throws Exception {
    DecoderFacade facade = facade(shape);
    ParameterRows parameters = parameters(facade);
    try (Parallel parallel = new Parallel(1)) {
      DecoderPasses<?> generated = facade.newDecoder(parameters, parallel);
      DecoderPasses<?> passes = (DecoderPasses<?>) generated.getClass().getMethod("withoutDropout").invoke(generated);
      int[] ids = ids(3, BATCH * LENGTH);
      int[] labels = ids.clone();
      labels[2] = -100;
      ParameterRows gradients = parameters.zerosLike();
      float loss = BoundDecoder.of(passes, BATCH, LENGTH).train(ids, labels, BATCH, LENGTH, gradients, 0);
      assertTrue(Float.isFinite(loss) && loss > 0, shape + " loss " + loss);
      float[] analytic = gradients.toFlat();
      var bound = BoundDecoder.of(passes, BATCH, LENGTH);
      Random pick = new Random(17);
      for (var slot : parameters.layout().slots()) {
        if (slot.tiedTo().isPresent()) {
          continue;
        }
        for (int sample = 0; sample < 3; sample++) {
          int index = slot.offset() + pick.nextInt(slot.elements());
          CentralDifference.assertMatches(shape + " " + slot.name() + " element " + (index - slot.offset()), analytic[index],
              CentralDifference.at(parameters, index), 1e-2f, 5e-4, 2e-2, () -> trainingLoss(bound, ids, labels, parameters));
        }
      }
    }
  }

  /** The training pass's loss at the current parameters (its gradients thrown away): what the gradients differentiate. */
  private static double trainingLoss(BoundDecoder<?> bound, int[] ids, int[] labels, ParameterRows parameters) {
    return bound.train(ids, labels, BATCH, LENGTH, parameters.zerosLike(), 0);
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void theCachedStepGivesTheFullForwardsLogitsAtEveryPosition(Shape shape) throws Exception {
    DecoderFacade facade = facade(shape);
    ParameterRows parameters = parameters(facade);
    try (Parallel one = new Parallel(1); Parallel three = new Parallel(3)) {
      for (Parallel parallel : new Parallel[] {one, three}) {
        DecoderPasses<?> passes = facade.newDecoder(parameters, parallel);
        int[] prompt = {4, 9, 1};
        int[] sequence = Greedy.decode(passes.step(MAX_LENGTH), prompt, DecodingOptions.of(5));
        assertEquals(prompt.length + 5, sequence.length);
        int t = sequence.length;
        DecoderActivations full = BoundDecoder.of(passes, 1, t).forward(sequence, 1, t);
        KeyValueCache cache = passes.cache(MAX_LENGTH);
        FedTokens fed = passes.extend(cache, prompt);
        for (int j = 0; j < prompt.length; j++) {
          assertClose(full.hidden(j), fed.hidden()[j], shape + " hidden state after prompt token " + j);
          assertClose(full.logits(j), fed.logits()[j], shape + " logits after prompt token " + j);
        }
        for (int j = prompt.length; j < t; j++) {
          // greedy decoding chose the full forward's most likely next token
          assertEquals(argmax(full.logits(j - 1)), sequence[j], shape + " token " + j);
          passes.advance(new KeyValueCache[] {cache}, new int[] {sequence[j]});
          assertClose(full.logits(j), cache.logits(), shape + " logits after token " + j);
        }
      }
    }
  }

  /** Equal up to a kernel's summation order: |a − b| ≤ 1e-5 + 1e-4·|b|. */
  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      float e = expected[i];
      assertTrue(Math.abs(actual[i] - e) <= 1e-5 + 1e-4 * Math.abs(e),
          what + " [" + i + "]: forward " + e + ", cached " + actual[i] + " of " + Arrays.toString(actual));
    }
  }

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
