package dev.nlpm.compiler.decl;

import dev.nlpm.compiler.source.Origin;
import java.util.List;
import java.util.Objects;

/** The right-hand side of an assignment. */
public sealed interface Value {

  Origin origin();

  /** A short name of the value's kind for messages: "an integer", "a word", ... */
  String kindName();

  /** {@code 768}, {@code -1}, {@code 30_522} */
  record IntValue(Origin origin, long value) implements Value {
    public IntValue {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String kindName() {
      return "an integer";
    }
  }

  /**
   * {@code 0.1}, {@code 1e-12}; {@code text} keeps the spelling so that printing gives back what
   * was written.
   */
  record DecimalValue(Origin origin, double value, String text) implements Value {
    public DecimalValue {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public String kindName() {
      return "a decimal number";
    }
  }

  /** {@code true} or {@code false} */
  record BoolValue(Origin origin, boolean value) implements Value {
    public BoolValue {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String kindName() {
      return "a boolean";
    }
  }

  /** {@code "vocab.txt"}, already unescaped. */
  record StringValue(Origin origin, String value) implements Value {
    public StringValue {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String kindName() {
      return "a string";
    }
  }

  /** A bare word: an enumeration constant ({@code gelu}) or a model name ({@code BertBase}). */
  record WordValue(Origin origin, String word) implements Value {
    public WordValue {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(word, "word");
    }

    @Override
    public String kindName() {
      return "a word";
    }
  }

  /** {@code 2..10}, both ends included. */
  record RangeValue(Origin origin, long from, long to) implements Value {
    public RangeValue {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String kindName() {
      return "a range";
    }
  }

  /** {@code ["</s>", "<eos>"]} */
  record ListValue(Origin origin, List<Value> elements) implements Value {
    public ListValue {
      Objects.requireNonNull(origin, "origin");
      elements = List.copyOf(elements);
    }

    @Override
    public String kindName() {
      return "a list";
    }
  }
}
