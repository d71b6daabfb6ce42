package dev.nlpm.runtime.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Drops an inherited section or option: {@code remove kind variant;}. Removals apply before the
 * interface's own members.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.CLASS)
@Repeatable(Remove.List.class)
public @interface Remove {

  String kind();

  String variant() default "";

  /** The container of repeated {@link Remove}s. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.CLASS)
  @interface List {
    Remove[] value();
  }
}
