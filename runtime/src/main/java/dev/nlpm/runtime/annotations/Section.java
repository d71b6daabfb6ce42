package dev.nlpm.runtime.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a nested interface as a section of the enclosing model or section: {@code kind variant {
 * ... }}, for example {@code @Section(kind = "objective", variant = "mlm")}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.CLASS)
public @interface Section {

  String kind();

  /** The variant, empty for sections that take none ({@code embeddings}, {@code train}). */
  String variant() default "";
}
