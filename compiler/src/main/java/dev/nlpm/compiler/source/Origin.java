package dev.nlpm.compiler.source;

/**
 * Where a piece of a model declaration came from: a position in a {@code .nlpm} file, or an
 * annotated Java element. Every IR node carries one so that diagnostics point at the most
 * precise place.
 */
public sealed interface Origin permits SourcePosition, ElementOrigin {

  /** The file (for {@code .nlpm}) or the element path (for annotated Java) this origin lies in. */
  String source();

  /** A one-line human-readable form: {@code file:line:col} or {@code Element @Annotation(member)}. */
  String describe();
}
