package dev.nlpm.runtime.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a model on an interface: {@code model Name : family extends Parent { ... }}. The nlpm
 * annotation processor generates the model's classes in the interface's package.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.CLASS)
public @interface Model {

  /** The model's name, which names the generated classes; by default the interface's simple name. */
  String name() default "";

  /** The family ({@code encoder}, {@code decoder}, {@code word2vec}, ...); may be left out with a parent. */
  String family() default "";

  /** The name of the model this one extends, if any. */
  String parent() default "";
}
