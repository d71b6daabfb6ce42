package dev.nlpm.compiler.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.diag.DiagnosticCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Binding and validation never throw and never report an internal error, whatever the
 * declarations: seeded random models of real and made-up families, parents (cycles included),
 * options, values of every kind, sections, variants and removals.
 */
class RandomDeclarationsTest {

  private static final String[] FAMILIES = {
    "word2vec", "encoder", "decoder", "lstm_lm", "rnn_seq2seq", "transformer_seq2seq", "nat", "gpt", null
  };
  private static final String[] KEYS = {
    "vocab", "max_vocab", "source_vocab", "target_vocab", "hidden", "heads", "layers", "intermediate", "max_length",
    "dim", "min_count", "embedding", "dropout", "tie_embeddings", "pooler", "sharing", "activation", "names", "cell",
    "bidirectional", "max_target_length", "window", "k", "memory", "causal", "size", "segments", "positions", "eps",
    "placement", "rate", "mask", "random", "keep", "teacher", "level", "temperature", "width", "n_best", "top_p",
    "seq", "lr", "min_lr", "labels", "length", "stop", "output", "negative", "power", "vocab_file", "colour"
  };
  private static final String[][] SECTIONS = {
    {"attention", "full", "causal", "local", "linformer", "xl", "additive", "dot", "ring"},
    {"objective", "mlm", "nsp", "sop", "span", "sbo", "clm", "skipgram", "cbow", "translation", "cmlm", "length",
        "glancing", "distillation", "fun"},
    {"decoding", "greedy", "beam", "sampling", "blockwise", "mask_predict", "hybrid", "viterbi"},
    {"tokenizer", "wordpiece", "bpe", "char", "whitespace", "sentencepiece"},
    {"head", "sequence_classification", "token_classification", "span"},
    {"embeddings"}, {"norm"}, {"dropout"}, {"train"}, {"encoder"}, {"decoder"}, {"pooler"}
  };

  @Test
  void neverThrowsNorReportsAnInternalError() {
    Random random = new Random(20261128);
    java.util.Set<DiagnosticCode> seen = java.util.EnumSet.noneOf(DiagnosticCode.class);
    int bound = 0;
    for (int round = 0; round < 60; round++) {
      List<Decls.Model> models = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        String family = pick(random, FAMILIES);
        String parent = random.nextInt(3) == 0 ? "M" + random.nextInt(count + 1) : null;
        Decls.Model model = Decls.model("M" + i, parent == null && family == null && random.nextBoolean() ? "encoder" : family, parent);
        fill(random, model, 2);
        models.add(model);
      }
      Checks.Result result = Checks.check(models.subList(0, 1 + random.nextInt(count)), models.subList(0, 0));
      assertEquals(
          List.of(),
          result.diagnostics().stream().filter(d -> d.code() == DiagnosticCode.INTERNAL_ERROR).toList(),
          "round " + round);
      result.diagnostics().forEach(d -> seen.add(d.code()));
      bound += result.bound().targets().size();
    }
    // The inputs reach deep into binding and validation, not only the first checks.
    org.junit.jupiter.api.Assertions.assertTrue(seen.size() >= 20, seen::toString);
    org.junit.jupiter.api.Assertions.assertTrue(bound >= 40, "bound targets: " + bound);
  }

  private static void fill(Random random, Decls.BodyBuilder<?> body, int depth) {
    int members = random.nextInt(8);
    for (int m = 0; m < members; m++) {
      int kind = random.nextInt(10);
      if (kind < 5) {
        body.set(pick(random, KEYS), value(random));
      } else if (kind < 9 && depth > 0) {
        String[] section = pick(random, SECTIONS);
        String variant = section.length > 1 && random.nextInt(5) > 0 ? section[1 + random.nextInt(section.length - 1)] : null;
        body.section(section[0], variant, nested -> fill(random, nested, depth - 1));
      } else {
        String[] section = pick(random, SECTIONS);
        body.remove(random.nextBoolean() ? section[0] : pick(random, KEYS), section.length > 1 && random.nextBoolean() ? section[1] : null);
      }
    }
  }

  private static Object value(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> random.nextInt(2000) - 100;
      case 1 -> (long) random.nextInt(5) * 1_500_000_000L;
      case 2 -> random.nextDouble() * 3 - 1;
      case 3 -> random.nextBoolean();
      case 4 -> pick(random, new String[] {"gelu", "relu", "pre", "M0", "M1", "dynamic", "all", "sequence", "bogus"});
      case 5 -> Decls.str(pick(random, new String[] {"M0", "gelu", "", "vocab.txt"}));
      case 6 -> Decls.range(random.nextInt(20) - 5, random.nextInt(20) - 5);
      case 7 -> Decls.list("</s>", "<eos>");
      default -> 0;
    };
  }

  private static <T> T pick(Random random, T[] values) {
    return values[random.nextInt(values.length)];
  }
}
