package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.plan.ModelPlan;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Parameter counts, computed by the planner from the declared dimensions, against the reference
 * implementations' published counts and against closed-form formulas written here, apart from
 * the planner's code.
 */
class ParameterCountsTest {

  @Test
  void standardBackbonesHaveTheReferenceCounts() throws IOException {
    Map<String, ModelPlan> plans =
        Models.standard().plans().stream().collect(Collectors.toMap(p -> p.model().name(), Function.identity()));
    // HuggingFace's models: BertModel (with pooler), RobertaModel, AlbertModel, DistilBertModel, GPT2Model.
    assertEquals(109_482_240L, plans.get("BertBase").parameterCount("backbone"));
    assertEquals(124_645_632L, plans.get("RobertaBase").parameterCount("backbone"));
    assertEquals(11_683_584L, plans.get("AlbertBase").parameterCount("backbone"));
    assertEquals(66_362_880L, plans.get("DistilBertBase").parameterCount("backbone"));
    assertEquals(124_439_808L, plans.get("Gpt2Small").parameterCount("backbone"));
    assertEquals(4_385_920L, plans.get("BertTiny").parameterCount("backbone"));
  }

  // ---- independent formulas ----

  static long linear(long in, long out) {
    return in * out + out;
  }

  static long encoderLayer(long h, long i) {
    return 4 * linear(h, h) + 2 * h + linear(h, i) + linear(i, h) + 2 * h;
  }

  @Test
  void randomEncodersMatchTheFormula() {
    Random random = new Random(1);
    for (int n = 0; n < 60; n++) {
      long heads = 1 + random.nextInt(4);
      long h = heads * (4 + random.nextInt(12));
      long e = random.nextBoolean() ? h : 1 + random.nextInt((int) h);
      long i = 1 + random.nextInt(100);
      long v = 2 + random.nextInt(3000);
      long layers = 1 + random.nextInt(5);
      long maxLength = 8 + random.nextInt(100);
      long segments = random.nextInt(3);
      boolean pooler = random.nextBoolean();
      boolean shareAll = random.nextBoolean();
      String text =
          "model M : encoder { vocab = %d; hidden = %d; heads = %d; intermediate = %d; layers = %d; max_length = %d; pooler = %s; sharing = %s; embeddings { size = %d; segments = %d; } objective mlm; }"
              .formatted(v, h, heads, i, layers, maxLength, pooler, shareAll ? "all" : "none", e, segments);
      ModelPlan plan = Models.compile("m.nlpm", text).plans().get(0);
      long embeddings = v * e + maxLength * e + segments * e + 2 * e + (e != h ? linear(e, h) : 0);
      long backbone = embeddings + (shareAll ? 1 : layers) * encoderLayer(h, i) + (pooler ? linear(h, h) : 0);
      assertEquals(backbone, plan.parameterCount("backbone"), text);
      long mlm = v + linear(h, e) + 2 * e;
      assertEquals(mlm, plan.parameterCount("mlm_head"), text);
      assertEquals(backbone + mlm, plan.maxParameterCount(), text);
    }
  }

  @Test
  void randomDecodersMatchTheFormula() {
    Random random = new Random(2);
    for (int n = 0; n < 60; n++) {
      long heads = 1 + random.nextInt(4);
      long h = heads * (2 + random.nextInt(12));
      long i = 1 + random.nextInt(100);
      long v = 2 + random.nextInt(3000);
      long layers = 1 + random.nextInt(5);
      long maxLength = 8 + random.nextInt(100);
      boolean tie = random.nextBoolean();
      int blockwise = random.nextBoolean() ? 0 : 2 + random.nextInt(4);
      String text =
          "model M : decoder { vocab = %d; hidden = %d; heads = %d; intermediate = %d; layers = %d; max_length = %d; tie_embeddings = %s; objective clm; %s }"
              .formatted(v, h, heads, i, layers, maxLength, tie, blockwise > 0 ? "decoding blockwise { k = " + blockwise + "; }" : "");
      ModelPlan plan = Models.compile("m.nlpm", text).plans().get(0);
      // GPT-2: ln_1, fused qkv, projection, ln_2, fc, projection; then ln_f.
      long layer = 2 * h + linear(h, 3 * h) + linear(h, h) + 2 * h + linear(h, i) + linear(i, h);
      long backbone = v * h + maxLength * h + layers * layer + 2 * h;
      assertEquals(backbone, plan.parameterCount("backbone"), text);
      assertEquals(tie ? 0 : v * h, plan.parameterCount("lm_head"), text);
      assertEquals(blockwise * linear(h, h), plan.parameterCount("blockwise_heads"), text);
    }
  }

  @Test
  void randomRecurrentModelsMatchTheFormula() {
    Random random = new Random(3);
    for (int n = 0; n < 60; n++) {
      long v = 2 + random.nextInt(500);
      long e = 1 + random.nextInt(40);
      long h = 1 + random.nextInt(40);
      long layers = 1 + random.nextInt(4);
      String text = "model M : lstm_lm { vocab = %d; embedding = %d; hidden = %d; layers = %d; objective clm; }".formatted(v, e, h, layers);
      ModelPlan plan = Models.compile("m.nlpm", text).plans().get(0);
      // torch.nn.LSTM: W_ih [4h, in], W_hh [4h, h] and two biases of 4h per layer.
      long lstm = 4 * h * e + 4 * h * h + 8 * h + (layers - 1) * (4 * h * h + 4 * h * h + 8 * h);
      assertEquals(v * e + lstm, plan.parameterCount("backbone"), text);
      assertEquals(v * h + v, plan.parameterCount("lm_head"), text);

      long source = 2 + random.nextInt(500);
      long target = 2 + random.nextInt(500);
      boolean gru = random.nextBoolean();
      String seq =
          "model S : rnn_seq2seq { source_vocab = %d; target_vocab = %d; embedding = %d; hidden = %d; layers = %d; cell = %s; bidirectional = true; attention general; objective translation; }"
              .formatted(source, target, e, h, layers, gru ? "gru" : "lstm");
      ModelPlan seqPlan = Models.compile("s.nlpm", seq).plans().get(0);
      long g = gru ? 3 : 4;
      long c = 2 * h;
      long encoder = source * e;
      for (long l = 0; l < layers; l++) {
        long in = l == 0 ? e : c;
        encoder += 2 * (g * h * in + g * h * h + 2 * g * h);
      }
      long decoder = target * e + linear(c, h) + c * h;
      for (long l = 0; l < layers; l++) {
        long in = l == 0 ? e + c : h;
        decoder += g * h * in + g * h * h + 2 * g * h;
      }
      decoder += linear(h + c, h);
      assertEquals(encoder + decoder, seqPlan.parameterCount("backbone"), seq);
      assertEquals(linear(h, target), seqPlan.parameterCount("lm_head"), seq);
    }
  }

  @Test
  void randomTransformerTranslatorsMatchTheFormula() {
    Random random = new Random(4);
    for (int n = 0; n < 60; n++) {
      long heads = 1 + random.nextInt(4);
      long h = heads * (2 + random.nextInt(8));
      long i = 1 + random.nextInt(64);
      long v = 2 + random.nextInt(2000);
      long encoderLayers = 1 + random.nextInt(4);
      long decoderLayers = 1 + random.nextInt(4);
      boolean nat = random.nextBoolean();
      long maxTarget = 1 + random.nextInt(100);
      String text =
          nat
              ? "model N : nat { vocab = %d; hidden = %d; heads = %d; intermediate = %d; max_target_length = %d; encoder { layers = %d; } decoder { layers = %d; } objective cmlm; objective length; }"
                  .formatted(v, h, heads, i, maxTarget, encoderLayers, decoderLayers)
              : "model T : transformer_seq2seq { vocab = %d; hidden = %d; heads = %d; intermediate = %d; encoder { layers = %d; } decoder { layers = %d; } objective translation; }"
                  .formatted(v, h, heads, i, encoderLayers, decoderLayers);
      ModelPlan plan = Models.compile("t.nlpm", text).plans().get(0);
      long ffn = linear(h, i) + linear(i, h) + 2 * h;
      long encoderLayer = 4 * linear(h, h) + 2 * h + ffn;
      long decoderLayer = 8 * linear(h, h) + 4 * h + ffn;
      // A joint vocabulary: one shared table; sinusoidal positions have no parameters.
      assertEquals(v * h + encoderLayers * encoderLayer + decoderLayers * decoderLayer, plan.parameterCount("backbone"), text);
      assertEquals(nat ? (maxTarget + 1) * h : 0, plan.parameterCount("length_head"), text);
    }
  }

  @Test
  void word2vecCountsAtTheLargestVocabulary() {
    Compilation compilation =
        Models.compile("w.nlpm", "model W : word2vec { dim = 50; max_vocab = 1000; objective cbow { output = hierarchical_softmax; } }");
    ModelPlan plan = compilation.plans().get(0);
    assertEquals(50_000, plan.parameterCount("backbone"));
    assertEquals(50_000, plan.parameterCount("output_layer"));
    assertEquals(true, plan.runtimeVocabulary());
  }
}
