package dev.nlpm.runtime.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.checkpoint.TrainingCheckpoint;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.pretrain.Masking;
import dev.nlpm.runtime.pretrain.MlmMasker;
import dev.nlpm.runtime.training.EncoderTrainer;
import dev.nlpm.runtime.training.TrainingDivergedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pretraining a tiny BERT on 200 lines of Austen with a whole-word vocabulary. */
class EncoderTrainerTest {

  static final int PAD = 0, UNK = 1, CLS = 2, SEP = 3, MASK = 4;

  /** Documents of ten lines, each line a segment of word ids. */
  static final List<List<int[]>> DOCUMENTS = new ArrayList<>();
  static final int VOCAB;

  static {
    List<String[]> lines = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    try (InputStream in = EncoderTrainerTest.class.getResourceAsStream("austen-lines.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] words = line.toLowerCase(Locale.ROOT).split("[^a-z]+");
        lines.add(words);
        for (String w : words) {
          counts.merge(w, 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Integer> ids = new LinkedHashMap<>();
    counts.entrySet().stream().filter(e -> e.getValue() >= 2 && !e.getKey().isEmpty()).map(Map.Entry::getKey).sorted()
        .forEach(w -> ids.put(w, 5 + ids.size()));
    VOCAB = 5 + ids.size();
    List<int[]> document = new ArrayList<>();
    for (String[] words : lines) {
      document.add(java.util.Arrays.stream(words).filter(w -> !w.isEmpty()).mapToInt(w -> ids.getOrDefault(w, UNK)).toArray());
      if (document.size() == 10 && DOCUMENTS.size() < 20) {
        DOCUMENTS.add(document);
        document = new ArrayList<>();
      }
    }
  }

  static EncoderConfig config() {
    return TinyBert.config(VOCAB, 32, 2, 2, 64, 64);
  }

  static PretrainingData data(long seed) {
    MlmMasker masker = new MlmMasker(0.15, MASK, VOCAB, new int[] {PAD, UNK, CLS, SEP, MASK}, 10);
    return new PretrainingData(DOCUMENTS, 48, true, masker, Masking.STATIC, CLS, SEP, PAD, seed);
  }

  static EncoderTrainer.Options options(long steps) {
    return new EncoderTrainer.Options(5e-3, 10, steps, 1, 1.0, 0.01, 5, 0);
  }

  static Encoder encoder(EncoderConfig config, Parallel parallel) {
    return new Encoder(config, ProductKernels.plain(), TinyBert.random(config, 3, 0.02), parallel);
  }

  @Test
  void mlmLossAtLeastHalvesOnAFewHundredLines() throws IOException {
    EncoderConfig config = config();
    PretrainingData data = data(1);
    EncoderTrainer.Batches batches = data.batches(16);
    try (Parallel parallel = new Parallel(2)) {
      Encoder encoder = encoder(config, parallel);
      EncoderWorkspace ws = encoder.workspace(16, 48, 160);
      double before = meanMlmLoss(encoder, ws, batches);
      new EncoderTrainer(encoder, ws, options(320), "tiny", "bert.").train(batches, null, null);
      double after = meanMlmLoss(encoder, ws, batches);
      assertTrue(after <= before / 2, "MLM loss went from " + before + " to " + after);
    }
  }

  private static double meanMlmLoss(Encoder encoder, EncoderWorkspace ws, EncoderTrainer.Batches batches) {
    double sum = 0;
    for (int k = 0; k < 8; k++) {
      sum += encoder.evaluate(batches.batch(k), ws).mlm();
    }
    return sum / 8;
  }

  @Test
  void aResumedRunEndsWithTheBitsOfAnUninterruptedOne(@TempDir Path dir) throws IOException {
    EncoderConfig config = config();
    EncoderTrainer.Batches batches = data(2).batches(8);
    float[] uninterrupted;
    try (Parallel parallel = new Parallel(1)) {
      Encoder encoder = encoder(config, parallel);
      new EncoderTrainer(encoder, encoder.workspace(8, 48, 80), options(12), "tiny", "bert.").train(batches, null, null);
      uninterrupted = encoder.parameters().toFlat();
    }
    Path checkpoint = dir.resolve("run");
    try (Parallel parallel = new Parallel(2)) {
      Encoder encoder = encoder(config, parallel);
      EncoderTrainer trainer = new EncoderTrainer(encoder, encoder.workspace(8, 48, 80), options(12), "tiny", "bert.");
      trainer.train(batches, checkpoint, report -> {
        if (report.step() == 5) {
          trainer.requestStop();
        }
      });
      assertEquals(5, trainer.optimizer().steps());
    }
    try (Parallel parallel = new Parallel(2)) {
      Encoder encoder = new Encoder(config, ProductKernels.plain(), TinyBert.random(config, 99, 0.02), parallel);
      EncoderTrainer trainer = new EncoderTrainer(encoder, encoder.workspace(8, 48, 80), options(12), "tiny", "bert.");
      assertEquals(5, trainer.resume(checkpoint).step());
      trainer.train(batches, checkpoint, null);
      assertArrayEquals(uninterrupted, encoder.parameters().toFlat());
    }
  }

  @Test
  void aNonFiniteLossStopsTrainingNamingTheStepAndKeepsTheLastCheckpoint(@TempDir Path dir) throws IOException {
    EncoderConfig config = config();
    EncoderTrainer.Batches batches = data(3).batches(8);
    Path checkpoint = dir.resolve("run");
    try (Parallel parallel = new Parallel(1)) {
      Encoder encoder = encoder(config, parallel);
      EncoderTrainer.Options options = new EncoderTrainer.Options(2e-3, 0, 10, 1, 1.0, 0.01, 5, 1);
      EncoderTrainer trainer = new EncoderTrainer(encoder, encoder.workspace(8, 48, 80), options, "tiny", "bert.");
      float[][] savedAtTwo = new float[1][];
      // the third micro-batch finds a parameter gone bad, as after an overflow
      EncoderTrainer.Batches poisoned = k -> {
        if (k == 2) {
          savedAtTwo[0] = encoder.parameters().toFlat();
          encoder.parameters().matrix("encoder.layer.0.attention.self.query.weight")[0][0] = Float.NaN;
        }
        return batches.batch(k);
      };
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.train(poisoned, checkpoint, null));
      assertEquals(3, e.step());
      assertTrue(e.getMessage().contains("at step 3") && e.getMessage().contains("at step 2, is intact"), e.getMessage());
      TrainingCheckpoint saved = TrainingCheckpoint.read(checkpoint, "tiny", encoder.parameters().layout(), "bert.");
      assertEquals(2, saved.progress().step());
      assertArrayEquals(savedAtTwo[0], saved.parameters());
    }
  }

  /** The declared schedule and update rule reach the steps: each step's rate is the cosine's, and SGD is what updates. */
  @Test
  void theScheduleAndOptimizerInTheOptionsDriveTheSteps(@TempDir Path dir) throws IOException {
    EncoderConfig config = config();
    EncoderTrainer.Batches batches = data(3).batches(4);
    EncoderTrainer.Options options = new EncoderTrainer.Options(2e-2, 2, 6, 1, 0, 0, 5, 0)
        .withSchedule(dev.nlpm.runtime.optim.LearningRateSchedule.Shape.COSINE, 1e-3)
        .withOptimizer(dev.nlpm.runtime.optim.OptimizerKind.SGD);
    List<Double> rates = new ArrayList<>();
    try (Parallel parallel = new Parallel(1)) {
      Encoder encoder = encoder(config, parallel);
      EncoderTrainer trainer = new EncoderTrainer(encoder, encoder.workspace(4, 48, 40), options, "tiny", "bert.");
      trainer.train(batches, dir.resolve("run"), report -> rates.add(report.learningRate()));
      assertEquals(dev.nlpm.runtime.optim.OptimizerKind.SGD, trainer.optimizer().kind());
      assertEquals(0f, trainer.optimizer().firstMomentFlat()[0], "SGD keeps no moments");
    }
    List<Double> expected = new ArrayList<>();
    for (int step = 0; step < 6; step++) {
      expected.add(options.learningRates().at(step));
    }
    assertEquals(expected, rates);
    assertEquals(1e-3 + (2e-2 - 1e-3) * 0.5 * (1 + Math.cos(Math.PI * 0.25)), rates.get(3), 1e-15, "the cosine, a quarter of the way down");
  }
}
