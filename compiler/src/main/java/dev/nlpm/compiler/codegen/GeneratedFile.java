package dev.nlpm.compiler.codegen;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/**
 * One generated Java source file.
 *
 * @param qualifiedName the top-level class's qualified name
 * @param source the file's text
 * @param origin the declaration it was generated from (front ends map it to an originating element)
 */
public record GeneratedFile(String qualifiedName, String source, Origin origin) {

  public GeneratedFile {
    Objects.requireNonNull(qualifiedName, "qualifiedName");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(origin, "origin");
  }
}
