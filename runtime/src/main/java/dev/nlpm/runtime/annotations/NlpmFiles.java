package dev.nlpm.runtime.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names {@code .nlpm} files for the annotation processor to compile, relative to the annotated
 * type's or package's package on the source path or the class path (so {@code
 * src/main/resources/com/example/bert.nlpm} is {@code @NlpmFiles("bert.nlpm")} on a type in
 * {@code com.example}).
 */
@Target({ElementType.TYPE, ElementType.PACKAGE})
@Retention(RetentionPolicy.SOURCE)
public @interface NlpmFiles {

  String[] value();
}
