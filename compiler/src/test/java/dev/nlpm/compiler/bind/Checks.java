package dev.nlpm.compiler.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.source.Origin;
import dev.nlpm.compiler.validate.Validator;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Runs the binder (and the validator) on test declarations and compares what they report. */
public final class Checks {

  private Checks() {}

  /** What binding (and validating) reported, and the bound models. */
  public record Result(BoundModels bound, List<Diagnostic> diagnostics, Set<String> invalid) {

    /** The bound model of that name (a target or a visible one). */
    public ModelSpec spec(String name) {
      ModelSpec spec = bound.all().get(name);
      if (spec == null) {
        throw new AssertionError("model " + name + " did not bind; diagnostics: " + diagnostics);
      }
      return spec;
    }

    /** Asserts exactly these diagnostics (any order), each made by {@link #expect}. */
    public void assertReported(String... expected) {
      assertEquals(
          Arrays.stream(expected).sorted().toList(),
          diagnostics.stream().map(Checks::show).sorted().toList());
    }

    public void assertClean() {
      assertReported();
    }
  }

  /** Binds the targets only. */
  public static Result bind(Decls.Model... targets) {
    return bind(List.of(targets), List.of());
  }

  public static Result bind(List<Decls.Model> targets, List<Decls.Model> visible) {
    Diagnostics diagnostics = new Diagnostics();
    BoundModels bound = Binder.bind(set(targets, visible), diagnostics);
    return new Result(bound, diagnostics.all(), bound.withErrors());
  }

  /** Binds and validates the targets, as the compiler does. */
  public static Result check(Decls.Model... targets) {
    return check(List.of(targets), List.of());
  }

  public static Result check(List<Decls.Model> targets, List<Decls.Model> visible) {
    return check(set(targets, visible));
  }

  /** Binds and validates a declaration set from any front end, as the compiler does. */
  public static Result check(DeclarationSet declarations) {
    Diagnostics diagnostics = new Diagnostics();
    BoundModels bound = Binder.bind(declarations, diagnostics);
    Set<String> invalid = Validator.validate(bound, diagnostics);
    return new Result(bound, diagnostics.all(), invalid);
  }

  private static DeclarationSet set(List<Decls.Model> targets, List<Decls.Model> visible) {
    List<ModelDecl> t = targets.stream().map(Decls.Model::decl).toList();
    List<ModelDecl> v = visible.stream().map(Decls.Model::decl).toList();
    return new DeclarationSet(t, v);
  }

  /** One expected diagnostic, in the form {@link Result#assertReported} compares. */
  public static String expect(DiagnosticCode code, Origin at, String message) {
    return at.describe() + " " + code.code() + " " + message;
  }

  private static String show(Diagnostic d) {
    return d.origin().describe() + " " + d.code().code() + " " + d.message();
  }
}
