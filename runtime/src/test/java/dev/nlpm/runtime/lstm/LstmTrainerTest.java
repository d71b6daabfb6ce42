package dev.nlpm.runtime.lstm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated BPTT over parallel streams: it learns, and a resumed run continues the same losses. */
class LstmTrainerTest {

  private static final LstmConfig CONFIG = new LstmConfig(12, 8, 16, 2, 0.1f);

  /** A small text with structure to learn: a repeated phrase, as character ids. */
  private static int[] text() {
    String phrase = "to be or not to be, that is the question. ";
    String alphabet = " ,.abehinoqrstu";
    int[] ids = new int[phrase.length() * 12];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = alphabet.indexOf(phrase.charAt(i % phrase.length())) % CONFIG.vocab();
    }
    return ids;
  }

  private static LstmLanguageModel model(long seed) {
    return new LstmLanguageModel(CONFIG, ProductKernels.plain(), LstmLanguageModelTest.random(CONFIG, seed));
  }

  private static EncoderTrainer.Options options(long steps, long checkpointEvery) {
    return new EncoderTrainer.Options(2e-2, 0, steps, 1, 5.0, 0, 7, checkpointEvery);
  }

  @Test
  void theLossFallsClearlyOnASmallText() throws Exception {
    LstmLanguageModel model = model(1);
    int[] ids = text();
    double before = LstmTrainer.evaluate(model, ids, 2, 16);
    LstmTrainer trainer = new LstmTrainer(model, ids, 4, 16, options(300, 0), "Tiny", "");
    trainer.train(null, null);
    double after = LstmTrainer.evaluate(model, ids, 2, 16);
    assertTrue(after < 0.5 * before && after < 1.0, () -> "loss " + before + " before training, " + after + " after 300 steps");
  }

  @Test
  void aResumedRunContinuesTheSameLosses(@TempDir Path dir) throws Exception {
    int[] ids = text();
    List<Double> straight = new ArrayList<>();
    LstmTrainer whole = new LstmTrainer(model(2), ids, 3, 10, options(12, 0), "Tiny", "");
    whole.train(null, report -> straight.add(report.loss()));

    Path checkpoint = dir.resolve("checkpoint");
    List<Double> resumed = new ArrayList<>();
    LstmTrainer first = new LstmTrainer(model(2), ids, 3, 10, options(12, 5), "Tiny", "");
    first.train(checkpoint, report -> {
      resumed.add(report.loss());
      if (report.step() == 5) {
        first.requestStop();
      }
    });
    // a fresh model from another seed: everything must come from the checkpoint
    LstmLanguageModel other = model(99);
    LstmTrainer second = new LstmTrainer(other, ids, 3, 10, options(12, 5), "Tiny", "");
    assertEquals(5, second.resume(checkpoint).step());
    assertArrayEquals(first.state().h(1, 2), second.state().h(1, 2), "the carried state comes back");
    second.train(checkpoint, report -> resumed.add(report.loss()));
    assertEquals(straight, resumed);
    try (SafetensorsFile state = SafetensorsFile.open(checkpoint.resolve(LstmTrainer.RECURRENT_STATE))) {
      assertArrayEquals(new long[] {2, 3, 16}, state.tensor("c_n").orElseThrow().shape());
    }
    try (SafetensorsFile weights = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
      assertTrue(weights.tensor("lstm.weight_hh_l1").isPresent(), () -> "PyTorch's names: " + weights.tensors().keySet());
    }
    assertTrue(Files.isRegularFile(checkpoint.resolve("optimizer.safetensors")));
  }

  @Test
  void aTextTooShortForOneBlockIsRefusedWithItsSizes() {
    ParameterRows p = LstmLanguageModelTest.random(CONFIG, 1);
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new LstmTrainer(new LstmLanguageModel(CONFIG, ProductKernels.plain(), p), new int[40], 4, 10, options(1, 0), "Tiny", ""));
    assertTrue(e.getMessage().contains("4 streams of 10"), e.getMessage());
  }

  @Test
  void twoThreadsGiveTheNumbersOfOne() throws Exception {
    int[] ids = text();
    List<Double> one = new ArrayList<>();
    new LstmTrainer(model(4), ids, 3, 10, options(4, 0), "Tiny", "").train(null, report -> one.add(report.loss()));
    List<Double> two = new ArrayList<>();
    try (dev.nlpm.runtime.kernels.Parallel parallel = new dev.nlpm.runtime.kernels.Parallel(2)) {
      LstmLanguageModel model = new LstmLanguageModel(CONFIG, ProductKernels.plain(), LstmLanguageModelTest.random(CONFIG, 4), parallel);
      new LstmTrainer(model, ids, 3, 10, options(4, 0), "Tiny", "").train(null, report -> two.add(report.loss()));
    }
    assertEquals(one, two);
  }
}
