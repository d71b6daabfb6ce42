package dev.nlpm.compiler.ir;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** An enumeration constant with the word that declares it in {@code .nlpm}. */
public interface Keyword {

  String keyword();

  /** The constant declared by {@code word}, if any. */
  static <E extends Keyword> Optional<E> lookup(E[] values, String word) {
    return Arrays.stream(values).filter(v -> v.keyword().equals(word)).findFirst();
  }

  /** The words of all constants, in declaration order, for "valid: ..." messages. */
  static List<String> words(Keyword[] values) {
    return Arrays.stream(values).map(Keyword::keyword).toList();
  }
}
