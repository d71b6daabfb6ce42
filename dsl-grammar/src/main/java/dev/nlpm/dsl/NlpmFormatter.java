package dev.nlpm.dsl;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.source.Origin;
import dev.nlpm.dsl.NlpmFile.Comments;
import dev.nlpm.dsl.NlpmFile.IncludeDecl;
import dev.nlpm.dsl.NlpmFile.PackageDecl;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints an {@link NlpmFile} in the canonical form: two-space indentation, one member a line,
 * {@code kind variant;} for a section without members, one blank line between models, and every
 * comment kept next to what it was written with. Formatting a formatted file changes nothing.
 */
public final class NlpmFormatter {

  private static final String INDENT = "  ";

  private final NlpmFile file;
  private final StringBuilder out = new StringBuilder();

  private NlpmFormatter(NlpmFile file) {
    this.file = file;
  }

  public static String format(NlpmFile file) {
    NlpmFormatter formatter = new NlpmFormatter(file);
    formatter.writeFile();
    return formatter.out.toString();
  }

  private void writeFile() {
    for (PackageDecl pkg : file.packages()) {
      leadingComments(pkg.position(), "");
      out.append("package ").append(pkg.name()).append(';');
      endLine(pkg.position());
    }
    for (IncludeDecl include : file.includes()) {
      leadingComments(include.position(), "");
      out.append("include ").append(quote(include.path())).append(';');
      endLine(include.position());
    }
    boolean first = file.packages().isEmpty() && file.includes().isEmpty();
    for (ModelDecl model : file.models()) {
      if (!first) {
        out.append('\n');
      }
      first = false;
      writeModel(model);
    }
    Comments atEnd = file.comments().get(NlpmFileParser.endOfFile(file.sourceName()));
    if (atEnd != null) {
      if (!first) {
        out.append('\n');
      }
      atEnd.leading().forEach(comment -> out.append(comment).append('\n'));
    }
  }

  private void writeModel(ModelDecl model) {
    leadingComments(model.origin(), "");
    out.append("model ").append(model.name().text());
    model.family().ifPresent(family -> out.append(" : ").append(family.text()));
    model.parent().ifPresent(parent -> out.append(" extends ").append(parent.text()));
    out.append(" {\n");
    writeMembers(model.members(), INDENT);
    out.append('}');
    endLine(model.origin());
  }

  private void writeMembers(List<Member> members, String indent) {
    for (Member member : members) {
      leadingComments(member.origin(), indent);
      out.append(indent);
      if (member instanceof Assignment assignment) {
        out.append(assignment.key()).append(" = ").append(value(assignment.value())).append(';');
      } else if (member instanceof Removal removal) {
        out.append("remove ").append(removal.kind());
        removal.variant().ifPresent(v -> out.append(' ').append(v.text()));
        out.append(';');
      } else {
        writeSection((Section) member, indent);
      }
      endLine(member.origin());
    }
  }

  private void writeSection(Section section, String indent) {
    out.append(section.kind());
    section.variant().map(Word::text).ifPresent(v -> out.append(' ').append(v));
    if (section.members().isEmpty()) {
      out.append(';');
      return;
    }
    out.append(" {\n");
    writeMembers(section.members(), indent + INDENT);
    out.append(indent).append('}');
  }

  /** The value as it should be written back; decimals keep their spelling. */
  public static String value(Value value) {
    if (value instanceof Value.IntValue v) {
      return integer(v.value());
    } else if (value instanceof Value.DecimalValue v) {
      return v.text();
    } else if (value instanceof Value.BoolValue v) {
      return Boolean.toString(v.value());
    } else if (value instanceof Value.StringValue v) {
      return quote(v.value());
    } else if (value instanceof Value.WordValue v) {
      return v.word();
    } else if (value instanceof Value.RangeValue v) {
      return integer(v.from()) + ".." + integer(v.to());
    }
    return ((Value.ListValue) value)
        .elements().stream().map(NlpmFormatter::value).collect(Collectors.joining(", ", "[", "]"));
  }

  /** Integers of six digits or more are grouped by thousands: {@code 1_000_000}. */
  static String integer(long value) {
    String digits = Long.toString(value);
    if (Math.abs(value) < 100_000 || value == Long.MIN_VALUE) {
      return digits;
    }
    return String.format(java.util.Locale.ROOT, "%,d", value).replace(',', '_');
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\\' -> quoted.append("\\\\");
        case '"' -> quoted.append("\\\"");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        default -> quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }

  private void leadingComments(Origin origin, String indent) {
    Comments comments = file.comments().get(origin);
    if (comments != null) {
      comments.leading().forEach(comment -> out.append(indent).append(comment).append('\n'));
    }
  }

  private void endLine(Origin origin) {
    Comments comments = file.comments().get(origin);
    if (comments != null) {
      comments.trailing().forEach(comment -> out.append(' ').append(comment));
    }
    out.append('\n');
  }
}
