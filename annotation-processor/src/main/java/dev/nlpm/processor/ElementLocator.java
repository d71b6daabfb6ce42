package dev.nlpm.processor;

import dev.nlpm.compiler.source.ElementOrigin;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Maps the {@link ElementOrigin}s the reader put into the IR back to the element, the annotation
 * and the annotation value they name, so that the Messager can point at the most precise place.
 */
final class ElementLocator {

  private final Map<String, Element> elements = new HashMap<>();

  /** Remembers an element and returns the path its origins use. */
  String register(Element element) {
    String path =
        element instanceof TypeElement type
            ? type.getQualifiedName().toString()
            : ((TypeElement) element.getEnclosingElement()).getQualifiedName() + "#" + element.getSimpleName();
    elements.put(path, element);
    return path;
  }

  /** Where a diagnostic with this origin should be reported. */
  record Location(Element element, Optional<AnnotationMirror> annotation, Optional<AnnotationValue> value) {}

  Optional<Location> locate(ElementOrigin origin) {
    Element element = elements.get(origin.element());
    if (element == null) {
      return Optional.empty();
    }
    if (origin.annotation().isEmpty()) {
      return Optional.of(new Location(element, Optional.empty(), Optional.empty()));
    }
    Optional<AnnotationMirror> mirror = AnnotatedModelReader.mirror(element, Annotations.PACKAGE + "." + origin.annotation());
    Optional<AnnotationValue> value =
        mirror.flatMap(m -> origin.member().isEmpty() ? Optional.empty() : AnnotatedModelReader.value(m, origin.member()));
    return Optional.of(new Location(element, mirror, value));
  }
}
