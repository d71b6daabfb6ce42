package dev.nlpm.runtime.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An option whose value a Java constant cannot hold: a list of strings ({@code stop = ["</s>"];}
 * is {@code @Option(key = "stop", strings = "</s>")}) or a range ({@code length = 1..10;} is
 * {@code @Option(key = "length", range = {1, 10})}). Set exactly one of {@code strings} and
 * {@code range}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.CLASS)
@Repeatable(Option.List.class)
public @interface Option {

  String key();

  String[] strings() default {};

  /** Two numbers: from and to, both included. */
  long[] range() default {};

  /** The container of repeated {@link Option}s. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.CLASS)
  @interface List {
    Option[] value();
  }
}
