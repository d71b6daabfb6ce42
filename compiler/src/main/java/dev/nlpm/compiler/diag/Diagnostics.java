package dev.nlpm.compiler.diag;

import dev.nlpm.compiler.source.Origin;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Collects diagnostics in the order they are found. Every stage reports into one of these and
 * goes on, so that a user sees every problem in one run; generation starts only from a report
 * with no errors.
 */
public final class Diagnostics {

  private final List<Diagnostic> all = new ArrayList<>();

  public void error(DiagnosticCode code, Origin origin, Object... args) {
    all.add(Diagnostic.error(code, origin, args));
  }

  public void warning(DiagnosticCode code, Origin origin, Object... args) {
    all.add(Diagnostic.warning(code, origin, args));
  }

  public void add(Diagnostic diagnostic) {
    all.add(diagnostic);
  }

  public void addAll(Collection<Diagnostic> diagnostics) {
    all.addAll(diagnostics);
  }

  /** How many diagnostics have been reported so far. */
  public int size() {
    return all.size();
  }

  /**
   * Keeps only those reported since {@code from} that {@code keep} accepts: for a stage that
   * reports the same problem from several places and knows which one owns it.
   */
  public void retainSince(int from, java.util.function.Predicate<Diagnostic> keep) {
    List<Diagnostic> recent = new ArrayList<>(all.subList(from, all.size()));
    all.subList(from, all.size()).clear();
    recent.stream().filter(keep).forEach(all::add);
  }

  public boolean hasErrors() {
    return all.stream().anyMatch(Diagnostic::isError);
  }

  public int errorCount() {
    return (int) all.stream().filter(Diagnostic::isError).count();
  }

  /** Everything reported so far, in order. */
  public List<Diagnostic> all() {
    return List.copyOf(all);
  }
}
