package dev.nlpm.dsl;

import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.source.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The AST of one {@code .nlpm} file: its package and include declarations and its models (in
 * the compiler's declaration IR), plus the comments attached to them so that the formatter can
 * keep them.
 *
 * @param sourceName the file's name as it appears in diagnostics and generated code
 * @param packages every {@code package} declaration (more than one is an error)
 * @param includes the {@code include} declarations, in order
 * @param models the models, in order
 * @param comments comments by the position of the model or member they precede or end the line
 *     of
 */
public record NlpmFile(
    String sourceName,
    List<PackageDecl> packages,
    List<IncludeDecl> includes,
    List<ModelDecl> models,
    Map<SourcePosition, Comments> comments) {

  public NlpmFile {
    Objects.requireNonNull(sourceName, "sourceName");
    packages = List.copyOf(packages);
    includes = List.copyOf(includes);
    models = List.copyOf(models);
    comments = Map.copyOf(comments);
  }

  /** The package of the generated code: the first declared one, or the default package. */
  public String javaPackage() {
    return packages.isEmpty() ? "" : packages.get(0).name();
  }

  /** {@code package a.b.c;} */
  public record PackageDecl(SourcePosition position, String name) {
    public PackageDecl {
      Objects.requireNonNull(position, "position");
      Objects.requireNonNull(name, "name");
    }
  }

  /** {@code include "path";}, positioned at the path string. */
  public record IncludeDecl(SourcePosition position, String path) {
    public IncludeDecl {
      Objects.requireNonNull(position, "position");
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * Comments around one declaration: whole comment lines before it, and a comment after it on its
   * last line. Each is the comment's text as written ({@code // ...} or {@code /* ... *}{@code /}).
   */
  public record Comments(List<String> leading, List<String> trailing) {
    public Comments {
      leading = List.copyOf(leading);
      trailing = List.copyOf(trailing);
    }
  }
}
