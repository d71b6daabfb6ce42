package dev.nlpm.compiler.plan;

import static dev.nlpm.compiler.plan.Specs.AT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.FineTuningHead;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.ir.Vocabulary;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random configurations of every family, planned and checked against closed-form
 * parameter counts written here, apart from the planner: each group's count, the total, and the
 * plan's own consistency (unique names, contiguous storage).
 */
class RandomConfigurationsTest {

  static final int PER_FAMILY = 60;

  static long linear(long in, long out) {
    return in * out + out;
  }

  static long norm(long size) {
    return 2 * size;
  }

  /**
   * What the plan must count, group by group (a group holding only tied tensors counts 0 and is
   * left out on both sides), in all, and a plan with unique names stored contiguously.
   */
  private static void check(ModelSpec model, Map<String, Long> expected) {
    ModelPlan plan = Planner.plan(model);
    Map<String, Long> actual = new LinkedHashMap<>();
    for (String group : plan.groups()) {
      actual.put(group, plan.parameterCount(group));
    }
    actual.values().removeIf(count -> count == 0);
    Map<String, Long> wanted = new LinkedHashMap<>(expected);
    wanted.values().removeIf(count -> count == 0);
    assertEquals(wanted, actual, model.toString());
    long total = expected.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(total, plan.maxParameterCount(), model.toString());
    Set<String> names = new HashSet<>();
    long next = 0;
    for (PlacedTensor placed : plan.placements()) {
      assertTrue(names.add(placed.tensor().name()), "twice: " + placed.tensor().name());
      if (placed.tensor().tiedTo().isEmpty()) {
        assertEquals(next, placed.offset(), placed.tensor().name());
        next += placed.tensor().size();
      }
    }
    assertEquals(total, next);
  }

  private static int pick(Random random, int from, int to) {
    return from + random.nextInt(to - from + 1);
  }

  @Test
  void encodersOfEveryNamingScheme() {
    Random random = new Random(11);
    CheckpointNames[] schemes = {CheckpointNames.BERT, CheckpointNames.ROBERTA, CheckpointNames.ALBERT, CheckpointNames.DISTILBERT, CheckpointNames.NLPM};
    for (int n = 0; n < PER_FAMILY * 2; n++) {
      CheckpointNames names = schemes[n % schemes.length];
      boolean distil = names == CheckpointNames.DISTILBERT;
      long heads = pick(random, 1, 4);
      long h = heads * pick(random, 1, 8);
      long e = distil || random.nextBoolean() ? h : pick(random, 1, (int) h);
      long i = pick(random, 1, 40);
      long v = pick(random, 2, 500);
      long layers = pick(random, 1, 5);
      long maxLength = pick(random, 4, 40);
      long segments = distil ? 0 : pick(random, 0, 3);
      boolean pooler = !distil && random.nextBoolean();
      Sharing sharing = distil ? Sharing.NONE : Sharing.values()[random.nextInt(4)];
      Positions positions = random.nextInt(4) == 0 ? Positions.SINUSOIDAL : Positions.LEARNED;
      int linformerChoice = random.nextInt(5);
      long k = pick(random, 1, (int) maxLength);
      Attention attention =
          linformerChoice < 3
              ? Specs.linformer((int) k, Attention.ProjectionSharing.values()[linformerChoice])
              : Specs.full();
      List<Objective> objectives = new ArrayList<>();
      boolean span = random.nextBoolean();
      objectives.add(span ? Specs.span() : Specs.mlm());
      long maxSpan = pick(random, 1, 12);
      long positionSize = pick(random, 1, 20);
      boolean sbo = span && e == h && random.nextBoolean();
      if (sbo) {
        objectives.add(Specs.sbo((int) maxSpan, (int) positionSize));
      }
      int sentence = segments >= 2 ? random.nextInt(3) : 0;
      if (sentence == 1) {
        objectives.add(Specs.nsp());
      } else if (sentence == 2) {
        objectives.add(Specs.sop());
      }
      List<FineTuningHead> fineTuning = new ArrayList<>();
      long labels = pick(random, 2, 9);
      long tokenLabels = pick(random, 2, 9);
      if (random.nextBoolean()) {
        fineTuning.add(Specs.sequenceClassification((int) labels));
      }
      if (random.nextBoolean()) {
        fineTuning.add(Specs.tokenClassification((int) tokenLabels));
      }
      Architecture.Encoder encoder =
          new Architecture.Encoder(
              AT,
              Specs.embeddings(Specs.fixed((int) v), (int) e, positions, (int) maxLength, (int) segments),
              Specs.stack((int) layers, (int) h, (int) heads, (int) i, Norm.Placement.POST, attention, sharing),
              pooler);
      ModelSpec model = Specs.model("E" + n, encoder, names, objectives, List.of(), fineTuning);

      boolean albert = names == CheckpointNames.ALBERT;
      long embeddings = v * e + (positions == Positions.LEARNED ? maxLength * e : 0) + segments * e + norm(e) + (e != h || albert ? linear(e, h) : 0);
      long perLayerProjection = linformerChoice == 0 ? 2 * k * maxLength : linformerChoice == 1 ? k * maxLength : 0;
      long attentionBlock = 4 * linear(h, h) + norm(h) + perLayerProjection;
      long ffn = linear(h, i) + linear(i, h) + norm(h);
      long stack =
          switch (sharing) {
            case NONE -> layers * (attentionBlock + ffn);
            case ALL -> attentionBlock + ffn;
            case ATTENTION -> attentionBlock + layers * ffn;
            case FFN -> ffn + layers * attentionBlock;
          };
      long backbone = embeddings + stack + (linformerChoice == 2 ? k * maxLength : 0) + (pooler ? linear(h, h) : 0);
      Map<String, Long> expected = new LinkedHashMap<>();
      expected.put("backbone", backbone);
      // Every scheme's MLM transform maps hidden to E, normalizes, and decodes with the tied table plus a bias.
      expected.put("mlm_head", linear(h, e) + norm(e) + v);
      if (sentence == 1) {
        expected.put("nsp_head", linear(h, 2));
      } else if (sentence == 2) {
        expected.put("sop_head", linear(h, 2));
      }
      if (sbo) {
        expected.put("sbo_head", maxSpan * positionSize + linear(2 * h + positionSize, h) + norm(h) + linear(h, h) + norm(h) + v);
      }
      for (FineTuningHead head : fineTuning) {
        boolean sequence = head instanceof FineTuningHead.SequenceClassification;
        long extra = sequence && (names == CheckpointNames.ROBERTA || distil) ? linear(h, h) : 0;
        expected.put(head.keyword() + "_head", extra + linear(h, head.labels()));
      }
      check(model, expected);
    }
  }

  @Test
  void decodersInGpt2AndTransformerXlNames() {
    Random random = new Random(12);
    for (int n = 0; n < PER_FAMILY; n++) {
      int scheme = n % 3; // gpt2, nlpm (GPT-2's names with segments and a factorized embedding), transfo_xl
      long heads = pick(random, 1, 4);
      long h = heads * pick(random, 1, 8);
      long e = scheme == 0 ? h : pick(random, 1, (int) h);
      long i = pick(random, 1, 40);
      long v = pick(random, 2, 500);
      long layers = pick(random, 1, 5);
      long maxLength = pick(random, 4, 40);
      long segments = scheme == 1 ? pick(random, 0, 3) : 0;
      boolean tie = e == h && random.nextBoolean();
      long k = random.nextBoolean() ? 0 : pick(random, 2, 5);
      boolean xl = scheme == 2;
      Positions positions = xl ? Positions.RELATIVE : Positions.LEARNED;
      Attention attention = xl ? Specs.xl(pick(random, 1, 50)) : Specs.causal();
      Norm.Placement placement = xl ? Norm.Placement.POST : Norm.Placement.PRE;
      Architecture.Decoder decoder =
          new Architecture.Decoder(
              AT,
              Specs.embeddings(Specs.fixed((int) v), (int) e, positions, (int) maxLength, (int) segments),
              Specs.stack((int) layers, (int) h, (int) heads, (int) i, placement, attention, Sharing.NONE),
              tie);
      List<Decoding> decodings = k > 0 ? List.of(Specs.greedy(), Specs.blockwise((int) k)) : List.of(Specs.greedy());
      CheckpointNames names = new CheckpointNames[] {CheckpointNames.GPT2, CheckpointNames.NLPM, CheckpointNames.TRANSFO_XL}[scheme];
      ModelSpec model = Specs.model("D" + n, decoder, names, List.of(Specs.clm()), decodings, List.of());

      Map<String, Long> expected = new LinkedHashMap<>();
      if (xl) {
        // Fused bias-free qkv, per-layer u and v [heads, head size], bias-free r_net and o_net.
        long layer = 3 * h * h + 2 * h + h * h + h * h + norm(h) + linear(h, i) + linear(i, h) + norm(h);
        expected.put("backbone", v * e + (e != h ? h * e : 0) + layers * layer);
        expected.put("lm_head", (tie ? 0 : v * e) + v + (e != h ? h * e : 0));
      } else {
        long layer = norm(h) + linear(h, 3 * h) + linear(h, h) + norm(h) + linear(h, i) + linear(i, h);
        long embeddings = v * e + maxLength * e + segments * e + (e != h ? linear(e, h) : 0);
        expected.put("backbone", embeddings + layers * layer + norm(h));
        expected.put("lm_head", tie ? 0 : v * h);
      }
      if (k > 0) {
        expected.put("blockwise_heads", k * linear(h, h));
      }
      check(model, expected);
    }
  }

  @Test
  void word2vecModels() {
    Random random = new Random(13);
    for (int n = 0; n < PER_FAMILY; n++) {
      long v = pick(random, 1, 5000);
      long dim = pick(random, 1, 300);
      Vocabulary vocab = random.nextBoolean() ? Specs.runtime((int) v) : Specs.fixed((int) v);
      ModelSpec model = Specs.word2vec("W" + n, vocab, (int) dim, random.nextBoolean());
      Map<String, Long> expected = new LinkedHashMap<>();
      expected.put("backbone", v * dim);
      expected.put("output_layer", v * dim);
      check(model, expected);
    }
  }

  @Test
  void lstmLanguageModels() {
    Random random = new Random(14);
    for (int n = 0; n < PER_FAMILY; n++) {
      long v = pick(random, 2, 500);
      long h = pick(random, 1, 40);
      boolean tie = random.nextBoolean();
      long e = tie ? h : pick(random, 1, 40);
      long layers = pick(random, 1, 4);
      ModelSpec model = Specs.lstm("L" + n, random.nextBoolean() ? Specs.runtime((int) v) : Specs.fixed((int) v), (int) e, (int) h, (int) layers, tie);
      // torch.nn.LSTM: W_ih [4h, in], W_hh [4h, h], b_ih and b_hh [4h] per layer.
      long lstm = 4 * h * e + 4 * h * h + 8 * h + (layers - 1) * (8 * h * h + 8 * h);
      Map<String, Long> expected = new LinkedHashMap<>();
      expected.put("backbone", v * e + lstm);
      expected.put("lm_head", (tie ? 0 : v * h) + v);
      check(model, expected);
    }
  }

  @Test
  void rnnEncoderDecoders() {
    Random random = new Random(15);
    for (int n = 0; n < PER_FAMILY; n++) {
      long sv = pick(random, 2, 500);
      boolean joint = random.nextBoolean();
      long tv = joint ? sv : pick(random, 2, 500);
      long e = pick(random, 1, 30);
      long h = pick(random, 1, 30);
      long layers = pick(random, 1, 3);
      boolean gru = random.nextBoolean();
      boolean bidirectional = random.nextBoolean();
      RnnAttention.Score score = RnnAttention.Score.values()[random.nextInt(3)];
      Vocabulary source = Specs.fixed((int) sv);
      Vocabulary target = joint ? source : Specs.fixed((int) tv);
      ModelSpec model =
          Specs.rnnSeq2Seq("R" + n, source, target, (int) e, (int) h, (int) layers, gru ? RnnCell.GRU : RnnCell.LSTM, bidirectional, score);
      long g = gru ? 3 : 4;
      long directions = bidirectional ? 2 : 1;
      long c = directions * h;
      long encoder = sv * e;
      for (long l = 0; l < layers; l++) {
        long in = l == 0 ? e : c;
        encoder += directions * (g * h * in + g * h * h + 2 * g * h);
      }
      long attention =
          switch (score) {
            case ADDITIVE -> h * h + c * h + h;
            case GENERAL -> c * h;
            case DOT -> c != h ? c * h : 0;
          };
      long decoder = (joint ? 0 : tv * e) + linear(c, h) + attention + linear(h + c, h);
      for (long l = 0; l < layers; l++) {
        long in = l == 0 ? e + c : h;
        decoder += g * h * in + g * h * h + 2 * g * h;
      }
      Map<String, Long> expected = new LinkedHashMap<>();
      expected.put("backbone", encoder + decoder);
      expected.put("lm_head", linear(h, tv));
      check(model, expected);
    }
  }

  @Test
  void transformerEncoderDecodersAndNat() {
    Random random = new Random(16);
    for (int n = 0; n < PER_FAMILY * 2; n++) {
      boolean nat = n % 2 == 1;
      long heads = pick(random, 1, 4);
      long h = heads * pick(random, 1, 8);
      long i = pick(random, 1, 40);
      long sv = pick(random, 2, 500);
      boolean shared = random.nextBoolean();
      long tv = shared ? sv : pick(random, 2, 500);
      long encoderLayers = pick(random, 1, 4);
      long decoderLayers = pick(random, 1, 4);
      long maxLength = pick(random, 4, 60);
      boolean learned = random.nextBoolean();
      boolean pre = random.nextBoolean();
      boolean tie = random.nextBoolean();
      long maxTarget = pick(random, 1, 100);
      long k = nat || random.nextBoolean() ? 0 : pick(random, 2, 4);
      Positions positions = learned ? Positions.LEARNED : Positions.SINUSOIDAL;
      Vocabulary sourceVocab = Specs.fixed((int) sv);
      Vocabulary targetVocab = shared ? sourceVocab : Specs.fixed((int) tv);
      Embeddings source = Specs.embeddings(sourceVocab, (int) h, positions, (int) maxLength, 0);
      Embeddings target = Specs.embeddings(targetVocab, (int) h, positions, (int) maxLength, 0);
      Norm.Placement placement = pre ? Norm.Placement.PRE : Norm.Placement.POST;
      TransformerStack encoder = Specs.stack((int) encoderLayers, (int) h, (int) heads, (int) i, placement, Specs.full(), Sharing.NONE);
      TransformerStack decoder =
          Specs.stack((int) decoderLayers, (int) h, (int) heads, (int) i, placement, nat ? Specs.full() : Specs.causal(), Sharing.NONE);
      Architecture architecture =
          nat
              ? new Architecture.Nat(AT, source, target, encoder, decoder, shared, tie, (int) maxTarget)
              : new Architecture.TransformerSeq2Seq(AT, source, target, encoder, decoder, shared, tie);
      List<Decoding> decodings = k > 0 ? List.of(Specs.blockwise((int) k)) : List.of();
      ModelSpec model =
          Specs.model("T" + n, architecture, CheckpointNames.NLPM, nat ? List.of(Specs.cmlm(), Specs.length()) : List.of(Specs.translation()), decodings, List.of());

      long ffn = linear(h, i) + linear(i, h) + norm(h);
      long encoderLayer = 4 * linear(h, h) + norm(h) + ffn;
      long decoderLayer = 8 * linear(h, h) + 2 * norm(h) + ffn;
      long positionTables = learned ? 2 * maxLength * h : 0;
      long finalNorms = pre ? 2 * norm(h) : 0;
      Map<String, Long> expected = new LinkedHashMap<>();
      expected.put(
          "backbone", sv * h + (shared ? 0 : tv * h) + positionTables + encoderLayers * encoderLayer + decoderLayers * decoderLayer + finalNorms);
      expected.put("lm_head", tie ? 0 : tv * h);
      if (nat) {
        expected.put("length_head", (maxTarget + 1) * h);
      }
      if (k > 0) {
        expected.put("blockwise_heads", k * linear(h, h));
      }
      check(model, expected);
    }
  }
}
