package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.ModelSpec;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Kernels}: word2vec's vector operations with the dimension a literal — the
 * dot product as sixteen lanes summed over the chunks of the vector, the element-wise loops
 * counted loops with a literal bound, which C2 vectorizes. The sums are taken in exactly the order
 * of the runtime's plain kernels, so a model trains to the same bits with either.
 */
final class Word2VecKernelsWriter extends SourceWriter {

  static final ClassName KERNELS = ClassName.get("dev.nlpm.runtime.word2vec", "Word2VecKernels");
  private static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);
  /** The runtime's {@code Word2VecKernels.LANES}. */
  private static final int LANES = 16;

  private final int dim;

  Word2VecKernelsWriter(ModelSpec model) {
    super(model);
    this.dim = ((Architecture.Word2Vec) model.architecture()).dim();
  }

  @Override
  String simpleName() {
    return model.name() + "Kernels";
  }

  @Override
  TypeSpec.Builder type() {
    return TypeSpec.classBuilder(simpleName())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(KERNELS)
        .addJavadoc(
            "The word2vec kernels of $L, for vectors of $L floats: what its training spends its time in.\n"
                + "Their plain twin, the test oracle, is {@code Word2VecKernels.plain($L)}.\n",
            model.name(), dim, dim)
        .addMethod(addDimension())
        .addMethod(addDot())
        .addMethod(addAxpy())
        .addMethod(addUpdate())
        .addMethod(addScale());
  }

  private MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name)
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(returns);
  }

  private static ParameterSpec floats(String name) {
    return ParameterSpec.builder(FLOATS, name).build();
  }

  private MethodSpec addDimension() {
    return override("dimension", TypeName.INT).addStatement("return $L", dim).build();
  }

  /**
   * x · y in the runtime's order: sixteen lanes each summed over the full chunks (one counted
   * loop, which C2 vectorizes), folded by halves, plus the elements after the last chunk.
   */
  private MethodSpec addDot() {
    MethodSpec.Builder dot =
        override("dot", TypeName.FLOAT).addParameter(floats("x")).addParameter(floats("y")).addParameter(floats("lanes"));
    int lanes = LANES;
    int chunks = dim / lanes;
    int rest = chunks * lanes;
    if (chunks > 0) {
      dot.addComment("x, y: [$L] = $L chunks of $L lanes$L", dim, chunks, lanes, rest < dim ? " + " + (dim - rest) : "");
      CodeBlock.Builder lane = CodeBlock.builder().add("x[j] * y[j]");
      for (int c = 1; c < chunks; c++) {
        lane.add(" + x[$L + j] * y[$L + j]", c * lanes, c * lanes);
      }
      dot.beginControlFlow("for (int j = 0; j < $L; j++)", lanes)
          .addStatement("lanes[j] = $L", lane.build())
          .endControlFlow();
      for (int half = lanes / 2; half > 1; half /= 2) {
        dot.beginControlFlow("for (int j = 0; j < $L; j++)", half)
            .addStatement("lanes[j] += lanes[j + $L]", half)
            .endControlFlow();
      }
      dot.addStatement("lanes[0] += lanes[1]");
    } else {
      dot.addComment("x, y: [$L], fewer than $L lanes", dim, lanes);
    }
    if (rest < dim) {
      CodeBlock.Builder tail = CodeBlock.builder().add("x[$L] * y[$L]", rest, rest);
      for (int i = rest + 1; i < dim; i++) {
        tail.add(" + x[$L] * y[$L]", i, i);
      }
      dot.addStatement("float tail = $L", tail.build());
      dot.addStatement(chunks > 0 ? "return lanes[0] + tail" : "return tail");
    } else {
      dot.addStatement("return lanes[0]");
    }
    return dot.build();
  }

  private MethodSpec addAxpy() {
    return override("axpy", TypeName.VOID)
        .addParameter(TypeName.FLOAT, "a")
        .addParameter(floats("x"))
        .addParameter(floats("y"))
        .addComment("y[$L] += a · x[$L]", dim, dim)
        .addCode(loop(CodeBlock.of("y[i] += a * x[i];\n")))
        .build();
  }

  private MethodSpec addUpdate() {
    return override("update", TypeName.VOID)
        .addParameter(TypeName.FLOAT, "g")
        .addParameter(floats("hidden"))
        .addParameter(floats("output"))
        .addParameter(floats("error"))
        .addComment("error[$L] += g · output; output[$L] += g · hidden, reading output once", dim, dim)
        .addCode(
            loop(
                CodeBlock.builder()
                    .addStatement("float o = output[i]")
                    .addStatement("error[i] += g * o")
                    .addStatement("output[i] = o + g * hidden[i]")
                    .build()))
        .build();
  }

  private MethodSpec addScale() {
    return override("scale", TypeName.VOID)
        .addParameter(TypeName.FLOAT, "a")
        .addParameter(floats("x"))
        .addComment("x[$L] *= a", dim)
        .addCode(loop(CodeBlock.of("x[i] *= a;\n")))
        .build();
  }

  /** A counted loop over the dimension with a literal bound: the shape C2 vectorizes. */
  private CodeBlock loop(CodeBlock body) {
    return CodeBlock.builder()
        .beginControlFlow("for (int i = 0; i < $L; i++)", dim)
        .add(body)
        .endControlFlow()
        .build();
  }
}
