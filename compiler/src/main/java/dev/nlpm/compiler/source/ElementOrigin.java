package dev.nlpm.compiler.source;

import java.util.Objects;

/**
 * An annotated Java element as the origin of a declaration: the element's qualified path (for
 * example {@code com.example.MyBert} or {@code com.example.MyBert#hidden()}), the simple name of
 * the annotation on it, and the annotation member, empty when the whole annotation is meant.
 * The annotation processor maps these strings back to its {@code Element}, {@code
 * AnnotationMirror} and {@code AnnotationValue} when it reports a diagnostic.
 */
public record ElementOrigin(String element, String annotation, String member) implements Origin {

  public ElementOrigin {
    Objects.requireNonNull(element, "element");
    Objects.requireNonNull(annotation, "annotation");
    Objects.requireNonNull(member, "member");
  }

  @Override
  public String source() {
    return element;
  }

  @Override
  public String describe() {
    String where = annotation.isEmpty() ? element : element + " @" + annotation;
    return member.isEmpty() ? where : where + "(" + member + ")";
  }
}
