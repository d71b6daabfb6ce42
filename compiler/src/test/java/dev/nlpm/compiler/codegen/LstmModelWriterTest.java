package dev.nlpm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.plan.Planner;
import dev.nlpm.compiler.plan.Specs;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.lstm.LstmConfig;
import dev.nlpm.runtime.lstm.LstmPasses;
import dev.nlpm.runtime.model.LstmFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code <Model>Model} of an lstm_lm: its literals, and that it compiles without a warning and runs. */
class LstmModelWriterTest {

  private static GeneratedFile facade(dev.nlpm.compiler.ir.ModelSpec spec) {
    List<GeneratedFile> files = CodeGenerator.generate(Planner.plan(spec));
    return files.stream().filter(f -> f.qualifiedName().endsWith(spec.name() + "Model")).findFirst()
        .orElseThrow(() -> new AssertionError("no facade among " + files.stream().map(GeneratedFile::qualifiedName).toList()));
  }

  @Test
  void aRunTimeVocabularyMakesTheFacadeTakeTheActualSize() throws Exception {
    var spec = Specs.lstm("Chars", Specs.runtime(300), 12, 20, 2, false);
    String source = facade(spec).source();
    assertTrue(source.contains("new LstmConfig(300, 12, 20, 2, 0.2f)"), source);
    assertTrue(source.contains("new LstmConfig(vocab, 12, 20, 2, 0.2f)"), source);
    assertTrue(source.contains("public static final int MAX_VOCAB = 300;"), source);
    assertTrue(source.contains("new EncoderTrainer.Options(1.0E-4, Math.min(0L, steps), steps, 1, 1.0, 0.01, 42L, 0,"
        + " LearningRateSchedule.Shape.LINEAR, 0.0, OptimizerKind.ADAMW)"), source);

    ClassLoader loader = InMemoryJavac.compile(CodeGenerator.generate(Planner.plan(spec))).loader();
    Class<?> model = loader.loadClass("org.example.models.CharsModel");
    ParameterRows parameters = (ParameterRows) model.getMethod("initialize", int.class, long.class).invoke(null, 37, 5L);
    assertEquals(37, parameters.matrix("embedding.weight").length);
    // torch.nn.LSTM's bound: 1/sqrt(20)
    for (float w : parameters.matrix("lstm.weight_hh_l1")[3]) {
      assertTrue(Math.abs(w) <= 1 / Math.sqrt(20), "lstm weight " + w + " beyond 1/sqrt(hidden)");
    }
    LstmPasses lstm = (LstmPasses) model.getMethod("model", ParameterRows.class, Parallel.class).invoke(null, parameters, null);
    assertEquals(new LstmConfig(37, 12, 20, 2, 0.2f), lstm.config());
    LstmFacade facade = model.asSubclass(LstmFacade.class).getConstructor().newInstance();
    assertArrayEquals(parameters.toFlat(), facade.newParameters(37, 5L).toFlat(), "the interface builds at the text's vocabulary");
    assertEquals(300, facade.vocab());
    assertEquals(Integer.MAX_VALUE, facade.positions());
    Method too = model.getMethod("config", int.class);
    var e = org.junit.jupiter.api.Assertions.assertThrows(java.lang.reflect.InvocationTargetException.class, () -> too.invoke(null, 301));
    assertTrue(e.getCause().getMessage().contains("301"), e.getCause().getMessage());
  }

  @Test
  void aFixedVocabularyTrainsSavesAndLoads(@TempDir Path dir) throws Exception {
    var spec = Specs.lstm("Words", Specs.fixed(11), 6, 6, 1, true);
    assertFalse(facade(spec).source().contains("MAX_VOCAB"));
    ClassLoader loader = InMemoryJavac.compile(CodeGenerator.generate(Planner.plan(spec))).loader();
    Class<?> model = loader.loadClass("org.example.models.WordsModel");
    ParameterRows parameters = (ParameterRows) model.getMethod("initialize", long.class).invoke(null, 1L);
    LstmPasses lstm = (LstmPasses) model.getMethod("model", ParameterRows.class, Parallel.class).invoke(null, parameters, null);
    int[] tokens = new int[32 * 200];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i % 11;
    }
    EncoderTrainer.Options declared = (EncoderTrainer.Options) model.getMethod("trainingOptions", long.class).invoke(null, 2L);
    EncoderTrainer.Options options = new EncoderTrainer.Options(1e-2, 0, 2, 1, declared.clip(), declared.weightDecay(), declared.seed(), 0);
    var trainer = (dev.nlpm.runtime.lstm.LstmTrainer) model.getMethod("trainer", LstmPasses.class, int[].class, EncoderTrainer.Options.class)
        .invoke(null, lstm, tokens, options);
    trainer.train(dir.resolve("run"), null);
    assertEquals(2, trainer.optimizer().steps());
    LstmPasses loaded = (LstmPasses) model.getMethod("load", Path.class, Parallel.class).invoke(null, dir.resolve("run"), null);
    assertEquals(java.util.Arrays.toString(parameters.toFlat()), java.util.Arrays.toString(loaded.parameters().toFlat()));
    LstmFacade facade = model.asSubclass(LstmFacade.class).getConstructor().newInstance();
    assertArrayEquals(facade.newParameters(1, 1L).toFlat(), ((ParameterRows) model.getMethod("initialize", long.class).invoke(null, 1L))
        .toFlat(), "a declared vocabulary is built at its size, whatever the text's");
    assertArrayEquals(parameters.toFlat(), facade.loadModel(dir.resolve("run"), null).parameters().toFlat());
    assertEquals("Words", facade.name());
  }
}
