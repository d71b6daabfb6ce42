package dev.nlpm.compiler.diag;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/** One reported problem: what (code and message), how bad, and where. */
public record Diagnostic(DiagnosticCode code, Severity severity, Origin origin, String message) {

  public Diagnostic {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(message, "message");
  }

  public static Diagnostic error(DiagnosticCode code, Origin origin, Object... args) {
    return new Diagnostic(code, Severity.ERROR, origin, code.format(args));
  }

  public static Diagnostic warning(DiagnosticCode code, Origin origin, Object... args) {
    return new Diagnostic(code, Severity.WARNING, origin, code.format(args));
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code file:line:col: error: message [NLPM303]} */
  @Override
  public String toString() {
    return origin.describe() + ": " + severity.label() + ": " + message + " [" + code.code() + "]";
  }
}
