package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.Keyword;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies {@code extends}: each model's members merged over its parent's (docs/language.md,
 * "Inheritance"). Reports duplicate names (at the second declaration), unknown parents, cycles
 * and family mismatches; a model whose chain has an error is left out, and so are its
 * descendants, without further messages.
 *
 * <p>A cycle is reported once: models are resolved in declaration order, each by following its
 * parents; the walk that first comes back to a model it is resolving reports the cycle at the
 * {@code extends} that closes it, naming the chain from that model ({@code A -> B -> A}, where A
 * is the first model of the cycle the walk reached). The walk starts at the first declared
 * model leading into the cycle, so the same input always gives the same message.
 */
final class InheritanceResolver {

  /** Section kinds a body may hold several of, one per variant. */
  static final Set<String> REPEATABLE_KINDS = Set.of("objective", "decoding", "head");

  private final Diagnostics diagnostics;
  private final Map<String, ModelDecl> byName = new LinkedHashMap<>();
  private final Map<String, Optional<ResolvedModel>> resolved = new LinkedHashMap<>();
  private final List<String> visiting = new ArrayList<>();

  private InheritanceResolver(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /** Resolves every model; the result holds those without errors in their chain, by name. */
  static Map<String, ResolvedModel> resolve(List<ModelDecl> models, Diagnostics diagnostics) {
    InheritanceResolver resolver = new InheritanceResolver(diagnostics);
    for (ModelDecl model : models) {
      ModelDecl first = resolver.byName.putIfAbsent(model.name().text(), model);
      if (first != null) {
        diagnostics.error(
            DiagnosticCode.DUPLICATE_MODEL,
            model.name().origin(),
            model.name().text(),
            first.name().origin().describe());
      }
    }
    Map<String, ResolvedModel> result = new LinkedHashMap<>();
    for (String name : resolver.byName.keySet()) {
      resolver.resolve(name).ifPresent(r -> result.put(name, r));
    }
    return result;
  }

  private Optional<ResolvedModel> resolve(String name) {
    Optional<ResolvedModel> done = resolved.get(name);
    if (done != null) {
      return done;
    }
    ModelDecl decl = byName.get(name);
    visiting.add(name);
    Optional<ResolvedModel> result;
    try {
      result = resolveDecl(decl);
    } catch (RuntimeException | StackOverflowError e) {
      diagnostics.error(DiagnosticCode.INTERNAL_ERROR, decl.origin(), "resolving model " + name + ": " + e);
      result = Optional.empty();
    }
    visiting.remove(visiting.size() - 1);
    resolved.put(name, result);
    return result;
  }

  private Optional<ResolvedModel> resolveDecl(ModelDecl decl) {
    checkDuplicates(decl.members(), "model " + decl.name().text());
    Optional<Family> declared = decl.family().flatMap(this::family);
    if (decl.family().isPresent() && declared.isEmpty()) {
      return Optional.empty();
    }
    if (decl.parent().isEmpty()) {
      if (declared.isEmpty()) {
        String name = decl.name().text();
        diagnostics.error(DiagnosticCode.MISSING_FAMILY, decl.name().origin(), name, name, name);
        return Optional.empty();
      }
      List<Member> members = merge(List.of(), decl.members(), "model " + decl.name().text(), decl.name().text());
      return Optional.of(new ResolvedModel(decl, declared.get(), members));
    }
    Word parentName = decl.parent().get();
    if (!byName.containsKey(parentName.text())) {
      diagnostics.error(
          DiagnosticCode.UNKNOWN_PARENT,
          parentName.origin(),
          parentName.text(),
          String.join(", ", new TreeSet<>(byName.keySet())));
      return Optional.empty();
    }
    if (visiting.contains(parentName.text())) {
      List<String> cycle = new ArrayList<>(visiting.subList(visiting.indexOf(parentName.text()), visiting.size()));
      cycle.add(parentName.text());
      diagnostics.error(DiagnosticCode.INHERITANCE_CYCLE, parentName.origin(), String.join(" -> ", cycle));
      return Optional.empty();
    }
    Optional<ResolvedModel> parent = resolve(parentName.text());
    if (parent.isEmpty()) {
      return Optional.empty();
    }
    Family family = parent.get().family();
    if (declared.isPresent() && declared.get() != family) {
      diagnostics.error(
          DiagnosticCode.FAMILY_MISMATCH,
          decl.family().get().origin(),
          decl.name().text(),
          declared.get().keyword(),
          parentName.text(),
          family.keyword());
      return Optional.empty();
    }
    List<Member> members = merge(parent.get().members(), decl.members(), "model " + decl.name().text(), null);
    return Optional.of(new ResolvedModel(decl, family, members));
  }

  private Optional<Family> family(Word word) {
    Optional<Family> family = Family.fromKeyword(word.text());
    if (family.isEmpty()) {
      diagnostics.error(
          DiagnosticCode.UNKNOWN_FAMILY,
          word.origin(),
          word.text(),
          String.join(", ", Keyword.words(Family.values())));
    }
    return family;
  }

  /** Reports options and sections written twice in one body, at the second. */
  private void checkDuplicates(List<Member> members, String where) {
    Map<String, Member> seen = new LinkedHashMap<>();
    for (Member member : members) {
      String key;
      if (member instanceof Assignment a) {
        key = "=" + a.key();
      } else if (member instanceof Section s) {
        key =
            REPEATABLE_KINDS.contains(s.kind())
                ? s.kind() + " " + s.variantText()
                : s.kind();
        checkDuplicates(s.members(), "section '" + describe(s) + "' of " + where);
      } else {
        continue;
      }
      Member first = seen.putIfAbsent(key, member);
      if (first == null) {
        continue;
      }
      if (member instanceof Assignment a) {
        diagnostics.error(
            DiagnosticCode.DUPLICATE_OPTION, a.origin(), a.key(), where, first.origin().describe());
      } else {
        diagnostics.error(
            DiagnosticCode.DUPLICATE_SECTION,
            member.origin(),
            "section '" + describe((Section) member) + "'",
            where,
            first.origin().describe());
      }
    }
  }

  private static String describe(Section section) {
    return section.variant().isPresent()
        ? section.kind() + " " + section.variantText()
        : section.kind();
  }

  /**
   * Applies {@code own} over {@code inherited}: assignments replace by key, sections merge by
   * kind (and variant, for repeatable kinds and when the variant is the same), removals drop.
   *
   * @param where the body, for messages: "model X", "section 'train' of model X"
   * @param orphan the model's name when the model has no parent (then any removal, at any depth,
   *     is NLPM220), or null
   */
  private List<Member> merge(List<Member> inherited, List<Member> own, String where, String orphan) {
    List<Member> result = new ArrayList<>(inherited);
    for (Member member : own) {
      if (member instanceof Assignment a) {
        int at = indexOf(result, m -> m instanceof Assignment b && b.key().equals(a.key()));
        replaceOrAdd(result, at, a);
      } else if (member instanceof Section s) {
        mergeSection(result, s, where, orphan);
      } else {
        remove(result, (Removal) member, where, orphan);
      }
    }
    return result;
  }

  private void mergeSection(List<Member> result, Section own, String where, String orphan) {
    boolean repeatable = REPEATABLE_KINDS.contains(own.kind());
    int at =
        indexOf(
            result,
            m ->
                m instanceof Section s
                    && s.kind().equals(own.kind())
                    && (!repeatable || s.variantText().equals(own.variantText())));
    if (at < 0) {
      result.add(merged(own, List.of(), where, orphan));
      return;
    }
    Section inherited = (Section) result.get(at);
    if (!inherited.variantText().equals(own.variantText())) {
      result.set(at, merged(own, List.of(), where, orphan));
      return;
    }
    result.set(at, merged(own, inherited.members(), where, orphan));
  }

  /** {@code own} with its members applied over {@code inheritedMembers}. */
  private Section merged(Section own, List<Member> inheritedMembers, String where, String orphan) {
    return new Section(
        own.origin(),
        own.kind(),
        own.variant(),
        merge(inheritedMembers, own.members(), "section '" + describe(own) + "' of " + where, orphan));
  }

  private void remove(List<Member> result, Removal removal, String where, String orphan) {
    String what =
        removal.variant().map(v -> removal.kind() + " " + v.text()).orElse(removal.kind());
    if (orphan != null) {
      diagnostics.error(DiagnosticCode.NOTHING_TO_REMOVE_HERE, removal.origin(), orphan);
      return;
    }
    int at =
        indexOf(
            result,
            m ->
                (m instanceof Assignment a && removal.variant().isEmpty() && a.key().equals(removal.kind()))
                    || (m instanceof Section s
                        && s.kind().equals(removal.kind())
                        && (removal.variant().isEmpty()
                            || s.variantText().equals(removal.variant().get().text()))));
    if (at < 0) {
      diagnostics.error(
          DiagnosticCode.NOTHING_TO_REMOVE,
          removal.origin(),
          what,
          where,
          removal.variant().isPresent() ? "section" : "option or section");
      return;
    }
    result.remove(at);
  }

  private static int indexOf(List<Member> members, java.util.function.Predicate<Member> test) {
    for (int i = 0; i < members.size(); i++) {
      if (test.test(members.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static void replaceOrAdd(List<Member> members, int at, Member member) {
    if (at < 0) {
      members.add(member);
    } else {
      members.set(at, member);
    }
  }
}
