package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.ir.Family;
import java.util.List;

/**
 * A model with its inheritance applied: its own declaration, its family (declared or inherited)
 * and its members merged over its ancestors'.
 */
record ResolvedModel(ModelDecl decl, Family family, List<Member> members) {

  ResolvedModel {
    members = List.copyOf(members);
  }

  String name() {
    return decl.name().text();
  }
}
