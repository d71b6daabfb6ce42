package dev.nlpm.compiler.decl;

import java.util.List;

/**
 * What a front end hands the compiler: the models to compile and generate ({@code targets}), and
 * models that are only visible to them as parents or teachers ({@code visible}: for example the
 * models of an included file, which that file's own compilation generates).
 */
public record DeclarationSet(List<ModelDecl> targets, List<ModelDecl> visible) {

  public DeclarationSet {
    targets = List.copyOf(targets);
    visible = List.copyOf(visible);
  }

  public static DeclarationSet of(List<ModelDecl> targets) {
    return new DeclarationSet(targets, List.of());
  }
}
