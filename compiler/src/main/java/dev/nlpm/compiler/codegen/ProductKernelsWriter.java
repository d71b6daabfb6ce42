package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.TransformerStack;
import java.util.List;
import java.util.TreeSet;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Kernels}: the runtime's {@code ProductKernels} with the model's widths —
 * hidden h, intermediate f, head size d and (factorized) the embedding width E — literals. Each product dispatches on the width it
 * loops over to a method for that width, whose inner loop is a counted loop with a literal bound
 * over separate row arrays (the shape C2 vectorizes, see {@code LinearKernelFormsBenchmark}); any
 * other width goes to the plain twin. {@code linear} and {@code outerAccumulate} take four rows
 * at a time so that each loaded weight (or gradient) row serves four; {@code linear} works
 * through a long weight a stretch of rows at a time (so it is read once per range of rows, not
 * once per four), {@code outerAccumulate} two weight rows at a time; {@code dotRows} transposes
 * 64 weight rows at a time and multiplies them in the same shape. A row's result does not depend on the range it is
 * computed in (a row in a block of four and a row of the tail add the same terms in the same
 * order), so splitting work over threads never changes a number.
 */
final class ProductKernelsWriter extends SourceWriter {

  static final ClassName KERNELS = ClassName.get("dev.nlpm.runtime.kernels", "ProductKernels");
  private static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);
  private static final TypeName ROWS = ArrayTypeName.of(FLOATS);
  /** Weight rows {@code dotRows} transposes at a time (a 64-float row of sums per x row: eight AVX2 vectors). */
  private static final int LANES = 64;
  /** About how many bytes of weight rows {@code linear} works through at a time (a quarter of a 2 MB L2). */
  private static final int CHUNK_BYTES = 512 * 1024;
  /** Rows taken at a time by {@code linear} and {@code outerAccumulate}. */
  private static final int BLOCK = 4;
  /** Weight rows {@code outerAccumulate} takes at a time. */
  private static final int PAIR = 2;

  /** The distinct widths, ascending. */
  private final List<Integer> widths;

  /** What the class's documentation says its widths are. */
  private final String widthsDoc;

  ProductKernelsWriter(ModelSpec model) {
    super(model);
    if (model.architecture() instanceof Architecture.LstmLm lstm) {
      // an LSTM's products are as wide as its embeddings, its state and its four gates
      int gates = 4 * lstm.hidden();
      this.widths = List.copyOf(new TreeSet<>(List.of(lstm.embedding(), lstm.hidden(), gates)));
      this.widthsDoc = "embedding " + lstm.embedding() + ", hidden " + lstm.hidden() + ", gates " + gates;
      return;
    }
    TransformerStack stack = model.architecture() instanceof Architecture.Decoder decoder
        ? decoder.stack()
        : ((Architecture.Encoder) model.architecture()).stack();
    int hidden = stack.hidden();
    int intermediate = stack.intermediate();
    int headSize = stack.hidden() / stack.heads();
    // a decoder's fused q|k|v projection (GPT-2's c_attn) is 3·hidden wide
    if (model.architecture() instanceof Architecture.Decoder) {
      this.widthsDoc = "hidden " + hidden + ", intermediate " + intermediate + ", head size " + headSize;
      this.widths = List.copyOf(new TreeSet<>(List.of(hidden, 3 * hidden, intermediate, headSize)));
      return;
    }
    // a factorized encoder's embeddings, its mapping's input and its MLM head are E wide (ALBERT)
    int embedding = ((Architecture.Encoder) model.architecture()).embeddings().size();
    this.widthsDoc = "hidden " + hidden + ", intermediate " + intermediate + ", head size " + headSize
        + (embedding != hidden ? ", embedding " + embedding : "");
    this.widths = List.copyOf(new TreeSet<>(List.of(hidden, intermediate, headSize, embedding)));
  }

  @Override
  String simpleName() {
    return model.name() + "Kernels";
  }

  @Override
  TypeSpec.Builder type() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(simpleName())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(KERNELS)
            .addJavadoc(
                "The encoder kernels of $L: $L, each a literal.\n"
                    + "Other widths go to their plain twin, {@code ProductKernels.plain()}, the test oracle.\n",
                model.name(), widthsDoc)
            .addField(
                FieldSpec.builder(ParameterizedTypeName.get(ClassName.get(ThreadLocal.class), ArrayTypeName.of(FLOATS)), "SCRATCH")
                    .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Per thread: $L weight rows transposed ([width][$L]), then $L rows of sums.\n", LANES, LANES, BLOCK)
                    .initializer("$T.withInitial(() -> new float[$L][$L])", ThreadLocal.class, widths.get(widths.size() - 1) + BLOCK, LANES)
                    .build())
            .addMethod(linear())
            .addMethod(dotRows())
            .addMethod(outerAccumulate())
            .addMethod(store());
    for (int width : widths) {
      type.addMethod(linear(width));
      type.addMethod(start(width));
    }
    for (int width : widths) {
      type.addMethod(dotRows(width));
    }
    for (int width : widths) {
      type.addMethod(outerAccumulate(width));
    }
    return type;
  }

  // ---- dispatch ----

  private static MethodSpec.Builder override(String name) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(TypeName.VOID);
  }

  private static MethodSpec.Builder helper(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(returns);
  }

  private static MethodSpec.Builder linearParameters(MethodSpec.Builder method) {
    return method
        .addParameter(ROWS, "x")
        .addParameter(ROWS, "w")
        .addParameter(TypeName.INT, "in")
        .addParameter(FLOATS, "b")
        .addParameter(ROWS, "y")
        .addParameter(TypeName.BOOLEAN, "accumulate")
        .addParameter(TypeName.INT, "from")
        .addParameter(TypeName.INT, "to");
  }

  private static MethodSpec.Builder dotRowsParameters(MethodSpec.Builder method) {
    return method
        .addParameter(ROWS, "x")
        .addParameter(TypeName.INT, "rows")
        .addParameter(ROWS, "w")
        .addParameter(FLOATS, "b")
        .addParameter(ROWS, "y")
        .addParameter(TypeName.BOOLEAN, "accumulate")
        .addParameter(TypeName.INT, "from")
        .addParameter(TypeName.INT, "to");
  }

  private static MethodSpec.Builder outerParameters(MethodSpec.Builder method) {
    return method
        .addParameter(ROWS, "x")
        .addParameter(ROWS, "dy")
        .addParameter(TypeName.INT, "rows")
        .addParameter(ROWS, "dw")
        .addParameter(TypeName.INT, "from")
        .addParameter(TypeName.INT, "to");
  }

  /** {@code switch (on) { case width -> name<width>(arguments); ... default -> plain }}. */
  private CodeBlock dispatch(String on, String name, String arguments, String plainArguments) {
    CodeBlock.Builder code = CodeBlock.builder().beginControlFlow("switch ($L)", on);
    for (int width : widths) {
      code.addStatement("case $L -> $L$L($L)", width, name, width, arguments);
    }
    return code.addStatement("default -> $T.plain().$L($L)", KERNELS, name, plainArguments).endControlFlow().build();
  }

  private MethodSpec linear() {
    String arguments = "x, w, in, b, y, accumulate, from, to";
    return linearParameters(override("linear"))
        .beginControlFlow("if (to <= from)")
        .addStatement("return")
        .endControlFlow()
        .addCode(dispatch("w[0].length", "linear", arguments, arguments))
        .build();
  }

  private MethodSpec dotRows() {
    String arguments = "x, rows, w, b, y, accumulate, from, to";
    return dotRowsParameters(override("dotRows"))
        .beginControlFlow("if (rows <= 0 || to <= from)")
        .addStatement("return")
        .endControlFlow()
        .addCode(dispatch("w[0].length", "dotRows", arguments + ", SCRATCH.get()", arguments))
        .build();
  }

  private MethodSpec outerAccumulate() {
    String arguments = "x, dy, rows, dw, from, to";
    return outerParameters(override("outerAccumulate"))
        .beginControlFlow("if (rows <= 0 || to <= from)")
        .addStatement("return")
        .endControlFlow()
        .addCode(dispatch("dw[0].length", "outerAccumulate", arguments, arguments))
        .build();
  }

  // ---- linear ----

  /** A counted loop over the width with a literal bound: the shape C2 vectorizes. */
  private static CodeBlock loop(int width, CodeBlock body) {
    return CodeBlock.builder()
        .beginControlFlow("for (int o = 0; o < $L; o++)", width)
        .add(body)
        .endControlFlow()
        .build();
  }

  /** Sets an output row to the bias (or zero), or adds the bias to it when accumulating. */
  private static MethodSpec start(int width) {
    return helper("start" + width, TypeName.VOID)
        .addParameter(FLOATS, "b")
        .addParameter(FLOATS, "y")
        .addParameter(TypeName.BOOLEAN, "accumulate")
        .beginControlFlow("if (b == null)")
        .beginControlFlow("if (!accumulate)")
        .addStatement("$T.fill(y, 0, $L, 0f)", java.util.Arrays.class, width)
        .endControlFlow()
        .nextControlFlow("else if (accumulate)")
        .addCode(loop(width, CodeBlock.of("y[o] += b[o];\n")))
        .nextControlFlow("else")
        .addStatement("$T.arraycopy(b, 0, y, 0, $L)", System.class, width)
        .endControlFlow()
        .build();
  }

  /**
   * Weight rows {@code linear} takes at a time for a layer of this width: about {@value
   * #CHUNK_BYTES} bytes, so that a long weight (the tied output's {@code [vocab][hidden]} in the
   * backward pass) is read from memory once per range of rows rather than once per four rows.
   */
  static int linearChunk(int width) {
    return Math.max(BLOCK, CHUNK_BYTES / (4 * width));
  }

  private static MethodSpec linear(int width) {
    int chunk = linearChunk(width);
    MethodSpec.Builder method =
        linearParameters(helper("linear" + width, TypeName.VOID))
            .addComment("y[r][$L] (=|+=) b + x[r][0, in) · w[0, in)[$L], $L rows at a time, over $L weight rows at a time", width, width, BLOCK, chunk)
            .beginControlFlow("for (int r = from; r < to; r++)")
            .addStatement("start$L(b, y[r], accumulate)", width)
            .endControlFlow()
            .beginControlFlow("for (int i0 = 0; i0 < in; i0 += $L)", chunk)
            .addStatement("int i1 = Math.min(in, i0 + $L)", chunk)
            .addStatement("int r = from");
    method.beginControlFlow("for (; r + $L <= to; r += $L)", BLOCK, BLOCK);
    for (int k = 0; k < BLOCK; k++) {
      method.addStatement("float[] x$L = x[$L]", k, k == 0 ? "r" : "r + " + k);
    }
    for (int k = 0; k < BLOCK; k++) {
      method.addStatement("float[] y$L = y[$L]", k, k == 0 ? "r" : "r + " + k);
    }
    method.beginControlFlow("for (int i = i0; i < i1; i++)").addStatement("float[] wr = w[i]");
    for (int k = 0; k < BLOCK; k++) {
      method.addStatement("float a$L = x$L[i]", k, k);
    }
    CodeBlock.Builder body = CodeBlock.builder().addStatement("float wv = wr[o]");
    for (int k = 0; k < BLOCK; k++) {
      body.addStatement("y$L[o] += a$L * wv", k, k);
    }
    method.addCode(loop(width, body.build())).endControlFlow().endControlFlow();
    return method
        .beginControlFlow("for (; r < to; r++)")
        .addStatement("float[] x0 = x[r]")
        .addStatement("float[] y0 = y[r]")
        .beginControlFlow("for (int i = i0; i < i1; i++)")
        .addStatement("float[] wr = w[i]")
        .addStatement("float a0 = x0[i]")
        .addCode(loop(width, CodeBlock.of("y0[o] += a0 * wr[o];\n")))
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  // ---- dotRows ----

  /**
   * {@code y = x · wᵀ} without a reduction C2 would have to keep in order: {@value #LANES} weight
   * rows at a time are transposed into the scratch, so that every {@code x[r][i]} multiplies a row
   * of {@value #LANES} in a counted loop, for {@value #BLOCK} x rows per loaded scratch row. Each
   * output adds its products in the order of {@code i}, whatever tile or block it falls in.
   */
  private static MethodSpec dotRows(int width) {
    String sums = "scratch[" + width + "]";
    return dotRowsParameters(helper("dotRows" + width, TypeName.VOID))
        .addParameter(ArrayTypeName.of(FLOATS), "scratch")
        .addComment("y[r][j] (=|+=) b[j] + x[r] · w[j], dots of $L, $L weight rows at a time", width, LANES)
        .addStatement("float[] s0 = scratch[$L], s1 = scratch[$L], s2 = scratch[$L], s3 = scratch[$L]", width, width + 1, width + 2, width + 3)
        .beginControlFlow("for (int j0 = from; j0 < to; j0 += $L)", LANES)
        .addStatement("int count = Math.min($L, to - j0)", LANES)
        .addComment("scratch[i][k] = w[j0 + k][i], zero past the last weight row")
        .beginControlFlow("for (int i = 0; i < $L; i++)", width)
        .addStatement("float[] t = scratch[i]")
        .beginControlFlow("for (int k = 0; k < count; k++)")
        .addStatement("t[k] = w[j0 + k][i]")
        .endControlFlow()
        .beginControlFlow("for (int k = count; k < $L; k++)", LANES)
        .addStatement("t[k] = 0f")
        .endControlFlow()
        .endControlFlow()
        .addStatement("int r = 0")
        .beginControlFlow("for (; r + $L <= rows; r += $L)", BLOCK, BLOCK)
        .addStatement("float[] x0 = x[r], x1 = x[r + 1], x2 = x[r + 2], x3 = x[r + 3]")
        .addStatement("$T.fill(s0, 0f)", java.util.Arrays.class)
        .addStatement("$T.fill(s1, 0f)", java.util.Arrays.class)
        .addStatement("$T.fill(s2, 0f)", java.util.Arrays.class)
        .addStatement("$T.fill(s3, 0f)", java.util.Arrays.class)
        .beginControlFlow("for (int i = 0; i < $L; i++)", width)
        .addStatement("float a0 = x0[i], a1 = x1[i], a2 = x2[i], a3 = x3[i]")
        .addStatement("float[] t = scratch[i]")
        .beginControlFlow("for (int k = 0; k < $L; k++)", LANES)
        .addStatement("float tk = t[k]")
        .addStatement("s0[k] += a0 * tk")
        .addStatement("s1[k] += a1 * tk")
        .addStatement("s2[k] += a2 * tk")
        .addStatement("s3[k] += a3 * tk")
        .endControlFlow()
        .endControlFlow()
        .addStatement("store(s0, b, y[r], j0, count, accumulate)")
        .addStatement("store(s1, b, y[r + 1], j0, count, accumulate)")
        .addStatement("store(s2, b, y[r + 2], j0, count, accumulate)")
        .addStatement("store(s3, b, y[r + 3], j0, count, accumulate)")
        .endControlFlow()
        .beginControlFlow("for (; r < rows; r++)")
        .addStatement("float[] x0 = x[r]")
        .addStatement("$T.fill(s0, 0f)", java.util.Arrays.class)
        .beginControlFlow("for (int i = 0; i < $L; i++)", width)
        .addStatement("float a0 = x0[i]")
        .addStatement("float[] t = scratch[i]")
        .beginControlFlow("for (int k = 0; k < $L; k++)", LANES)
        .addStatement("s0[k] += a0 * t[k]")
        .endControlFlow()
        .endControlFlow()
        .addStatement("store(s0, b, y[r], j0, count, accumulate)")
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  /** Writes {@code count} sums (plus the bias) into a row from {@code j0} on. */
  private static MethodSpec store() {
    return helper("store", TypeName.VOID)
        .addParameter(FLOATS, "sums")
        .addParameter(FLOATS, "b")
        .addParameter(FLOATS, "y")
        .addParameter(TypeName.INT, "j0")
        .addParameter(TypeName.INT, "count")
        .addParameter(TypeName.BOOLEAN, "accumulate")
        .beginControlFlow("for (int k = 0; k < count; k++)")
        .addStatement("float value = sums[k] + (b == null ? 0f : b[j0 + k])")
        .addStatement("y[j0 + k] = accumulate ? y[j0 + k] + value : value")
        .endControlFlow()
        .build();
  }

  // ---- outerAccumulate ----

  /**
   * {@code dw[i] += Σ_r x[r][i] · dy[r]}, {@value #PAIR} weight rows by {@value #BLOCK} rows at a
   * time, so that each loaded {@code dy} element serves {@value #PAIR} weight rows and {@code dy}
   * is read once per {@value #PAIR} weight rows (four weight rows at a time C2 leaves scalar); each
   * {@code dw[i][o]} adds the same sums in the same order as it does alone (a last odd weight row).
   */
  private static MethodSpec outerAccumulate(int width) {
    MethodSpec.Builder method =
        outerParameters(helper("outerAccumulate" + width, TypeName.VOID))
            .addComment("dw[i][$L] += Σ_r x[r][i] · dy[r][$L], $L weight rows and $L rows at a time", width, width, PAIR, BLOCK)
            .addStatement("int i = from")
            .beginControlFlow("for (; i + $L <= to; i += $L)", PAIR, PAIR);
    for (int m = 0; m < PAIR; m++) {
      method.addStatement("float[] dw$L = dw[$L]", m, m == 0 ? "i" : "i + " + m);
    }
    method.addStatement("int r = 0").beginControlFlow("for (; r + $L <= rows; r += $L)", BLOCK, BLOCK);
    for (int k = 0; k < BLOCK; k++) {
      String row = k == 0 ? "r" : "r + " + k;
      method.addStatement("float[] x$L = x[$L]", k, row);
      method.addStatement("float[] dy$L = dy[$L]", k, row);
    }
    for (int m = 0; m < PAIR; m++) {
      for (int k = 0; k < BLOCK; k++) {
        method.addStatement("float a$L$L = x$L[$L]", m, k, k, m == 0 ? "i" : "i + " + m);
      }
    }
    CodeBlock.Builder body = CodeBlock.builder();
    for (int k = 0; k < BLOCK; k++) {
      body.addStatement("float d$L = dy$L[o]", k, k);
    }
    for (int m = 0; m < PAIR; m++) {
      CodeBlock.Builder sum = CodeBlock.builder();
      for (int k = 0; k < BLOCK; k++) {
        sum.add(k == 0 ? "a$L$L * d$L" : " + a$L$L * d$L", m, k, k);
      }
      body.addStatement("dw$L[o] += $L", m, sum.build());
    }
    method.addCode(loop(width, body.build())).endControlFlow();
    method.beginControlFlow("for (; r < rows; r++)").addStatement("float[] xr = x[r]").addStatement("float[] dyr = dy[r]");
    for (int m = 0; m < PAIR; m++) {
      method.addStatement("float a$L = xr[$L]", m, m == 0 ? "i" : "i + " + m);
    }
    CodeBlock.Builder tail = CodeBlock.builder().addStatement("float d = dyr[o]");
    for (int m = 0; m < PAIR; m++) {
      tail.addStatement("dw$L[o] += a$L * d", m, m);
    }
    method.addCode(loop(width, tail.build())).endControlFlow().endControlFlow();
    method.beginControlFlow("for (; i < to; i++)")
        .addStatement("float[] dwi = dw[i]")
        .addStatement("int r = 0")
        .beginControlFlow("for (; r + $L <= rows; r += $L)", BLOCK, BLOCK);
    CodeBlock.Builder sum = CodeBlock.builder();
    for (int k = 0; k < BLOCK; k++) {
      String row = k == 0 ? "r" : "r + " + k;
      method.addStatement("float a$L = x[$L][i]", k, row);
      method.addStatement("float[] dy$L = dy[$L]", k, row);
      sum.add(k == 0 ? "a$L * dy$L[o]" : " + a$L * dy$L[o]", k, k);
    }
    method.addCode(loop(width, CodeBlock.of("dwi[o] += $L;\n", sum.build()))).endControlFlow();
    return method
        .beginControlFlow("for (; r < rows; r++)")
        .addStatement("float a0 = x[r][i]")
        .addStatement("float[] dy0 = dy[r]")
        .addCode(loop(width, CodeBlock.of("dwi[o] += a0 * dy0[o];\n")))
        .endControlFlow()
        .endControlFlow()
        .build();
  }
}
