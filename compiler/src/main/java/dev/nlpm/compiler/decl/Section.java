package dev.nlpm.compiler.decl;

import dev.nlpm.compiler.source.Origin;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code kind variant { members }} or {@code kind variant;}, for example {@code attention local {
 * window = 128; }}, {@code objective nsp;} or {@code embeddings { segments = 2; }} (no variant).
 */
public record Section(Origin origin, String kind, Optional<Word> variant, List<Member> members)
    implements Member {

  public Section {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(variant, "variant");
    members = List.copyOf(members);
  }

  /** The variant's text, or the empty string when the section has none. */
  public String variantText() {
    return variant.map(Word::text).orElse("");
  }
}
