package dev.nlpm.processor;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.source.ElementOrigin;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * Reads an interface annotated {@code @Model} into the compiler's declaration IR, exactly as the
 * {@code .nlpm} front end would read the same model: constants are assignments, nested
 * interfaces marked {@code @Section} are sections, {@code @Remove} are removals, {@code @Option}
 * are list and range assignments. Every node's origin names the element (and the annotation and
 * member) it came from, which {@link ElementLocator} maps back for diagnostics.
 */
final class AnnotatedModelReader {

  private final Elements elements;
  private final ElementLocator locator;
  private final Diagnostics diagnostics;

  AnnotatedModelReader(Elements elements, ElementLocator locator, Diagnostics diagnostics) {
    this.elements = elements;
    this.locator = locator;
    this.diagnostics = diagnostics;
  }

  ModelDecl read(TypeElement type) {
    AnnotationMirror model = mirror(type, Annotations.MODEL).orElseThrow();
    String path = locator.register(type);
    String name = string(model, "name").filter(n -> !n.isEmpty()).orElse(type.getSimpleName().toString());
    return new ModelDecl(
        origin(path, "Model", ""),
        new Word(origin(path, "Model", string(model, "name").isPresent() ? "name" : ""), name),
        string(model, "family").filter(f -> !f.isEmpty()).map(f -> new Word(origin(path, "Model", "family"), f)),
        string(model, "parent").filter(p -> !p.isEmpty()).map(p -> new Word(origin(path, "Model", "parent"), p)),
        elements.getPackageOf(type).getQualifiedName().toString(),
        type.getQualifiedName().toString(),
        members(type, path));
  }

  /** Removals first (they act on what is inherited), then options and sections in source order. */
  private List<Member> members(TypeElement type, String path) {
    List<Member> members = new ArrayList<>();
    for (AnnotationMirror remove : repeated(type, Annotations.REMOVE, Annotations.REMOVE_LIST)) {
      members.add(
          new Removal(
              origin(path, "Remove", ""),
              string(remove, "kind").orElse(""),
              string(remove, "variant").filter(v -> !v.isEmpty()).map(v -> new Word(origin(path, "Remove", "variant"), v))));
    }
    for (AnnotationMirror option : repeated(type, Annotations.OPTION, Annotations.OPTION_LIST)) {
      members.add(option(option, path));
    }
    for (Element element : type.getEnclosedElements()) {
      if (element.getKind() == ElementKind.FIELD) {
        constant((VariableElement) element).ifPresent(members::add);
      } else if (element instanceof TypeElement nested && mirror(nested, Annotations.SECTION).isPresent()) {
        members.add(section(nested));
      }
    }
    return members;
  }

  private Section section(TypeElement type) {
    String path = locator.register(type);
    AnnotationMirror section = mirror(type, Annotations.SECTION).orElseThrow();
    return new Section(
        origin(path, "Section", ""),
        string(section, "kind").orElse(""),
        string(section, "variant").filter(v -> !v.isEmpty()).map(v -> new Word(origin(path, "Section", "variant"), v)),
        members(type, path));
  }

  private Optional<Member> constant(VariableElement field) {
    if (!field.getModifiers().contains(Modifier.STATIC)) {
      return Optional.empty();
    }
    String path = locator.register(field);
    ElementOrigin at = origin(path, "", "");
    String key = field.getSimpleName().toString().toLowerCase(Locale.ROOT);
    Object constant = field.getConstantValue();
    Value value;
    if (constant instanceof Integer || constant instanceof Long || constant instanceof Short || constant instanceof Byte) {
      value = new Value.IntValue(at, ((Number) constant).longValue());
    } else if (constant instanceof Double || constant instanceof Float) {
      double d = ((Number) constant).doubleValue();
      value = new Value.DecimalValue(at, d, Double.toString(d));
    } else if (constant instanceof Boolean b) {
      value = new Value.BoolValue(at, b);
    } else if (constant instanceof String s) {
      value = new Value.StringValue(at, s);
    } else {
      diagnostics.error(DiagnosticCode.NOT_A_CONSTANT, at, field.getSimpleName());
      return Optional.empty();
    }
    return Optional.of(new Assignment(at, key, value));
  }

  private Assignment option(AnnotationMirror option, String path) {
    ElementOrigin at = origin(path, "Option", "");
    String key = string(option, "key").orElse("");
    List<? extends AnnotationValue> strings = list(option, "strings");
    List<? extends AnnotationValue> range = list(option, "range");
    if (!range.isEmpty() && strings.isEmpty()) {
      long from = ((Number) range.get(0).getValue()).longValue();
      long to = range.size() > 1 ? ((Number) range.get(1).getValue()).longValue() : from;
      return new Assignment(at, key, new Value.RangeValue(origin(path, "Option", "range"), from, to));
    }
    List<Value> values = new ArrayList<>();
    for (AnnotationValue s : strings) {
      values.add(new Value.StringValue(origin(path, "Option", "strings"), (String) s.getValue()));
    }
    return new Assignment(at, key, new Value.ListValue(origin(path, "Option", "strings"), values));
  }

  // ---- annotation mirrors ----

  static Optional<AnnotationMirror> mirror(Element element, String annotation) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(annotation)) {
        return Optional.of(mirror);
      }
    }
    return Optional.empty();
  }

  /** A repeatable annotation, written once or several times (then inside its container). */
  private static List<AnnotationMirror> repeated(Element element, String annotation, String container) {
    List<AnnotationMirror> found = new ArrayList<>();
    mirror(element, annotation).ifPresent(found::add);
    mirror(element, container)
        .ifPresent(c -> list(c, "value").forEach(v -> found.add((AnnotationMirror) v.getValue())));
    return found;
  }

  static Optional<AnnotationValue> value(AnnotationMirror mirror, String member) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(member)) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }

  /** An explicitly written string member. */
  private static Optional<String> string(AnnotationMirror mirror, String member) {
    return value(mirror, member).map(v -> (String) v.getValue());
  }

  @SuppressWarnings("unchecked")
  private static List<? extends AnnotationValue> list(AnnotationMirror mirror, String member) {
    return value(mirror, member).map(v -> (List<? extends AnnotationValue>) v.getValue()).orElse(List.of());
  }

  private static ElementOrigin origin(String path, String annotation, String member) {
    return new ElementOrigin(path, annotation, member);
  }
}
