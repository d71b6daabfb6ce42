package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.models.CharLstmLayout;
import dev.nlpm.models.CharLstmModel;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.lstm.LstmConfig;
import dev.nlpm.runtime.lstm.LstmPasses;
import dev.nlpm.runtime.lstm.LstmTrainer;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated lstm_lm facade: the standard CharLstm's declared settings, and a declaration's facade training steps. */
class LstmGeneratedTest {

  @Test
  void charLstmCarriesItsDeclaration() {
    assertEquals(new LstmConfig(256, 128, 512, 2, 0.2f), CharLstmModel.CONFIG);
    assertEquals(256, CharLstmModel.MAX_VOCAB);
    assertEquals(64, CharLstmModel.BATCH);
    assertEquals(128, CharLstmModel.SEQUENCE);
    // CharLstm declares no steps: its epochs decide them, with the data
    assertEquals(0, CharLstmModel.STEPS);
    EncoderTrainer.Options options = CharLstmModel.trainingOptions(1000);
    assertEquals(2e-3, options.learningRate());
    assertEquals(5.0, options.clip());
    assertEquals(dev.nlpm.runtime.optim.OptimizerKind.ADAM, options.optimizer(), "adam: torch.optim.Adam, the decay in the gradient");
    assertEquals(0.01, options.weightDecay(), "the language's default weight decay");
    assertEquals(new LstmConfig(70, 128, 512, 2, 0.2f), CharLstmModel.config(70));
    assertEquals(CharLstmLayout.layout(70).size(), CharLstmModel.initialize(70, 1).size());
  }

  /** Compiled from a declaration (-Xlint:all -Werror), the facade's trainer takes steps with the declared batch and block. */
  @Test
  void aDeclaredLstmTrainsThroughItsFacade() throws Exception {
    String source = "package gen;\nmodel TinyLstm : lstm_lm {\n  max_vocab = 30;\n  embedding = 8;\n  hidden = 12;\n  layers = 2;\n"
        + "  dropout = 0.1;\n  objective clm;\n  train {\n    optimizer = adam;\n    lr = 1e-2;\n    steps = 3;\n    batch = 4;\n    seq = 8;\n"
        + "    clip = 5.0;\n    seed = 3;\n  }\n}\n";
    ClassLoader loader = InMemoryJavac.compile(Models.compile("tiny.nlpm", source).files()).loader();
    Class<?> facade = loader.loadClass("gen.TinyLstmModel");
    ParameterRows parameters = (ParameterRows) facade.getMethod("initialize", int.class, long.class).invoke(null, 10, 1L);
    int[] tokens = new int[400];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = (i * 7 + i / 10) % 10;
    }
    List<Double> losses = new ArrayList<>();
    try (Parallel parallel = new Parallel(2)) {
      LstmPasses model = (LstmPasses) facade.getMethod("model", ParameterRows.class, Parallel.class).invoke(null, parameters, parallel);
      assertEquals(new LstmConfig(10, 8, 12, 2, 0.1f), model.config());
      EncoderTrainer.Options options = (EncoderTrainer.Options) facade.getMethod("trainingOptions").invoke(null);
      LstmTrainer trainer = (LstmTrainer) facade.getMethod("trainer", LstmPasses.class, int[].class, EncoderTrainer.Options.class)
          .invoke(null, model, tokens, options);
      trainer.train(null, report -> losses.add(report.loss()));
      assertEquals(3, trainer.optimizer().steps());
      assertEquals(12, trainer.blocksPerEpoch(), "4 streams of 100 tokens: 12 blocks of 8, each with its next token");
    }
    assertEquals(3, losses.size());
    assertTrue(losses.stream().allMatch(l -> l > 0 && l < 5), () -> "losses " + losses);
  }
}
