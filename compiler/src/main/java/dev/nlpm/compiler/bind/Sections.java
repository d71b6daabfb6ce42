package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.diag.DiagnosticCode;
import java.util.List;
import java.util.Optional;

/** Reading sections out of a body: their variants, and bodies of their own. */
final class Sections {

  private Sections() {}

  /**
   * The body of a single section of {@code kind} that takes no variant, or an empty body at the
   * enclosing body's origin when the section is absent.
   */
  static Body plain(Body parent, String kind) {
    Optional<Section> section = parent.section(kind);
    if (section.isEmpty()) {
      return parent.child(kind + " of " + parent.where(), parent.origin(), List.of(), kind);
    }
    Section s = section.get();
    s.variant()
        .ifPresent(
            v ->
                parent
                    .diagnostics()
                    .error(DiagnosticCode.UNEXPECTED_VARIANT, v.origin(), kind, v.text()));
    return body(parent, s);
  }

  /** The body of a section, named "kind variant of <parent>" in messages. */
  static Body body(Body parent, Section section) {
    String name = section.variant().isPresent() ? section.kind() + " " + section.variantText() : section.kind();
    // Repeatable sections are told apart by their variant; a single section's options are not.
    String segment =
        section.variant().isPresent() && InheritanceResolver.REPEATABLE_KINDS.contains(section.kind())
            ? section.kind() + "." + section.variantText()
            : section.kind();
    return parent.child(name + " of " + parent.where(), section.origin(), section.members(), segment);
  }

  /**
   * The variant of a section that needs one, checked against {@code valid}; empty (after a
   * diagnostic) when missing or unknown.
   */
  static Optional<String> variant(Body parent, Section section, List<String> valid) {
    Optional<Word> variant = section.variant();
    if (variant.isEmpty() || !valid.contains(variant.get().text())) {
      parent.markUnbound(section.kind());
    }
    if (variant.isEmpty()) {
      parent
          .diagnostics()
          .error(DiagnosticCode.MISSING_VARIANT, section.origin(), section.kind(), String.join(", ", valid));
      return Optional.empty();
    }
    if (!valid.contains(variant.get().text())) {
      parent
          .diagnostics()
          .error(
              DiagnosticCode.UNKNOWN_VARIANT,
              variant.get().origin(),
              section.kind(),
              variant.get().text(),
              String.join(", ", valid));
      return Optional.empty();
    }
    return Optional.of(variant.get().text());
  }
}
