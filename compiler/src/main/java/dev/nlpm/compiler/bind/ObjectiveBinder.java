package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.Objective;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Binds {@code objective <kind> { ... }} sections. Which objectives fit which family is the validator's business. */
final class ObjectiveBinder {

  static final List<String> KINDS =
      List.of(
          "skipgram", "cbow", "mlm", "nsp", "sop", "span", "sbo", "clm", "translation", "cmlm",
          "length", "glancing", "distillation");

  private ObjectiveBinder() {}

  static List<Objective> bind(Family family, Body model) {
    List<Objective> objectives = new ArrayList<>();
    for (Section section : model.sections("objective")) {
      Optional<String> kind = Sections.variant(model, section, KINDS);
      Body body = Sections.body(model, section);
      // The options of a section whose kind was not understood are not judged either.
      kind.ifPresent(k -> {
        objectives.add(objective(k, family, body));
        body.finish();
      });
    }
    return objectives;
  }

  private static Objective objective(String kind, Family family, Body body) {
    return switch (kind) {
      case "skipgram" -> new Objective.SkipGram(
          body.origin(), body.integer("window", 5), word2vecOutput(body), body.decimal("subsample", 1e-3));
      case "cbow" -> new Objective.Cbow(
          body.origin(),
          body.integer("window", 5),
          word2vecOutput(body),
          body.decimal("subsample", 1e-3),
          body.bool("mean", true));
      case "mlm" -> new Objective.MaskedLm(
          body.origin(),
          body.decimal("rate", 0.15),
          body.decimal("mask", 0.8),
          body.decimal("random", 0.1),
          body.decimal("keep", 0.1),
          body.keyword("masking", Objective.Masking.values(), Objective.Masking.STATIC));
      case "nsp" -> new Objective.NextSentence(body.origin());
      case "sop" -> new Objective.SentenceOrder(body.origin());
      case "span" -> {
        int[] length = body.intRange("length", 1, 10);
        yield new Objective.SpanMasking(
            body.origin(),
            body.decimal("rate", 0.15),
            body.keyword("distribution", Objective.SpanDistribution.values(), Objective.SpanDistribution.GEOMETRIC),
            body.decimal("p", 0.2),
            length[0],
            length[1],
            body.bool("boundary_markers", false));
      }
      case "sbo" -> new Objective.SpanBoundary(
          body.origin(), body.integer("max_span", 10), body.integer("position_size", 200), body.decimal("weight", 1.0));
      case "clm" -> new Objective.CausalLm(body.origin());
      case "translation" -> new Objective.Translation(body.origin(), body.decimal("label_smoothing", 0.1));
      case "cmlm" -> new Objective.ConditionalMaskedLm(body.origin());
      case "length" -> new Objective.LengthPrediction(body.origin(), body.decimal("weight", 0.1));
      case "glancing" -> new Objective.Glancing(body.origin(), body.decimal("ratio", 0.5));
      default -> distillation(family, body);
    };
  }

  private static Objective distillation(Family family, Body body) {
    Optional<Word> teacher = body.name("teacher");
    if (teacher.isEmpty() && !body.has("teacher")) {
      body.diagnostics().error(
          DiagnosticCode.MISSING_OPTION, body.origin(), body.where(), "teacher", "the model to distill from, e.g. teacher = BertBase;");
      body.markUnbound("teacher");
    }
    Objective.DistillationLevel defaultLevel =
        family == Family.NAT ? Objective.DistillationLevel.SEQUENCE : Objective.DistillationLevel.TOKEN;
    return new Objective.Distillation(
        body.origin(),
        teacher.map(Word::text).orElse(""),
        teacher.map(Word::origin).orElse(body.origin()),
        body.keyword("level", Objective.DistillationLevel.values(), defaultLevel),
        body.decimal("temperature", 2.0),
        body.decimal("soft", 5.0),
        body.decimal("hard", 2.0),
        body.decimal("cosine", 1.0));
  }

  private enum Output implements dev.nlpm.compiler.ir.Keyword {
    NEGATIVE_SAMPLING("negative_sampling"),
    HIERARCHICAL_SOFTMAX("hierarchical_softmax");

    private final String keyword;

    Output(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }
  }

  private static Objective.Word2VecOutput word2vecOutput(Body body) {
    Output output = body.keyword("output", Output.values(), Output.NEGATIVE_SAMPLING);
    int negatives = body.integer("negative", 5);
    double power = body.decimal("power", 0.75);
    if (output == Output.HIERARCHICAL_SOFTMAX) {
      for (String key : List.of("negative", "power")) {
        body.assignment(key)
            .ifPresent(
                a ->
                    body.diagnostics().error(
                        DiagnosticCode.CONFLICTING_OPTIONS,
                        a.origin(),
                        "output = hierarchical_softmax",
                        key,
                        body.where(),
                        "'" + key + "' configures negative sampling"));
      }
      return new Objective.HierarchicalSoftmax(body.originOf("output"));
    }
    return new Objective.NegativeSampling(body.originOf("output"), negatives, power);
  }
}
