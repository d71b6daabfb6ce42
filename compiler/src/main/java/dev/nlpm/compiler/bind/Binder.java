package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.FineTuningHead;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Tokenizer;
import dev.nlpm.compiler.ir.TrainingDefaults;
import dev.nlpm.compiler.source.Origin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * Turns declarations into typed models: applies inheritance, then reads every option of every
 * model with its type and default (docs/language.md). Every problem is reported, and every model
 * that resolved is bound: a value that was not understood (a wrong type, an unknown word) is
 * replaced by its default and its path recorded in {@link BoundModels#unbound()}, so that the
 * validator can judge everything else without judging the stand-in.
 */
public final class Binder {

  private static final Set<String> HEAD_KINDS = Set.of("sequence_classification", "token_classification");

  private Binder() {}

  /**
   * Binds every model of the set; never throws (an unexpected failure is NLPM900 at the model).
   *
   * @return the bound targets (also those with errors: see {@link BoundModels})
   */
  public static BoundModels bind(DeclarationSet set, Diagnostics diagnostics) {
    List<ModelDecl> all = new ArrayList<>(set.targets());
    all.addAll(set.visible());
    Map<String, ResolvedModel> resolved = InheritanceResolver.resolve(all, diagnostics);
    Map<String, ModelSpec> bound = new LinkedHashMap<>();
    Map<String, Set<String>> unbound = new LinkedHashMap<>();
    Set<String> withErrors = new java.util.HashSet<>();
    for (ModelDecl decl : all) {
      if (!resolved.containsKey(decl.name().text())) {
        withErrors.add(decl.name().text());
      }
    }
    for (ResolvedModel model : resolved.values()) {
      int before = diagnostics.errorCount();
      bindModel(model, diagnostics, withErrors, unbound).ifPresent(spec -> bound.put(spec.name(), spec));
      if (diagnostics.errorCount() > before) {
        withErrors.add(model.name());
      }
    }
    List<ModelSpec> targets = new ArrayList<>();
    for (ModelDecl target : set.targets()) {
      ModelSpec spec = bound.get(target.name().text());
      if (spec != null && spec.origin().equals(target.origin())) {
        targets.add(spec);
      }
    }
    return new BoundModels(targets, bound, withErrors, unbound);
  }

  private static Optional<ModelSpec> bindModel(
      ResolvedModel model, Diagnostics diagnostics, Set<String> withErrors, Map<String, Set<String>> unbound) {
    int allBefore = diagnostics.size();
    ModelDecl decl = model.decl();
    try {
      checkJavaNames(decl, diagnostics);
      Body body = new Body("model " + model.name(), decl.origin(), model.members(), diagnostics);
      Family family = model.family();
      Architecture architecture = ArchitectureBinder.bind(family, body);
      CheckpointNames names =
          body.keyword("names", CheckpointNames.values(), defaultNames(family, architecture));
      Tokenizer tokenizer = TokenizerBinder.bind(family, body);
      List<Objective> objectives = ObjectiveBinder.bind(family, body);
      List<Decoding> decodings = DecodingBinder.bind(body);
      List<FineTuningHead> heads = family == Family.ENCODER ? heads(body) : List.of();
      TrainingDefaults training = TrainingBinder.bind(family, body, architecture.maxLength());
      body.finish();
      if (diagnostics.all().subList(allBefore, diagnostics.size()).stream().anyMatch(Diagnostic::isError)) {
        // Also when the error is an inherited one, which is reported at the parent only.
        withErrors.add(model.name());
      }
      // A problem in an inherited member is the parent's, reported when the parent is bound.
      Set<Origin> own = OwnOrigins.of(decl);
      diagnostics.retainSince(allBefore, d -> own.contains(d.origin()));
      unbound.put(model.name(), Set.copyOf(body.unbound()));
      // Where the family was said: its own word, else the parent it comes from.
      decl.family().or(decl::parent).ifPresent(word -> body.written().putIfAbsent("family", word.origin()));
      return Optional.of(
          new ModelSpec(
              decl.origin(),
              model.name(),
              decl.javaPackage(),
              decl.sourceName(),
              architecture,
              names,
              tokenizer,
              objectives,
              decodings,
              heads,
              training,
              body.written()));
    } catch (RuntimeException | StackOverflowError e) {
      diagnostics.error(
          DiagnosticCode.INTERNAL_ERROR,
          decl.origin(),
          "binding model " + model.name() + ": " + e);
      return Optional.empty();
    }
  }

  static CheckpointNames defaultNames(Family family, Architecture architecture) {
    return switch (family) {
      case ENCODER -> CheckpointNames.BERT;
      case DECODER ->
          ((Architecture.Decoder) architecture).stack().attention() instanceof Attention.TransformerXl
              ? CheckpointNames.TRANSFO_XL
              : CheckpointNames.GPT2;
      case WORD2VEC -> CheckpointNames.GENSIM;
      default -> CheckpointNames.NLPM;
    };
  }

  private static List<FineTuningHead> heads(Body model) {
    List<FineTuningHead> heads = new ArrayList<>();
    for (Section section : model.sections("head")) {
      Optional<String> kind = Sections.variant(model, section, List.copyOf(new java.util.TreeSet<>(HEAD_KINDS)));
      Body body = Sections.body(model, section);
      int labels = body.integer("labels", 2);
      // The options of a head whose kind was not understood are not judged either.
      kind.ifPresent(
          k -> {
            heads.add(
                k.equals("sequence_classification")
                    ? new FineTuningHead.SequenceClassification(body.origin(), labels)
                    : new FineTuningHead.TokenClassification(body.origin(), labels));
            body.finish();
          });
    }
    return heads;
  }

  private static void checkJavaNames(ModelDecl decl, Diagnostics diagnostics) {
    String name = decl.name().text();
    if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
      diagnostics.error(
          DiagnosticCode.INVALID_JAVA_NAME,
          decl.name().origin(),
          name,
          "class name",
          "model names name the generated classes; use letters, digits and '_', not a Java keyword");
    }
    if (!decl.javaPackage().isEmpty() && !SourceVersion.isName(decl.javaPackage())) {
      diagnostics.error(
          DiagnosticCode.INVALID_JAVA_NAME,
          decl.origin(),
          decl.javaPackage(),
          "package name",
          "each part must be a Java identifier that is not a keyword");
    }
  }
}
