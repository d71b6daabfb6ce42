package dev.nlpm.processor;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a {@code .nlpm} model as the annotated Java interface that declares the same model: the
 * translation the equivalence test checks, and the way the annotated forms of the standard
 * models under {@code src/test/resources/annotated} were written.
 */
final class AnnotatedForm {

  private final StringBuilder out = new StringBuilder();
  private final Set<String> nestedNames = new HashSet<>();

  static String of(ModelDecl model) {
    AnnotatedForm form = new AnnotatedForm();
    form.model(model);
    return form.out.toString();
  }

  private void model(ModelDecl model) {
    if (!model.javaPackage().isEmpty()) {
      out.append("package ").append(model.javaPackage()).append(";\n\n");
    }
    out.append("import dev.nlpm.runtime.annotations.Model;\n")
        .append("import dev.nlpm.runtime.annotations.Option;\n")
        .append("import dev.nlpm.runtime.annotations.Remove;\n")
        .append("import dev.nlpm.runtime.annotations.Section;\n\n");
    List<String> arguments = new ArrayList<>();
    model.family().ifPresent(f -> arguments.add("family = \"" + f.text() + "\""));
    model.parent().ifPresent(p -> arguments.add("parent = \"" + p.text() + "\""));
    out.append("@Model");
    if (!arguments.isEmpty()) {
      out.append('(').append(String.join(", ", arguments)).append(')');
    }
    out.append('\n');
    body(model.members(), "", "public interface " + model.name().text());
  }

  private void body(List<Member> members, String indent, String header) {
    for (Member member : members) {
      if (member instanceof Removal removal) {
        out.append(indent).append("@Remove(kind = \"").append(removal.kind()).append('"');
        removal.variant().ifPresent(v -> out.append(", variant = \"").append(v.text()).append('"'));
        out.append(")\n");
      } else if (member instanceof Assignment a
          && (a.value() instanceof Value.RangeValue || a.value() instanceof Value.ListValue)) {
        out.append(indent).append("@Option(key = \"").append(a.key()).append("\", ");
        if (a.value() instanceof Value.RangeValue r) {
          out.append("range = {").append(r.from()).append(", ").append(r.to()).append("}");
        } else {
          List<String> strings = new ArrayList<>();
          for (Value v : ((Value.ListValue) a.value()).elements()) {
            strings.add(quote(((Value.StringValue) v).value()));
          }
          out.append("strings = {").append(String.join(", ", strings)).append("}");
        }
        out.append(")\n");
      }
    }
    out.append(indent).append(header).append(" {\n");
    String inner = indent + "  ";
    for (Member member : members) {
      if (member instanceof Assignment a) {
        constant(a, inner);
      } else if (member instanceof Section s) {
        out.append(inner).append("@Section(kind = \"").append(s.kind()).append('"');
        s.variant().ifPresent(v -> out.append(", variant = \"").append(v.text()).append('"'));
        out.append(")\n");
        body(s.members(), inner, "interface " + nestedName(s));
      }
    }
    out.append(indent).append("}\n");
  }

  private void constant(Assignment a, String indent) {
    String name = a.key().toUpperCase(Locale.ROOT);
    Value value = a.value();
    if (value instanceof Value.IntValue v) {
      boolean small = v.value() >= Integer.MIN_VALUE && v.value() <= Integer.MAX_VALUE;
      out.append(indent).append(small ? "int " : "long ").append(name).append(" = ").append(v.value()).append(small ? "" : "L").append(";\n");
    } else if (value instanceof Value.DecimalValue v) {
      out.append(indent).append("double ").append(name).append(" = ").append(v.text()).append(";\n");
    } else if (value instanceof Value.BoolValue v) {
      out.append(indent).append("boolean ").append(name).append(" = ").append(v.value()).append(";\n");
    } else if (value instanceof Value.StringValue v) {
      out.append(indent).append("String ").append(name).append(" = ").append(quote(v.value())).append(";\n");
    } else if (value instanceof Value.WordValue v) {
      out.append(indent).append("String ").append(name).append(" = ").append(quote(v.word())).append(";\n");
    }
  }

  private String nestedName(Section section) {
    String base = camel(section.kind()) + section.variant().map(v -> camel(v.text())).orElse("");
    String name = base;
    for (int i = 2; !nestedNames.add(name); i++) {
      name = base + i;
    }
    return name;
  }

  private static String camel(String word) {
    StringBuilder out = new StringBuilder();
    for (String part : word.split("_")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
