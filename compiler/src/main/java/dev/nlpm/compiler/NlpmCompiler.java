package dev.nlpm.compiler;

import dev.nlpm.compiler.bind.Binder;
import dev.nlpm.compiler.bind.BoundModels;
import dev.nlpm.compiler.codegen.CodeGenerator;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.ModelPlan;
import dev.nlpm.compiler.plan.Planner;
import dev.nlpm.compiler.validate.Validator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The one compiler behind every way in (the CLI, the annotation processor, the Maven plugin):
 * bind, validate, plan and, only from a report without errors, generate.
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
    Validator.validate(bound.targets(), bound.all(), diagnostics);
    List<ModelPlan> plans = new ArrayList<>();
    if (!diagnostics.hasErrors()) {
      for (ModelSpec model : bound.targets()) {
        plan(model, diagnostics).ifPresent(plans::add);
      }
    }
    List<GeneratedFile> files = new ArrayList<>();
    if (generate && !diagnostics.hasErrors()) {
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
    return new Compilation(
        diagnostics.hasErrors() ? List.of() : bound.targets(),
        diagnostics.hasErrors() ? List.of() : plans,
        files,
        distinct);
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
