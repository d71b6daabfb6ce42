package dev.nlpm.compiler.codegen;

import static dev.nlpm.compiler.plan.Specs.AT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.plan.Dimension;
import dev.nlpm.compiler.plan.Extent;
import dev.nlpm.compiler.plan.ModelPlan;
import dev.nlpm.compiler.plan.PlacedTensor;
import dev.nlpm.compiler.plan.Planner;
import dev.nlpm.compiler.plan.Segment;
import dev.nlpm.compiler.plan.Specs;
import dev.nlpm.compiler.plan.TensorPlan;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.TensorSlot;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code <Model>Layout} compiles without a warning under {@code -Xlint:all}, loads,
 * and agrees with its plan: the slot table (names, shapes, offsets, groups, ties), the dimension,
 * offset and count constants; no generated method is too large for HotSpot to JIT-compile; and
 * generation is deterministic.
 */
class LayoutWriterTest {

  /** HotSpot does not JIT-compile a method of more bytecode than this. */
  static final int HUGE_METHOD_LIMIT = 8000;

  private static List<ModelPlan> plans;
  private static InMemoryJavac.Compiled compiled;

  /** A model of every family and naming scheme, with every kind of head and segment. */
  static List<ModelSpec> everyFamily(int layers) {
    List<ModelSpec> models = new ArrayList<>();
    models.add(Specs.encoder("Bert", CheckpointNames.BERT, 1000, 64, layers, 4, 128, 64, 2, 64, Sharing.NONE, true, List.of(Specs.mlm(), Specs.nsp())));
    models.add(Specs.encoder("Roberta", CheckpointNames.ROBERTA, 1000, 64, layers, 4, 128, 66, 1, 64, Sharing.NONE, true, List.of(Specs.mlm())));
    models.add(Specs.encoder("Albert", CheckpointNames.ALBERT, 1000, 64, layers, 4, 128, 64, 2, 16, Sharing.ALL, true, List.of(Specs.mlm(), Specs.sop())));
    models.add(Specs.encoder("AlbertGroups", CheckpointNames.ALBERT, 1000, 64, layers, 4, 128, 64, 2, 16, Sharing.NONE, true, List.of(Specs.mlm())));
    models.add(Specs.encoder("SharedAttention", CheckpointNames.BERT, 1000, 64, layers, 4, 128, 64, 2, 64, Sharing.ATTENTION, false, List.of(Specs.mlm())));
    models.add(Specs.encoder("SharedFfn", CheckpointNames.NLPM, 1000, 64, layers, 4, 128, 64, 2, 64, Sharing.FFN, false, List.of(Specs.mlm())));
    models.add(Specs.encoder("Distil", CheckpointNames.DISTILBERT, 1000, 64, layers, 4, 128, 64, 0, 64, Sharing.NONE, false, List.of(Specs.mlm())));
    for (Attention.ProjectionSharing sharing : Attention.ProjectionSharing.values()) {
      Architecture.Encoder encoder =
          new Architecture.Encoder(
              AT,
              Specs.embeddings(Specs.fixed(1000), 64, Positions.LEARNED, 64, 2),
              Specs.stack(layers, 64, 4, 128, Norm.Placement.POST, Specs.linformer(16, sharing), Sharing.NONE),
              true);
      models.add(
          Specs.model(
              "Linformer" + sharing.name().charAt(0),
              encoder,
              CheckpointNames.NLPM,
              List.of(Specs.span(), Specs.sbo(10, 20)),
              List.of(),
              List.of(Specs.sequenceClassification(3), Specs.tokenClassification(9))));
    }
    models.add(Specs.gpt("Gpt", 1000, 64, layers, 4, 128, true));
    Architecture.Decoder xl =
        new Architecture.Decoder(
            AT,
            Specs.embeddings(Specs.fixed(1000), 32, Positions.RELATIVE, 64, 0),
            Specs.stack(layers, 64, 4, 128, Norm.Placement.POST, Specs.xl(32), Sharing.NONE),
            false);
    models.add(Specs.model("Xl", xl, CheckpointNames.TRANSFO_XL, List.of(Specs.clm()), List.of(Specs.greedy(), Specs.blockwise(4)), List.of()));
    models.add(Specs.word2vec("Words", Specs.runtime(5000), 50, false));
    models.add(Specs.word2vec("FixedWords", Specs.fixed(5000), 50, true));
    models.add(Specs.lstm("Lstm", Specs.runtime(300), 32, 48, layers, false));
    models.add(Specs.lstm("TiedLstm", Specs.fixed(300), 48, 48, layers, true));
    models.add(Specs.rnnSeq2Seq("Rnn", Specs.fixed(700), Specs.fixed(800), 32, 48, Math.min(layers, 16), RnnCell.GRU, true, RnnAttention.Score.ADDITIVE));
    models.add(Specs.seq2seq("Translator", 900, 900, 64, 4, 128, layers, layers, Positions.SINUSOIDAL, 100, true, 0));
    models.add(Specs.seq2seq("Nat", 900, 800, 64, 4, 128, layers, layers, Positions.LEARNED, 100, false, 50));
    return models;
  }

  static List<GeneratedFile> generate(List<ModelPlan> plans) {
    List<GeneratedFile> files = new ArrayList<>();
    plans.forEach(plan -> files.addAll(CodeGenerator.generate(plan)));
    return files;
  }

  @BeforeAll
  static void compileEveryFamily() {
    plans = everyFamily(3).stream().map(Planner::plan).toList();
    compiled = InMemoryJavac.compile(generate(plans));
  }

  private static Class<?> layoutClass(ModelPlan plan) throws ClassNotFoundException {
    return compiled.loader().loadClass(plan.model().javaPackage() + "." + plan.model().name() + "Layout");
  }

  private static ParameterLayout layout(Class<?> type, ModelPlan plan) throws ReflectiveOperationException {
    if (plan.runtimeVocabulary()) {
      int vocab = plan.dimension("VOCAB").orElseThrow().value();
      return (ParameterLayout) type.getMethod("layout", int.class).invoke(null, vocab);
    }
    return (ParameterLayout) type.getField("LAYOUT").get(null);
  }

  private static long constant(Class<?> type, String name) throws ReflectiveOperationException {
    var field = type.getField(name);
    assertTrue(Modifier.isStatic(field.getModifiers()) && Modifier.isFinal(field.getModifiers()), name);
    return ((Number) field.get(null)).longValue();
  }

  /** A Java constant name, as the Layout names them. */
  static String constantName(String text) {
    return text.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
  }

  @Test
  void theSlotTableIsThePlan() throws ReflectiveOperationException {
    for (ModelPlan plan : plans) {
      ParameterLayout layout = layout(layoutClass(plan), plan);
      List<PlacedTensor> placements = plan.placements();
      assertEquals(placements.size(), layout.slots().size(), plan.model().name());
      for (int i = 0; i < placements.size(); i++) {
        TensorPlan tensor = placements.get(i).tensor();
        TensorSlot slot = layout.slots().get(i);
        String where = plan.model().name() + " " + tensor.name();
        assertEquals(tensor.name(), slot.name(), where);
        assertEquals(tensor.shape().stream().map(Extent::size).toList(), slot.shape(), where);
        assertEquals(placements.get(i).offset(), slot.offset(), where);
        assertEquals(tensor.group(), slot.group(), where);
        assertEquals(tensor.tiedTo(), slot.tiedTo(), where);
      }
      assertEquals(plan.maxParameterCount(), layout.size(), plan.model().name());
      assertEquals(plan.groups(), layout.groups(), plan.model().name());
    }
  }

  @Test
  void dimensionAndCountConstantsAreThePlans() throws ReflectiveOperationException {
    for (ModelPlan plan : plans) {
      Class<?> type = layoutClass(plan);
      ParameterLayout layout = layout(type, plan);
      for (Dimension dimension : plan.dimensions()) {
        assertEquals(dimension.value(), constant(type, dimension.name()), plan.model().name() + " " + dimension.name());
        assertEquals(int.class, type.getField(dimension.name()).getType());
      }
      for (String group : plan.groups()) {
        long count = constant(type, constantName(group + "_PARAMETERS"));
        assertEquals(plan.parameterCount(group), count, plan.model().name() + " " + group);
        assertEquals(layout.count(group), count, plan.model().name() + " " + group);
      }
      assertEquals(plan.maxParameterCount(), constant(type, "PARAMETERS"));
      if (!plan.checkpointPrefix().isEmpty()) {
        assertEquals(plan.checkpointPrefix(), type.getField("CHECKPOINT_PREFIX").get(null));
      }
    }
  }

  @Test
  void offsetConstantsPointAtTheirSlots() throws ReflectiveOperationException {
    int checked = 0;
    for (ModelPlan plan : plans) {
      if (plan.runtimeVocabulary()) {
        continue; // offsets after the vocabulary-sized tensors move with it: no constants
      }
      Class<?> type = layoutClass(plan);
      ParameterLayout layout = layout(type, plan);
      for (Segment segment : plan.segments()) {
        if (segment instanceof Segment.Single single) {
          if (single.tensor().tiedTo().isEmpty()) {
            assertEquals(layout.slot(single.tensor().name()).orElseThrow().offset(), constant(type, constantName(single.tensor().name())));
            checked++;
          }
          continue;
        }
        Segment.Repeated repeated = (Segment.Repeated) segment;
        String block = repeated.constantName();
        long base = constant(type, block + "_BASE");
        long stride = constant(type, block + "_STRIDE");
        for (int layer = repeated.first(); layer < repeated.first() + repeated.count(); layer++) {
          for (TensorPlan template : repeated.template()) {
            long within = constant(type, block + "_" + constantName(withinLayer(template.name())));
            String name = template.forLayer(layer).name();
            assertEquals(
                layout.slot(name).orElseThrow().offset(), base + (layer - repeated.first()) * stride + within, plan.model().name() + " " + name);
            checked++;
          }
        }
      }
    }
    assertTrue(checked > 500, "checked only " + checked);
  }

  /** The part of a layer template after the index, or before it when the index ends the name. */
  private static String withinLayer(String template) {
    int at = template.indexOf("{}");
    if (at < 0) {
      return template;
    }
    String after = template.substring(at + 2);
    return after.isEmpty() ? template.substring(0, at) : after;
  }

  @Test
  void describeIsThePlansTable() throws ReflectiveOperationException {
    for (ModelPlan plan : plans) {
      String described = (String) layoutClass(plan).getMethod("describe").invoke(null);
      if (plan.runtimeVocabulary()) {
        assertEquals(layout(layoutClass(plan), plan).describe(), described);
      } else {
        assertEquals(plan.describe(), described, plan.model().name());
      }
    }
  }

  @Test
  void aRuntimeVocabularyIsCheckedAgainstItsMaximum() throws ReflectiveOperationException {
    ModelPlan words = plans.stream().filter(p -> p.model().name().equals("Words")).findFirst().orElseThrow();
    Class<?> type = layoutClass(words);
    var layout = type.getMethod("layout", int.class);
    ParameterLayout small = (ParameterLayout) layout.invoke(null, 10);
    assertEquals(2 * 10 * 50, small.size());
    assertEquals(10 * 50, small.slot("syn1neg").orElseThrow().offset());
    for (int bad : new int[] {0, -1, 5001}) {
      InvocationTargetException thrown = assertThrows(InvocationTargetException.class, () -> layout.invoke(null, bad));
      assertTrue(thrown.getCause() instanceof IllegalArgumentException);
      assertEquals("vocabulary size " + bad + " is outside 1..5000", thrown.getCause().getMessage());
    }
    assertThrows(NoSuchFieldException.class, () -> type.getField("LAYOUT"));
  }

  @Test
  void theClassIsFinalWithAPrivateConstructorAndMarkedGenerated() throws ReflectiveOperationException {
    for (ModelPlan plan : plans) {
      Class<?> type = layoutClass(plan);
      assertTrue(Modifier.isFinal(type.getModifiers()) && Modifier.isPublic(type.getModifiers()));
      assertEquals(1, type.getDeclaredConstructors().length);
      assertTrue(Modifier.isPrivate(type.getDeclaredConstructors()[0].getModifiers()));
    }
    String source = CodeGenerator.generate(plans.get(0)).get(0).source();
    assertTrue(source.contains("@Generated(\n    value = \"dev.nlpm.compiler\",\n    comments = \"from specs.nlpm\"\n)"), source);
    assertTrue(source.startsWith("package org.example.models;"), source);
  }

  @Test
  void noGeneratedMethodIsTooLargeToJitEvenAt48Layers() {
    List<ModelPlan> deep = everyFamily(48).stream().map(Planner::plan).toList();
    Map<String, byte[]> classes = InMemoryJavac.compile(generate(deep)).classFiles();
    // A Layout per model; word2vec models add their Kernels and Model facade, BERT-style encoders, GPT-style
    // decoders and LSTM LMs their Kernels, and the encoders the runtime runs whole, the decoders and LSTM LMs their Model facade.
    long word2vec = deep.stream().filter(p -> p.model().family() == dev.nlpm.compiler.ir.Family.WORD2VEC).count();
    long kernels = deep.stream().filter(p -> p.model().family() != dev.nlpm.compiler.ir.Family.WORD2VEC && Runnability.of(p.model()).kernels()).count();
    long facades = deep.stream().filter(p -> p.model().family() != dev.nlpm.compiler.ir.Family.WORD2VEC && Runnability.of(p.model()).facade()).count();
    // and the encoders and decoders whose passes the compiler composes their Passes, with its nested Workspace
    long passes = deep.stream().filter(p -> PassesWriter.covers(p.graph()) || DecoderPassesWriter.covers(p.graph())).count();
    // and the LSTM LMs their Passes, with its nested Tensors and Activations
    long lstmPasses = deep.stream().filter(p -> LstmPassesWriter.covers(p.graph())).count();
    assertTrue(kernels > 0, "no encoder among the deep models");
    assertTrue(passes > 0, "no generated passes among the deep models");
    assertTrue(deep.stream().anyMatch(p -> DecoderPassesWriter.covers(p.graph())), "no generated decoder passes among the deep models");
    assertTrue(lstmPasses > 0, "no generated LSTM passes among the deep models");
    assertEquals(deep.size() + 2 * word2vec + kernels + facades + 2 * passes + 3 * lstmPasses, classes.size());
    int methods = 0;
    int largest = 0;
    for (Map.Entry<String, byte[]> file : classes.entrySet()) {
      Map<String, Integer> lengths = ClassFileMethods.codeLengths(file.getValue());
      // the passes and their nested classes (a Workspace; an LSTM's Tensors and Activations) are built with arguments
      boolean passesClass = file.getKey().endsWith("Passes") || file.getKey().contains("Passes$");
      assertTrue(passesClass || lengths.containsKey("<init>()V"), file.getKey() + " " + lengths);
      for (Map.Entry<String, Integer> method : lengths.entrySet()) {
        assertTrue(method.getValue() < HUGE_METHOD_LIMIT, file.getKey() + "." + method.getKey() + " has " + method.getValue() + " bytes of bytecode");
        largest = Math.max(largest, method.getValue());
        methods++;
      }
    }
    assertTrue(methods >= 3 * deep.size(), "read only " + methods + " methods");
    // The slot table of a fixed vocabulary is built in the static initializer.
    assertTrue(ClassFileMethods.codeLengths(classes.get("org.example.models.BertLayout")).containsKey("<clinit>()V"));
    assertTrue(largest > 100, "the reader saw no real method body: " + largest);
  }

  @Test
  void theClassFileReaderSeesAMethodOverTheLimit() {
    StringBuilder body = new StringBuilder("package p;\n@javax.annotation.processing.Generated(\"t\")\npublic final class Big {\n  private Big() {}\n  static int f(int x) {\n    int y = x;\n");
    for (int i = 0; i < 1500; i++) {
      body.append("    y = y * 31 + ").append(i + 100_000).append(";\n");
    }
    body.append("    return y;\n  }\n}\n");
    byte[] big = InMemoryJavac.compile(List.of(new GeneratedFile("p.Big", body.toString(), AT))).classFiles().get("p.Big");
    assertTrue(ClassFileMethods.codeLengths(big).get("f(I)I") > HUGE_METHOD_LIMIT);
  }

  @Test
  void layersAreBuiltByALoopNotOneConstantPerLayer() {
    ModelPlan deepBert = Planner.plan(everyFamily(48).get(0));
    String source = CodeGenerator.generate(deepBert).get(0).source();
    assertTrue(source.contains("for (int layer = 0; layer < 48; layer++) {"), source);
    assertTrue(source.contains("b.add(\"encoder.layer.\" + layer + \".attention.self.query.weight\", ParameterRole.WEIGHT, \"backbone\", 64, 64);"), source);
    assertFalse(source.contains("ENCODER_LAYER_47"), source);
    assertFalse(source.contains("\"encoder.layer.47."), source);
    long constants = source.lines().filter(l -> l.contains("public static final int ")).count();
    assertTrue(constants < 60, constants + " int constants");
    assertTrue(source.contains("public static final int LAYER_STRIDE = "), source);
  }

  @Test
  void generationIsDeterministic() {
    List<String> first = generate(everyFamily(2).stream().map(Planner::plan).toList()).stream().map(GeneratedFile::source).toList();
    List<String> second = generate(everyFamily(2).stream().map(Planner::plan).toList()).stream().map(GeneratedFile::source).toList();
    assertEquals(first, second);
    for (String source : first) {
      assertFalse(source.matches("(?s).*\\b20\\d\\d-\\d\\d-\\d\\d.*"), "a date in generated code");
    }
  }
}
