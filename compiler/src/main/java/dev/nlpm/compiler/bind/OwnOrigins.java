package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.source.Origin;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every origin written in a model's own declaration, as opposed to what it inherits. */
final class OwnOrigins {

  private final Set<Origin> origins = new HashSet<>();

  private OwnOrigins() {}

  static Set<Origin> of(ModelDecl decl) {
    OwnOrigins own = new OwnOrigins();
    own.origins.add(decl.origin());
    own.word(decl.name());
    decl.family().ifPresent(own::word);
    decl.parent().ifPresent(own::word);
    own.members(decl.members());
    return own.origins;
  }

  private void word(Word word) {
    origins.add(word.origin());
  }

  private void members(List<Member> members) {
    for (Member member : members) {
      origins.add(member.origin());
      if (member instanceof Assignment a) {
        value(a.value());
      } else if (member instanceof Section s) {
        s.variant().ifPresent(this::word);
        members(s.members());
      } else {
        ((Removal) member).variant().ifPresent(this::word);
      }
    }
  }

  private void value(Value value) {
    origins.add(value.origin());
    if (value instanceof Value.ListValue list) {
      list.elements().forEach(this::value);
    }
  }
}
