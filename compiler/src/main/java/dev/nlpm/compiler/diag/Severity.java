package dev.nlpm.compiler.diag;

/** How bad a diagnostic is. Errors stop generation; warnings do not. */
public enum Severity {
  ERROR("error"),
  WARNING("warning");

  private final String label;

  Severity(String label) {
    this.label = label;
  }

  /** The lower-case word used in printed diagnostics. */
  public String label() {
    return label;
  }
}
