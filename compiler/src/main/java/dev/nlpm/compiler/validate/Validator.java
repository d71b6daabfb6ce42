package dev.nlpm.compiler.validate;

import dev.nlpm.compiler.bind.BoundModels;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.FineTuningHead;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.TrainingDefaults;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.ir.Vocabulary;
import dev.nlpm.compiler.source.Origin;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks typed models against every rule of docs/language.md: sizes, probabilities, ranges, and
 * what fits which family. Every problem of every model is reported, at the most precise origin,
 * and none that follows from a binding error: a rule that reads an option whose written value
 * was not understood (an unbound path, where a default stands in) is not judged. A rule of a
 * single option needs no such care, since every default is valid.
 */
public final class Validator {

  private final Diagnostics diagnostics;
  private final Map<String, ModelSpec> known;
  private final Map<String, Set<String>> unbound;
  /** The model being checked, whose option origins place each message. */
  private ModelSpec current;

  private Validator(Diagnostics diagnostics, Map<String, ModelSpec> known, Map<String, Set<String>> unbound) {
    this.diagnostics = diagnostics;
    this.known = known;
    this.unbound = unbound;
  }

  /**
   * Validates the bound targets, skipping the rules that read a value binding did not understand.
   *
   * @return the names of the targets with a validation error
   */
  public static Set<String> validate(BoundModels bound, Diagnostics diagnostics) {
    return run(bound.targets(), bound.all(), bound.unbound(), diagnostics);
  }

  /**
   * Validates models whose every option was understood.
   *
   * @param targets the models to check
   * @param known every model by name, for distillation teachers
   * @return the names of the models with an error
   */
  public static Set<String> validate(List<ModelSpec> targets, Map<String, ModelSpec> known, Diagnostics diagnostics) {
    return run(targets, known, Map.of(), diagnostics);
  }

  private static Set<String> run(
      List<ModelSpec> targets, Map<String, ModelSpec> known, Map<String, Set<String>> unbound, Diagnostics diagnostics) {
    Validator validator = new Validator(diagnostics, known, unbound);
    Set<String> invalid = new java.util.HashSet<>();
    for (ModelSpec model : targets) {
      int before = diagnostics.errorCount();
      try {
        validator.validateModel(model);
      } catch (RuntimeException | StackOverflowError e) {
        diagnostics.error(DiagnosticCode.INTERNAL_ERROR, model.origin(), "validating model " + model.name() + ": " + e);
      }
      if (diagnostics.errorCount() > before) {
        invalid.add(model.name());
      }
    }
    return invalid;
  }

  private void validateModel(ModelSpec model) {
    current = model;
    new ArchitectureRules(this).check(model);
    FamilyFit.check(model, this);
    for (Objective objective : model.objectives()) {
      objective(model, objective);
    }
    for (Decoding decoding : model.decodings()) {
      decoding(decoding);
    }
    for (FineTuningHead head : model.heads()) {
      positive("head." + head.keyword() + ".labels", head.labels(), head.origin());
    }
    tokenizer(model.tokenizer());
    training(model);
  }

  private void tokenizer(dev.nlpm.compiler.ir.Tokenizer tokenizer) {
    if (tokenizer instanceof dev.nlpm.compiler.ir.Tokenizer.WordPiece w) {
      positive("tokenizer.max_chars_per_word", w.maxCharsPerWord(), w.origin());
    }
  }

  // ---- shared checks, used by the rule classes ----
  //
  // Each takes the option's path (heads, embeddings.size, objective.mlm.rate): the message names
  // its last part, at the position the option was written, or at the fallback when it was not.

  Origin at(String path, Origin fallback) {
    return current.originOf(path, fallback);
  }

  /** Whether the option at {@code path} was written (else it holds its default). */
  boolean written(String path) {
    return current.optionOrigins().containsKey(path);
  }

  /** Whether every one of these option paths of the current model was understood by binding. */
  boolean understood(String... paths) {
    return understood(current, paths);
  }

  private boolean understood(ModelSpec model, String... paths) {
    Set<String> failed = unbound.getOrDefault(model.name(), Set.of());
    for (String path : paths) {
      if (failed.contains(path)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the vocabulary sizes of {@code model} are as written. */
  private boolean vocabularyUnderstood(ModelSpec model) {
    return understood(model, "vocab", "max_vocab", "source_vocab", "target_vocab");
  }

  private static String key(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  void positive(String key, long value, Origin origin) {
    if (value <= 0) {
      diagnostics.error(DiagnosticCode.NOT_POSITIVE, at(key, origin), key(key), value);
    }
  }

  void positive(String key, double value, Origin origin) {
    if (!(value > 0)) {
      diagnostics.error(DiagnosticCode.NOT_POSITIVE, at(key, origin), key(key), value);
    }
  }

  void notNegative(String key, long value, Origin origin) {
    if (value < 0) {
      diagnostics.error(DiagnosticCode.NEGATIVE, at(key, origin), key(key), value);
    }
  }

  void notNegative(String key, double value, Origin origin) {
    if (!(value >= 0)) {
      diagnostics.error(DiagnosticCode.NEGATIVE, at(key, origin), key(key), value);
    }
  }

  void probability(String key, double value, Origin origin) {
    if (!(value >= 0 && value <= 1)) {
      diagnostics.error(DiagnosticCode.NOT_A_PROBABILITY, at(key, origin), key(key), value);
    }
  }

  void range(String key, boolean ok, String valid, Object value, Origin origin) {
    if (!ok) {
      diagnostics.error(DiagnosticCode.OUT_OF_RANGE, at(key, origin), key(key), valid, value);
    }
  }

  Diagnostics diagnostics() {
    return diagnostics;
  }

  void vocabulary(String key, Vocabulary vocab) {
    positive(vocab.runtime() ? "max_vocab" : key, vocab.size(), vocab.origin());
  }

  // ---- objectives ----

  private void objective(ModelSpec model, Objective objective) {
    Origin at = objective.origin();
    String p = "objective." + objective.keyword() + ".";
    if (objective instanceof Objective.SkipGram sg) {
      positive(p + "window", sg.window(), at);
      word2vecOutput(sg.output(), p);
      notNegative(p + "subsample", sg.subsample(), at);
    } else if (objective instanceof Objective.Cbow cbow) {
      positive(p + "window", cbow.window(), at);
      word2vecOutput(cbow.output(), p);
      notNegative(p + "subsample", cbow.subsample(), at);
    } else if (objective instanceof Objective.MaskedLm mlm) {
      probability(p + "rate", mlm.rate(), at);
      probability(p + "mask", mlm.mask(), at);
      probability(p + "random", mlm.random(), at);
      probability(p + "keep", mlm.keep(), at);
      double sum = mlm.mask() + mlm.random() + mlm.keep();
      if (Math.abs(sum - 1.0) > 1e-9 && understood(p + "mask", p + "random", p + "keep")) {
        diagnostics.error(DiagnosticCode.MLM_PARTS_SUM, at(p + "keep", at(p + "random", at(p + "mask", at))), mlm.mask(), mlm.random(), mlm.keep(), Math.round(sum * 1e9) / 1e9);
      }
    } else if (objective instanceof Objective.SpanMasking span) {
      probability(p + "rate", span.rate(), at);
      if (span.distribution() == Objective.SpanDistribution.GEOMETRIC) {
        range(p + "p", span.p() > 0 && span.p() <= 1, "in (0, 1]", span.p(), at);
      }
      if (span.minLength() > span.maxLength()) {
        diagnostics.error(DiagnosticCode.EMPTY_RANGE, at(p + "length", at), "length", span.minLength(), span.maxLength());
      } else {
        positive(p + "length", span.minLength(), at);
      }
    } else if (objective instanceof Objective.SpanBoundary sbo) {
      positive(p + "max_span", sbo.maxSpan(), at);
      positive(p + "position_size", sbo.positionSize(), at);
      notNegative(p + "weight", sbo.weight(), at);
    } else if (objective instanceof Objective.Translation translation) {
      range(p + "label_smoothing", translation.labelSmoothing() >= 0 && translation.labelSmoothing() < 1, "in [0, 1)", translation.labelSmoothing(), at);
    } else if (objective instanceof Objective.LengthPrediction length) {
      notNegative(p + "weight", length.weight(), at);
    } else if (objective instanceof Objective.Glancing glancing) {
      probability(p + "ratio", glancing.ratio(), at);
    } else if (objective instanceof Objective.Distillation distillation) {
      distillation(model, distillation);
    }
  }

  private void word2vecOutput(Objective.Word2VecOutput output, String p) {
    if (output instanceof Objective.NegativeSampling ns) {
      positive(p + "negative", ns.negatives(), ns.origin());
      range(p + "power", ns.power() > 0 && ns.power() <= 1, "in (0, 1]", ns.power(), ns.origin());
    }
  }

  private void distillation(ModelSpec model, Objective.Distillation distillation) {
    Origin at = distillation.origin();
    String p = "objective.distillation.";
    positive(p + "temperature", distillation.temperature(), at);
    notNegative(p + "soft", distillation.softWeight(), at);
    notNegative(p + "hard", distillation.hardWeight(), at);
    notNegative(p + "cosine", distillation.cosineWeight(), at);
    if (!understood(p + "teacher")) {
      return;
    }
    if (distillation.teacher().equals(model.name())) {
      diagnostics.error(DiagnosticCode.TEACHER_IS_SELF, distillation.teacherOrigin(), model.name());
      return;
    }
    ModelSpec teacher = known.get(distillation.teacher());
    if (teacher == null) {
      diagnostics.error(
          DiagnosticCode.UNKNOWN_TEACHER,
          distillation.teacherOrigin(),
          distillation.teacher(),
          String.join(", ", new java.util.TreeSet<>(known.keySet())));
      return;
    }
    if (!understood(p + "level")) {
      return;
    }
    if (distillation.level() == Objective.DistillationLevel.SEQUENCE) {
      if (!teacher.family().generates()) {
        diagnostics.error(
            DiagnosticCode.TEACHER_FAMILY,
            distillation.teacherOrigin(),
            teacher.name(),
            teacher.family().keyword(),
            "sequence-level distillation needs a teacher that generates (decoder, lstm_lm, rnn_seq2seq, transformer_seq2seq or nat)");
      }
      return;
    }
    if (teacher.family() != model.family()) {
      diagnostics.error(
          DiagnosticCode.TEACHER_FAMILY,
          distillation.teacherOrigin(),
          teacher.name(),
          teacher.family().keyword(),
          "token-level distillation needs a teacher of the student's family (" + model.family().keyword() + ")");
      return;
    }
    int studentVocab = outputVocabulary(model);
    int teacherVocab = outputVocabulary(teacher);
    if (studentVocab != teacherVocab && vocabularyUnderstood(model) && vocabularyUnderstood(teacher)) {
      diagnostics.error(
          DiagnosticCode.TEACHER_FAMILY,
          distillation.teacherOrigin(),
          teacher.name(),
          teacher.family().keyword(),
          "token-level distillation compares output distributions, so the vocabularies must match: the teacher has "
              + teacherVocab + " tokens, the student " + studentVocab);
    }
  }

  private static int outputVocabulary(ModelSpec model) {
    Architecture a = model.architecture();
    if (a instanceof Architecture.Encoder e) {
      return e.embeddings().vocab().size();
    } else if (a instanceof Architecture.Decoder d) {
      return d.embeddings().vocab().size();
    } else if (a instanceof Architecture.LstmLm l) {
      return l.vocab().size();
    } else if (a instanceof Architecture.RnnSeq2Seq r) {
      return r.targetVocab().size();
    } else if (a instanceof Architecture.TransformerSeq2Seq t) {
      return t.target().vocab().size();
    } else if (a instanceof Architecture.Nat n) {
      return n.target().vocab().size();
    }
    return ((Architecture.Word2Vec) a).vocab().size();
  }

  // ---- decoding ----

  private void decoding(Decoding decoding) {
    Origin at = decoding.origin();
    String p = "decoding." + decoding.keyword() + ".";
    Decoding.Limits limits = decoding.limits();
    positive(p + "max_length", limits.maxLength(), at);
    range(p + "repetition_penalty", limits.repetitionPenalty() >= 1, ">= 1 (1 disables it)", limits.repetitionPenalty(), at);
    positive(p + "n_best", limits.nBest(), at);
    if (decoding instanceof Decoding.Beam beam) {
      positive(p + "width", beam.width(), at);
      notNegative(p + "length_penalty", beam.lengthPenalty(), at);
      if (beam.width() > 0 && limits.nBest() > beam.width() && understood(p + "n_best", p + "width")) {
        range(p + "n_best", false, "at most the beam width " + beam.width(), limits.nBest(), at);
      }
    } else if (decoding instanceof Decoding.Sampling sampling) {
      positive(p + "temperature", sampling.temperature(), at);
      notNegative(p + "top_k", sampling.topK(), at);
      range(p + "top_p", sampling.topP() > 0 && sampling.topP() <= 1, "in (0, 1]", sampling.topP(), at);
    } else if (decoding instanceof Decoding.Blockwise blockwise) {
      range(p + "k", blockwise.k() >= 2, "at least 2 (k = 1 is greedy decoding)", blockwise.k(), at);
    } else if (decoding instanceof Decoding.MaskPredict maskPredict) {
      positive(p + "iterations", maskPredict.iterations(), at);
      positive(p + "length_candidates", maskPredict.lengthCandidates(), at);
    } else if (decoding instanceof Decoding.Hybrid hybrid) {
      probability(p + "threshold", hybrid.threshold(), at);
    }
  }

  // ---- training ----

  private void training(ModelSpec model) {
    TrainingDefaults t = model.training();
    Origin at = t.origin();
    positive("train.lr", t.lr(), at);
    notNegative("train.min_lr", t.minLr(), at);
    if (t.lr() > 0 && t.minLr() > t.lr() && understood("train.lr", "train.min_lr")) {
      range("train.min_lr", false, "at most lr = " + t.lr(), t.minLr(), at);
    }
    notNegative("train.warmup", t.warmup(), at);
    notNegative("train.steps", t.steps(), at);
    positive("train.epochs", t.epochs(), at);
    positive("train.batch", t.batch(), at);
    positive("train.seq", t.seq(), at);
    notNegative("train.clip", t.clip(), at);
    notNegative("train.weight_decay", t.weightDecay(), at);
    notNegative("train.threads", t.threads(), at);
    int maxLength = model.architecture().maxLength();
    if (maxLength > 0 && t.seq() > maxLength && understood("train.seq", "max_length", "attention")) {
      diagnostics.error(DiagnosticCode.SEQUENCE_TOO_LONG, at("train.seq", at), "seq", t.seq(), maxLength);
    }
  }

  // ---- transformer pieces, used by ArchitectureRules ----

  /**
   * @param part the path of the section holding the stack's layers and attention: {@code ""} for
   *     an encoder or decoder, {@code "encoder."} or {@code "decoder."} in a seq2seq model
   */
  void stack(String part, TransformerStack stack, Embeddings embeddings) {
    Origin at = stack.origin();
    positive(part + "layers", stack.layers(), at);
    positive("hidden", stack.hidden(), at);
    positive("heads", stack.heads(), at);
    if (written("intermediate") || stack.hidden() > 0) {
      // Left out, intermediate is 4 x hidden: a bad hidden is reported once, at hidden.
      positive("intermediate", stack.intermediate(), at);
    }
    if (stack.hidden() > 0 && stack.heads() > 0 && stack.hidden() % stack.heads() != 0 && understood("hidden", "heads")) {
      diagnostics.error(
          DiagnosticCode.HIDDEN_NOT_DIVISIBLE_BY_HEADS,
          at("heads", at("hidden", at)),
          stack.hidden(),
          stack.heads(),
          stack.hidden(),
          divisors(stack.hidden()));
    }
    positive("norm.eps", stack.norm().eps(), stack.norm().origin());
    probability("dropout.hidden", stack.dropout().hidden(), stack.dropout().origin());
    probability("dropout.attention", stack.dropout().attention(), stack.dropout().origin());
    Attention attention = stack.attention();
    if (attention instanceof Attention.Local local && local.window() < 1) {
      diagnostics.error(DiagnosticCode.WINDOW_TOO_SMALL, at(part + "attention.window", local.origin()), local.window());
    } else if (attention instanceof Attention.Linformer linformer) {
      if ((linformer.k() < 1 || linformer.k() > embeddings.maxLength()) && understood(part + "attention.k", "max_length")) {
        diagnostics.error(
            DiagnosticCode.LINFORMER_K_TOO_LARGE,
            at(part + "attention.k", linformer.origin()),
            linformer.k(),
            embeddings.maxLength(),
            Math.max(1, embeddings.maxLength()));
      }
    } else if (attention instanceof Attention.TransformerXl xl) {
      positive(part + "attention.memory", xl.memory(), xl.origin());
    }
  }

  void embeddings(Embeddings embeddings, int hidden) {
    Origin at = embeddings.origin();
    vocabulary("vocab", embeddings.vocab());
    positive("max_length", embeddings.maxLength(), at);
    notNegative("embeddings.segments", embeddings.segments(), at);
    if (!written("embeddings.size") && hidden < 1) {
      // Left out, the size is hidden: a bad hidden is reported once, at hidden.
      return;
    }
    if (embeddings.size() < 1) {
      positive("embeddings.size", embeddings.size(), at);
    } else if (embeddings.size() > hidden && hidden > 0 && understood("embeddings.size", "hidden")) {
      diagnostics.error(DiagnosticCode.FACTORIZED_EMBEDDING_TOO_LARGE, at("embeddings.size", at), embeddings.size(), hidden, hidden);
    }
  }

  private static String divisors(int n) {
    StringBuilder out = new StringBuilder();
    for (int d = 1; d <= n; d++) {
      if (n % d == 0) {
        out.append(out.length() == 0 ? "" : ", ").append(d);
      }
    }
    return out.toString();
  }
}
