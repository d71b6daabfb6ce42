package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.ir.ModelSpec;
import javax.lang.model.element.Modifier;

/**
 * The base of every writer: stamps {@code @Generated} (no date, so that output is deterministic)
 * naming the declaration's source, and turns a type into a {@link GeneratedFile}.
 */
abstract class SourceWriter {

  /** What {@code @Generated} names as the generator. */
  static final String GENERATOR = "dev.nlpm.compiler";

  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  protected final ModelSpec model;

  SourceWriter(ModelSpec model) {
    this.model = model;
  }

  /** A documented {@code public static final} constant. */
  static FieldSpec constant(TypeName type, String name, CodeBlock value, String doc) {
    return FieldSpec.builder(type, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(doc + "\n")
        .initializer(value)
        .build();
  }

  /** A documented {@code public static} method to fill in. */
  static MethodSpec.Builder method(String name, TypeName returns, String doc, Object... args) {
    return MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(returns).addJavadoc(doc, args);
  }

  /** The type this writer generates, without {@code @Generated}. */
  abstract TypeSpec.Builder type();

  /** The simple name of the generated class. */
  abstract String simpleName();

  /** Another class generated for this model: {@code <Model>Layout}, {@code <Model>Kernels}, … */
  final ClassName sibling(String suffix) {
    return ClassName.get(model.javaPackage(), model.name() + suffix);
  }

  final GeneratedFile write() {
    TypeSpec type =
        type()
            .addAnnotation(
                AnnotationSpec.builder(GENERATED)
                    .addMember("value", "$S", GENERATOR)
                    .addMember("comments", "$S", "from " + model.sourceName())
                    .build())
            .build();
    String source =
        JavaFile.builder(model.javaPackage(), type)
            .skipJavaLangImports(true)
            .indent("  ")
            .build()
            .toString();
    String qualified =
        model.javaPackage().isEmpty() ? simpleName() : model.javaPackage() + "." + simpleName();
    return new GeneratedFile(qualified, source, model.origin());
  }
}
