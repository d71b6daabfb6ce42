package dev.nlpm.compiler.decl;

import dev.nlpm.compiler.source.Origin;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One declared model as a front end read it: {@code model Name : family extends Parent { ...
 * }}. At least one of family and parent is normally present; the compiler reports the model if
 * neither is.
 *
 * @param origin where the declaration starts (the {@code model} keyword or the annotated type)
 * @param name the model's name, which names the generated classes
 * @param family the declared family ({@code encoder}, {@code decoder}, ...), if written
 * @param parent the model this one extends, if any
 * @param javaPackage the package of the generated code (may be empty: the default package)
 * @param sourceName the file or element the model came from, for the {@code @Generated} comment
 * @param members the body, in the order written
 */
public record ModelDecl(
    Origin origin,
    Word name,
    Optional<Word> family,
    Optional<Word> parent,
    String javaPackage,
    String sourceName,
    List<Member> members) {

  public ModelDecl {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(javaPackage, "javaPackage");
    Objects.requireNonNull(sourceName, "sourceName");
    members = List.copyOf(members);
  }
}
