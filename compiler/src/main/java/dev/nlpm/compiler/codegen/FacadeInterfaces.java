package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * What makes a generated {@code <Model>Model} facade an instance of its runtime interface ({@code
 * dev.nlpm.runtime.model}): the {@code implements}, a public no-argument constructor for code that
 * loads the class by name, and {@code @Override} methods, each calling the static method of the
 * facade that does the work (they cannot share its name: a class cannot have a static and an
 * instance method of one signature).
 */
final class FacadeInterfaces {

  private static final String PACKAGE = "dev.nlpm.runtime.model";
  static final ClassName ENCODER = ClassName.get(PACKAGE, "EncoderFacade");
  static final ClassName DECODER = ClassName.get(PACKAGE, "DecoderFacade");
  static final ClassName BLOCKWISE_DECODER = ClassName.get(PACKAGE, "BlockwiseDecoderFacade");
  static final ClassName LSTM = ClassName.get(PACKAGE, "LstmFacade");
  static final ClassName WORD2VEC = ClassName.get(PACKAGE, "Word2VecFacade");

  private FacadeInterfaces() {}

  /** Declares that {@code type} implements {@code facade}, with the public constructor that gives an instance of it. */
  static void implement(TypeSpec.Builder type, ClassName facade) {
    type.addSuperinterface(facade)
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("An instance as {@link $T}, for code that loads this class by name; its methods call the static ones.\n", facade)
            .build());
  }

  /** An {@code @Override public} method returning {@code returns}, to fill in. */
  static MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
  }

  /** An {@code @Override public} method with no parameters returning {@code value}. */
  static MethodSpec returning(String name, TypeName returns, CodeBlock value) {
    return override(name, returns).addStatement("return $L", value).build();
  }

  /**
   * The methods of {@code ModelFacade} (the model's name, its checkpoint prefix and its declared
   * training), over the constants and {@code trainingOptions(long)} that the encoder, decoder and
   * LSTM facades all have.
   */
  static void addModelFacade(TypeSpec.Builder type, CodeBlock checkpointPrefix) {
    type.addMethod(returning("name", TypeName.get(String.class), CodeBlock.of("NAME")));
    type.addMethod(returning("checkpointPrefix", TypeName.get(String.class), checkpointPrefix));
    type.addMethod(returning("sequence", TypeName.INT, CodeBlock.of("SEQUENCE")));
    type.addMethod(returning("batch", TypeName.INT, CodeBlock.of("BATCH")));
    type.addMethod(returning("steps", TypeName.LONG, CodeBlock.of("STEPS")));
    type.addMethod(returning("epochs", TypeName.INT, CodeBlock.of("EPOCHS")));
    type.addMethod(override("declaredOptions", TrainingOptionsMethods.OPTIONS)
        .addParameter(TypeName.LONG, "steps")
        .addStatement("return trainingOptions(steps)")
        .build());
  }
}
