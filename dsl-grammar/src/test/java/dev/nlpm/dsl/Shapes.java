package dev.nlpm.dsl;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import dev.nlpm.compiler.decl.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * What a file says, without where it says it: two texts with the same shape declare the same
 * thing. The formatter must keep the shape and every comment.
 */
final class Shapes {

  private Shapes() {}

  static String of(NlpmFile file) {
    StringBuilder out = new StringBuilder();
    file.packages().forEach(p -> out.append("package ").append(p.name()).append('\n'));
    file.includes().forEach(i -> out.append("include ").append(i.path()).append('\n'));
    for (ModelDecl model : file.models()) {
      out.append("model ")
          .append(model.name().text())
          .append(" family=")
          .append(model.family().map(Word::text).orElse("-"))
          .append(" parent=")
          .append(model.parent().map(Word::text).orElse("-"))
          .append(" package=")
          .append(model.javaPackage())
          .append(" source=")
          .append(model.sourceName())
          .append('\n');
      members(model.members(), "  ", out);
    }
    return out.toString();
  }

  private static void members(List<Member> members, String indent, StringBuilder out) {
    for (Member member : members) {
      out.append(indent);
      if (member instanceof Assignment a) {
        out.append("set ").append(a.key()).append(' ').append(value(a.value())).append('\n');
      } else if (member instanceof Removal r) {
        out.append("remove ").append(r.kind()).append(' ').append(r.variant().map(Word::text).orElse("-")).append('\n');
      } else {
        Section s = (Section) member;
        out.append("section ").append(s.kind()).append(' ').append(s.variant().map(Word::text).orElse("-")).append('\n');
        members(s.members(), indent + "  ", out);
      }
    }
  }

  private static String value(Value value) {
    if (value instanceof Value.IntValue v) {
      return "int(" + v.value() + ")";
    } else if (value instanceof Value.DecimalValue v) {
      return "decimal(" + v.value() + " as " + v.text() + ")";
    } else if (value instanceof Value.BoolValue v) {
      return "bool(" + v.value() + ")";
    } else if (value instanceof Value.StringValue v) {
      return "string(" + v.value().replace("\\", "\\\\").replace("\n", "\\n") + ")";
    } else if (value instanceof Value.WordValue v) {
      return "word(" + v.word() + ")";
    } else if (value instanceof Value.RangeValue v) {
      return "range(" + v.from() + ", " + v.to() + ")";
    }
    return ((Value.ListValue) value)
        .elements().stream().map(Shapes::value).collect(Collectors.joining(", ", "list(", ")"));
  }

  /** Every comment of a text, in order, as written. */
  static List<String> comments(String text) {
    NlpmLexer lexer = new NlpmLexer(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    List<String> comments = new ArrayList<>();
    for (Token token = lexer.nextToken(); token.getType() != Token.EOF; token = lexer.nextToken()) {
      if (token.getType() == NlpmLexer.LINE_COMMENT || token.getType() == NlpmLexer.BLOCK_COMMENT) {
        comments.add(token.getText());
      }
    }
    return comments;
  }
}
