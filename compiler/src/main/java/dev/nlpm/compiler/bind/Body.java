package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.Keyword;
import dev.nlpm.compiler.source.Origin;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the typed options of one body (a model's or a section's, inheritance already applied).
 * Every getter declares its key as valid and returns the written value or the default; a value
 * that is not understood (a wrong type, an unknown word, an integer beyond int) is reported, the
 * default used in its place and its path recorded as unbound, so that validation does not judge
 * the stand-in. {@link #finish()} then reports every member no getter asked for, listing the
 * valid ones — so the list of valid options is the code itself.
 */
final class Body {

  private final String where;
  private final Origin origin;
  private final List<Member> members;
  private final Diagnostics diagnostics;
  private final Set<String> options = new LinkedHashSet<>();
  private final Set<String> sections = new LinkedHashSet<>();
  private final String path;
  private final OptionTrace trace;

  /**
   * @param where how messages name this body: "model BertTiny", "objective mlm"
   * @param origin where defaults of this body are said to come from
   */
  Body(String where, Origin origin, List<Member> members, Diagnostics diagnostics) {
    this(where, origin, members, diagnostics, "", new OptionTrace());
  }

  /**
   * @param path this body's option path prefix ({@code ""}, {@code "objective.mlm."})
   * @param trace what was written and what was not understood, by path; shared by a model's bodies
   */
  private Body(String where, Origin origin, List<Member> members, Diagnostics diagnostics, String path, OptionTrace trace) {
    this.where = where;
    this.origin = origin;
    this.members = members;
    this.diagnostics = diagnostics;
    this.path = path;
    this.trace = trace;
  }

  /** A body nested in this one, at {@code path + segment + "."}. */
  Body child(String where, Origin origin, List<Member> members, String segment) {
    return new Body(where, origin, members, diagnostics, path + segment + ".", trace);
  }

  /** Where each option of the model read so far was written, by path. */
  java.util.Map<String, Origin> written() {
    return trace.written();
  }

  /** The paths of the model whose written value or variant was not understood. */
  Set<String> unbound() {
    return trace.unbound();
  }

  /**
   * Records that {@code key} of this body (an option, or a section kind whose variant was not
   * understood) stands at a default in place of what was written or required.
   */
  void markUnbound(String key) {
    trace.unbound().add(path + key);
  }

  Origin origin() {
    return origin;
  }

  String where() {
    return where;
  }

  Diagnostics diagnostics() {
    return diagnostics;
  }

  // ---- assignments ----

  /** The assignment of {@code key}, if written; marks the key valid. */
  Optional<Assignment> assignment(String key) {
    options.add(key);
    Optional<Assignment> found =
        members.stream()
            .filter(m -> m instanceof Assignment a && a.key().equals(key))
            .map(Assignment.class::cast)
            .findFirst();
    found.ifPresent(a -> trace.written().putIfAbsent(path + key, a.value().origin()));
    return found;
  }

  boolean has(String key) {
    return assignment(key).isPresent();
  }

  /** Where {@code key} was written, or this body's origin when it takes its default. */
  Origin originOf(String key) {
    return assignment(key).map(Assignment::origin).orElse(origin);
  }

  int integer(String key, int defaultValue) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return defaultValue;
    }
    if (written.get().value() instanceof Value.IntValue v) {
      if (!fitsInt(v.value())) {
        diagnostics.error(
            DiagnosticCode.OUT_OF_RANGE,
            v.origin(),
            key,
            "an integer in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]",
            v.value());
        markUnbound(key);
        return defaultValue;
      }
      return (int) v.value();
    }
    wrongType(key, "an integer", written.get().value());
    return defaultValue;
  }

  long longInteger(String key, long defaultValue) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return defaultValue;
    }
    if (written.get().value() instanceof Value.IntValue v) {
      return v.value();
    }
    wrongType(key, "an integer", written.get().value());
    return defaultValue;
  }

  /** A decimal; an integer literal is accepted too. */
  double decimal(String key, double defaultValue) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return defaultValue;
    }
    Value value = written.get().value();
    if (value instanceof Value.DecimalValue v) {
      return v.value();
    }
    if (value instanceof Value.IntValue v) {
      return v.value();
    }
    wrongType(key, "a number", value);
    return defaultValue;
  }

  boolean bool(String key, boolean defaultValue) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return defaultValue;
    }
    if (written.get().value() instanceof Value.BoolValue v) {
      return v.value();
    }
    wrongType(key, "true or false", written.get().value());
    return defaultValue;
  }

  Optional<String> string(String key) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return Optional.empty();
    }
    if (written.get().value() instanceof Value.StringValue v) {
      return Optional.of(v.value());
    }
    if (written.get().value() instanceof Value.WordValue v) {
      return Optional.of(v.word());
    }
    wrongType(key, "a string", written.get().value());
    return Optional.empty();
  }

  String string(String key, String defaultValue) {
    return string(key).orElse(defaultValue);
  }

  /** A bare word naming something (a model), with where it was written. */
  Optional<Word> name(String key) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return Optional.empty();
    }
    if (written.get().value() instanceof Value.WordValue v) {
      return Optional.of(new Word(v.origin(), v.word()));
    }
    if (written.get().value() instanceof Value.StringValue v) {
      return Optional.of(new Word(v.origin(), v.value()));
    }
    wrongType(key, "a model name", written.get().value());
    return Optional.empty();
  }

  /** One of the constants of an enumeration, by its keyword. */
  <E extends Keyword> E keyword(String key, E[] values, E defaultValue) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return defaultValue;
    }
    Value value = written.get().value();
    String word;
    if (value instanceof Value.WordValue w) {
      word = w.word();
    } else if (value instanceof Value.StringValue s) {
      word = s.value();
    } else {
      wrongType(key, "one of " + String.join(", ", Keyword.words(values)), value);
      return defaultValue;
    }
    Optional<E> found = Keyword.lookup(values, word);
    if (found.isEmpty()) {
      diagnostics.error(
          DiagnosticCode.UNKNOWN_WORD_VALUE, value.origin(), key, String.join(", ", Keyword.words(values)), word);
      markUnbound(key);
      return defaultValue;
    }
    return found.get();
  }

  /**
   * A range {@code from..to} of ints; both ends are returned as written (validation checks their
   * order), unless one lies beyond int (NLPM317).
   */
  int[] intRange(String key, int from, int to) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return new int[] {from, to};
    }
    if (written.get().value() instanceof Value.RangeValue v) {
      if (fitsInt(v.from()) && fitsInt(v.to())) {
        return new int[] {(int) v.from(), (int) v.to()};
      }
      diagnostics.error(
          DiagnosticCode.OUT_OF_RANGE,
          v.origin(),
          key,
          "a range with both ends in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]",
          v.from() + ".." + v.to());
      markUnbound(key);
      return new int[] {from, to};
    }
    wrongType(key, "a range such as 2..10", written.get().value());
    return new int[] {from, to};
  }

  private static boolean fitsInt(long value) {
    return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
  }

  List<String> strings(String key) {
    Optional<Assignment> written = assignment(key);
    if (written.isEmpty()) {
      return List.of();
    }
    if (written.get().value() instanceof Value.ListValue list) {
      List<String> result = new ArrayList<>();
      for (Value element : list.elements()) {
        if (element instanceof Value.StringValue s) {
          result.add(s.value());
        } else {
          diagnostics.error(DiagnosticCode.WRONG_VALUE_TYPE, element.origin(), key + " element", "a string", describe(element));
          markUnbound(key);
        }
      }
      return result;
    }
    wrongType(key, "a list of strings such as [\"</s>\"]", written.get().value());
    return List.of();
  }

  /** Reports that two keys were both written, naming why they exclude each other. */
  boolean conflict(String first, String second, String why) {
    Optional<Assignment> a = assignment(first);
    Optional<Assignment> b = assignment(second);
    if (a.isPresent() && b.isPresent()) {
      diagnostics.error(DiagnosticCode.CONFLICTING_OPTIONS, b.get().origin(), first, second, where, why);
      return true;
    }
    return false;
  }

  private void wrongType(String key, String expected, Value found) {
    diagnostics.error(DiagnosticCode.WRONG_VALUE_TYPE, found.origin(), key, expected, describe(found));
    markUnbound(key);
  }

  private static String describe(Value value) {
    String shown;
    if (value instanceof Value.StringValue s) {
      shown = "\"" + s.value() + "\"";
    } else if (value instanceof Value.WordValue w) {
      shown = w.word();
    } else if (value instanceof Value.IntValue i) {
      shown = Long.toString(i.value());
    } else if (value instanceof Value.DecimalValue d) {
      shown = d.text();
    } else if (value instanceof Value.BoolValue b) {
      shown = Boolean.toString(b.value());
    } else if (value instanceof Value.RangeValue r) {
      shown = r.from() + ".." + r.to();
    } else {
      shown = "[...]";
    }
    return value.kindName() + " (" + shown + ")";
  }

  // ---- sections ----

  /** The sections of a repeatable kind, in order; marks the kind valid. */
  List<Section> sections(String kind) {
    sections.add(kind);
    return members.stream()
        .filter(m -> m instanceof Section s && s.kind().equals(kind))
        .map(Section.class::cast)
        .toList();
  }

  /** The section of a single kind, if written. */
  Optional<Section> section(String kind) {
    return sections(kind).stream().findFirst();
  }

  /**
   * Reports the members no getter asked for. Call once, after every getter of the body has run.
   */
  void finish() {
    for (Member member : members) {
      if (member instanceof Assignment a && !options.contains(a.key())) {
        diagnostics.error(
            DiagnosticCode.UNKNOWN_OPTION, a.origin(), a.key(), where, list(options));
      } else if (member instanceof Section s && !sections.contains(s.kind())) {
        if (options.contains(s.kind())) {
          diagnostics.error(
              DiagnosticCode.UNKNOWN_SECTION,
              s.origin(),
              s.kind(),
              where,
              list(sections) + " ('" + s.kind() + "' is an option here: write '" + s.kind() + " = value;')");
        } else {
          diagnostics.error(
              DiagnosticCode.UNKNOWN_SECTION, s.origin(), s.kind(), where, list(sections));
        }
      }
    }
  }

  private static String list(Set<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
