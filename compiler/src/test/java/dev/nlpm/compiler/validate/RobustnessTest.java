package dev.nlpm.compiler.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.bind.Binder;
import dev.nlpm.compiler.bind.BoundModels;
import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.source.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Binding and validation never fail on any declaration set: seeded random models, mostly made of
 * the real vocabulary (families, keys, section kinds, variants) with junk, extreme numbers,
 * parents that may be missing or cyclic, and removals. No exception escapes, nothing is an
 * internal error, and every model with an error is known as one.
 */
class RobustnessTest {

  private static final List<String> FAMILIES =
      List.of("word2vec", "encoder", "decoder", "lstm_lm", "rnn_seq2seq", "transformer_seq2seq", "nat", "cnn");
  private static final List<String> KEYS =
      List.of(
          "vocab", "max_vocab", "source_vocab", "target_vocab", "hidden", "layers", "heads", "intermediate",
          "max_length", "activation", "pooler", "sharing", "names", "tie_embeddings", "embedding", "dim",
          "min_count", "cell", "bidirectional", "dropout", "max_target_length", "size", "positions", "segments",
          "placement", "eps", "attention", "window", "causal", "k", "memory", "rate", "mask", "random", "keep",
          "masking", "distribution", "p", "length", "boundary_markers", "max_span", "position_size", "weight",
          "label_smoothing", "ratio", "teacher", "level", "temperature", "soft", "hard", "cosine", "output",
          "negative", "power", "subsample", "mean", "width", "n_best", "stop", "repetition_penalty", "top_p",
          "top_k", "iterations", "length_candidates", "threshold", "seed", "lowercase", "vocab_file",
          "merges_file", "labels", "lr", "min_lr", "warmup", "steps", "epochs", "batch", "seq", "clip",
          "threads", "optimizer", "schedule", "bogus");
  private static final List<String> KINDS =
      List.of(
          "objective", "decoding", "head", "attention", "tokenizer", "embeddings", "norm", "dropout", "train",
          "encoder", "decoder", "layer");
  private static final List<String> VARIANTS =
      List.of(
          "mlm", "nsp", "sop", "span", "sbo", "clm", "skipgram", "cbow", "translation", "cmlm", "length",
          "glancing", "distillation", "greedy", "beam", "sampling", "blockwise", "mask_predict", "hybrid",
          "full", "causal", "local", "linformer", "xl", "wordpiece", "bpe", "char", "whitespace", "additive",
          "dot", "sequence_classification", "token_classification", "fancy");
  private static final List<String> WORDS =
      List.of("gelu", "relu", "all", "none", "pre", "post", "learned", "relative", "dynamic", "token", "sequence",
          "hierarchical_softmax", "gru", "adamw", "cosine", "gpt2", "distilbert", "M0", "M1", "M2", "nonsense");
  private static final long[] INTEGERS = {
    0, 1, 2, 3, -1, 7, 64, 100, 128, 512, 768, 30522, Integer.MAX_VALUE, Integer.MIN_VALUE,
    Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE
  };
  private static final double[] DECIMALS = {
    0.0, 0.1, 0.5, 1.0, 1.5, -0.5, 1e-12, 2.0, 1e300, Double.NaN, Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY, Double.MIN_VALUE
  };

  private final Random random = new Random();
  private int line;

  @Test
  void randomDeclarationSetsNeverFailBindingOrValidation() {
    int validatedModels = 0;
    for (long seed = 0; seed < 400; seed++) {
      random.setSeed(seed);
      line = 0;
      List<ModelDecl> targets = new ArrayList<>();
      List<ModelDecl> visible = new ArrayList<>();
      int count = 1 + random.nextInt(3);
      for (int i = 0; i < count; i++) {
        (random.nextInt(4) == 0 ? visible : targets).add(model("M" + i));
      }
      DeclarationSet set = new DeclarationSet(targets, visible);
      Diagnostics diagnostics = new Diagnostics();
      BoundModels bound = Binder.bind(set, diagnostics);
      Set<String> invalid = Validator.validate(bound, diagnostics);
      long failing = seed;
      List<Diagnostic> internal =
          diagnostics.all().stream().filter(d -> d.code() == DiagnosticCode.INTERNAL_ERROR).toList();
      assertEquals(List.of(), internal, () -> "seed " + failing);
      assertTrue(bound.targets().stream().map(ModelSpec::name).allMatch(n -> !invalid.contains(n) || diagnostics.hasErrors()));
      validatedModels += bound.targets().size();
    }
    // Most random models resolve, so the validator sees them too.
    assertTrue(validatedModels > 200, "only " + validatedModels + " random models reached the validator");
  }

  private SourcePosition next() {
    return new SourcePosition("fuzz.nlpm", ++line, 1 + random.nextInt(40));
  }

  private ModelDecl model(String name) {
    SourcePosition origin = next();
    Word nameWord = new Word(next(), random.nextInt(20) == 0 ? "class" : name);
    Optional<Word> family = random.nextInt(5) == 0 ? Optional.empty() : Optional.of(new Word(next(), pick(FAMILIES)));
    Optional<Word> parent = random.nextInt(3) == 0 ? Optional.of(new Word(next(), "M" + random.nextInt(4))) : Optional.empty();
    String javaPackage = random.nextInt(20) == 0 ? "not a.package" : "dev.fuzz";
    return new ModelDecl(origin, nameWord, family, parent, javaPackage, "fuzz.nlpm", members(2));
  }

  private List<Member> members(int depth) {
    List<Member> members = new ArrayList<>();
    int count = random.nextInt(12);
    for (int i = 0; i < count; i++) {
      int what = random.nextInt(10);
      if (what < 6) {
        members.add(new Assignment(next(), pick(KEYS), value()));
      } else if (what < 9 && depth > 0) {
        Optional<Word> variant = random.nextInt(4) == 0 ? Optional.empty() : Optional.of(new Word(next(), pick(VARIANTS)));
        members.add(new Section(next(), pick(KINDS), variant, members(depth - 1)));
      } else {
        Optional<Word> variant = random.nextBoolean() ? Optional.empty() : Optional.of(new Word(next(), pick(VARIANTS)));
        members.add(new Removal(next(), random.nextBoolean() ? pick(KINDS) : pick(KEYS), variant));
      }
    }
    return members;
  }

  private Value value() {
    SourcePosition at = next();
    return switch (random.nextInt(8)) {
      case 0, 1 -> new Value.IntValue(at, INTEGERS[random.nextInt(INTEGERS.length)]);
      case 2 -> {
        double d = DECIMALS[random.nextInt(DECIMALS.length)];
        yield new Value.DecimalValue(at, d, Double.toString(d));
      }
      case 3 -> new Value.BoolValue(at, random.nextBoolean());
      case 4 -> new Value.WordValue(at, pick(WORDS));
      case 5 -> new Value.StringValue(at, random.nextBoolean() ? pick(WORDS) : "");
      case 6 -> new Value.RangeValue(at, INTEGERS[random.nextInt(INTEGERS.length)], INTEGERS[random.nextInt(INTEGERS.length)]);
      default -> new Value.ListValue(at, List.of(new Value.StringValue(next(), "</s>"), new Value.IntValue(next(), 3)));
    };
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
