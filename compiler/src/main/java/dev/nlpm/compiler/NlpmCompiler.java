package dev.nlpm.compiler;

import dev.nlpm.compiler.bind.Binder;
import dev.nlpm.compiler.bind.BoundModels;
import dev.nlpm.compiler.codegen.CodeGenerator;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.codegen.Runnability;
import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.ModelPlan;
import dev.nlpm.compiler.plan.Planner;
import dev.nlpm.compiler.validate.Validator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one compiler behind every way in (the CLI, the annotation processor, the Maven plugin):
 * bind, validate, plan and generate. Every error of every model is reported; only models without
 * an error are planned and generated, each with a warning for every part of it that the runtime
 * does not run yet ({@link Runnability}). The CLI and the Maven plugin write nothing while any error
 * remains; the annotation processor writes the valid models, so that code using them does not
 * add "cannot find symbol" errors to the real ones.
 */
public final class NlpmCompiler {

  /** The largest number of floats one Java array holds on HotSpot. */
  static final long MAX_FLAT_BUFFER = Integer.MAX_VALUE - 8L;

  private NlpmCompiler() {}

  /**
   * Checks the targets without generating: binding, validation and planning, with every
   * diagnostic collected.
   */
  public static Compilation check(DeclarationSet declarations) {
    return run(declarations, false);
  }

  /** Checks the targets and, when no error was found, generates their sources. */
  public static Compilation compile(DeclarationSet declarations) {
    return run(declarations, true);
  }

  private static Compilation run(DeclarationSet declarations, boolean generate) {
    Diagnostics diagnostics = new Diagnostics();
    BoundModels bound = Binder.bind(declarations, diagnostics);
    Set<String> invalid = new HashSet<>(bound.withErrors());
    invalid.addAll(Validator.validate(bound, diagnostics));
    // Every model is checked; those without an error are planned and generated, whatever the
    // others hold, so that one invalid model does not stop the rest.
    List<ModelSpec> clean = bound.targets().stream().filter(m -> !invalid.contains(m.name())).toList();
    List<ModelSpec> planned = new ArrayList<>();
    List<ModelPlan> plans = new ArrayList<>();
    for (ModelSpec model : clean) {
      plan(model, diagnostics).ifPresent(plan -> {
        planned.add(model);
        plans.add(plan);
        // What the runtime cannot run yet is said in checking as in generating: never a silent
        // Layout without its facade.
        Runnability.report(model, diagnostics);
      });
    }
    List<GeneratedFile> files = new ArrayList<>();
    if (generate) {
      for (ModelPlan plan : plans) {
        try {
          files.addAll(CodeGenerator.generate(plan));
        } catch (RuntimeException e) {
          diagnostics.error(DiagnosticCode.INTERNAL_ERROR, plan.model().origin(), describe(e));
        }
      }
    }
    // A model and the model extending it can meet the same problem (an inherited size that fails
    // validation): it is reported once.
    List<Diagnostic> distinct = List.copyOf(new LinkedHashSet<>(diagnostics.all()));
    return new Compilation(planned, plans, files, distinct);
  }

  private static java.util.Optional<ModelPlan> plan(ModelSpec model, Diagnostics diagnostics) {
    try {
      ModelPlan plan = Planner.plan(model);
      if (plan.maxParameterCount() > MAX_FLAT_BUFFER) {
        diagnostics.error(
            DiagnosticCode.TOO_MANY_PARAMETERS,
            model.origin(),
            model.name(),
            plan.maxParameterCount(),
            MAX_FLAT_BUFFER);
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(plan);
    } catch (RuntimeException e) {
      diagnostics.error(DiagnosticCode.INTERNAL_ERROR, model.origin(), describe(e));
      return java.util.Optional.empty();
    }
  }

  private static String describe(RuntimeException e) {
    StackTraceElement[] trace = e.getStackTrace();
    String where = trace.length == 0 ? "" : " at " + trace[0];
    return e.getClass().getSimpleName() + ": " + e.getMessage() + where;
  }
}
