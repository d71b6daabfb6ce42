package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.source.Origin;
import dev.nlpm.compiler.source.SourcePosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A readable way to write declarations in tests, as a front end would produce them:
 *
 * <pre>{@code
 * Decls.Model bert = model("BertTiny", "encoder").set("vocab", 30522).set("heads", 2)
 *     .section("objective", "mlm", b -> b.set("rate", 0.15));
 * }</pre>
 *
 * Every node gets its own synthetic position in {@code test.nlpm} (one line each), so a test can
 * ask where something was written: {@code bert.value("heads")}, {@code bert.at("objective mlm")},
 * {@code bert.value("objective mlm/rate")}, {@code bert.variant("attention")}.
 *
 * <p>Values: an {@code Integer} or {@code Long} is an integer literal, a {@code Double} a decimal,
 * a {@code Boolean} true or false, a {@code String} a bare word; {@link #str}, {@link #range} and
 * {@link #list} give the other kinds.
 */
public final class Decls {

  public static final String FILE = "test.nlpm";

  private static final AtomicInteger LINES = new AtomicInteger();

  private Decls() {}

  private static SourcePosition next(int column) {
    return new SourcePosition(FILE, LINES.incrementAndGet(), column);
  }

  /** {@code model name : family { ... }}; family may be null (then give a parent). */
  public static Model model(String name, String family) {
    return new Model(name, family, null);
  }

  /** {@code model name extends parent { ... }}. */
  public static Model child(String name, String parent) {
    return new Model(name, null, parent);
  }

  /** {@code model name : family extends parent { ... }}. */
  public static Model model(String name, String family, String parent) {
    return new Model(name, family, parent);
  }

  /** A string literal, {@code "text"}. */
  public static Value str(String text) {
    return new Value.StringValue(next(11), text);
  }

  /** A range literal, {@code from..to}. */
  public static Value range(long from, long to) {
    return new Value.RangeValue(next(11), from, to);
  }

  /** A list of string literals. */
  public static Value list(String... elements) {
    List<Value> values = new ArrayList<>();
    for (String e : elements) {
      values.add(new Value.StringValue(next(12), e));
    }
    return new Value.ListValue(next(11), values);
  }

  static Value literal(Object value) {
    SourcePosition at = next(11);
    if (value instanceof Value v) {
      return v;
    } else if (value instanceof Integer i) {
      return new Value.IntValue(at, i);
    } else if (value instanceof Long l) {
      return new Value.IntValue(at, l);
    } else if (value instanceof Double d) {
      return new Value.DecimalValue(at, d, Double.toString(d));
    } else if (value instanceof Boolean b) {
      return new Value.BoolValue(at, b);
    } else if (value instanceof String s) {
      return new Value.WordValue(at, s);
    }
    throw new IllegalArgumentException("no literal for " + value);
  }

  /**
   * The members of a model or section body, and the origins of everything written in it by path:
   * {@code "heads"} (the assignment), {@code "heads="} (its value), {@code "objective mlm"} (a
   * section), {@code "objective mlm^"} (its variant), {@code "remove objective nsp"}, nested
   * with {@code /}.
   */
  public static class BodyBuilder<T extends BodyBuilder<T>> {
    final List<Member> members = new ArrayList<>();
    final Map<String, Origin> origins;
    final String prefix;

    BodyBuilder(Map<String, Origin> origins, String prefix) {
      this.origins = origins;
      this.prefix = prefix;
    }

    @SuppressWarnings("unchecked")
    private T self() {
      return (T) this;
    }

    /** {@code key = value;} */
    public T set(String key, Object value) {
      SourcePosition at = next(3);
      Value v = literal(value);
      members.add(new Assignment(at, key, v));
      origins.putIfAbsent(prefix + key, at);
      origins.putIfAbsent(prefix + key + "=", v.origin());
      return self();
    }

    /** {@code kind variant;} (variant may be null). */
    public T section(String kind, String variant) {
      return section(kind, variant, b -> {});
    }

    /** {@code kind variant { ... }} (variant may be null). */
    public T section(String kind, String variant, Consumer<Nested> body) {
      SourcePosition at = next(3);
      String name = variant == null ? kind : kind + " " + variant;
      Optional<Word> word = Optional.ofNullable(variant).map(v -> new Word(next(13), v));
      Nested nested = new Nested(origins, prefix + name + "/");
      body.accept(nested);
      members.add(new Section(at, kind, word, nested.members));
      origins.putIfAbsent(prefix + name, at);
      word.ifPresent(w -> origins.putIfAbsent(prefix + name + "^", w.origin()));
      return self();
    }

    /** {@code remove kind variant;} (variant may be null). */
    public T remove(String kind, String variant) {
      SourcePosition at = next(3);
      Optional<Word> word = Optional.ofNullable(variant).map(v -> new Word(next(17), v));
      members.add(new Removal(at, kind, word));
      origins.putIfAbsent(prefix + "remove " + (variant == null ? kind : kind + " " + variant), at);
      return self();
    }

    /** Where the member at {@code path} starts. */
    public Origin at(String path) {
      Origin origin = origins.get(path);
      if (origin == null) {
        throw new IllegalArgumentException("nothing written at " + path + "; written: " + origins.keySet());
      }
      return origin;
    }

    /** Where the value of the assignment at {@code path} was written. */
    public Origin value(String path) {
      return at(path + "=");
    }

    /** Where the variant of the section at {@code path} was written. */
    public Origin variant(String path) {
      return at(path + "^");
    }
  }

  /** The body of a section. */
  public static final class Nested extends BodyBuilder<Nested> {
    Nested(Map<String, Origin> origins, String prefix) {
      super(origins, prefix);
    }
  }

  /** A model declaration being written. */
  public static final class Model extends BodyBuilder<Model> {
    private final SourcePosition origin = next(1);
    private final Word name;
    private final Optional<Word> family;
    private final Optional<Word> parent;
    private String javaPackage = "dev.example";

    Model(String name, String family, String parent) {
      super(new HashMap<>(), "");
      this.name = new Word(next(7), name);
      this.family = Optional.ofNullable(family).map(f -> new Word(next(20), f));
      this.parent = Optional.ofNullable(parent).map(p -> new Word(next(30), p));
    }

    public Model inPackage(String javaPackage) {
      this.javaPackage = javaPackage;
      return this;
    }

    public String name() {
      return name.text();
    }

    /** The {@code model} keyword. */
    public Origin origin() {
      return origin;
    }

    public Origin nameAt() {
      return name.origin();
    }

    public Origin familyAt() {
      return family.orElseThrow().origin();
    }

    public Origin parentAt() {
      return parent.orElseThrow().origin();
    }

    public ModelDecl decl() {
      return new ModelDecl(origin, name, family, parent, javaPackage, FILE, members);
    }
  }
}
