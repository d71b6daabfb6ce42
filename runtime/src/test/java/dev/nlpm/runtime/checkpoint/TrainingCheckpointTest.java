package dev.nlpm.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.optim.AdamW;
import dev.nlpm.runtime.optim.AdamWSettings;
import dev.nlpm.runtime.optim.DecayRange;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import dev.nlpm.runtime.parameters.TruncatedNormalInitializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run saved mid-way and resumed follows the same trajectory to the bit; a wrong or damaged checkpoint says why. */
class TrainingCheckpointTest {

  @TempDir Path dir;

  private static final ParameterLayout LAYOUT =
      ParameterLayout.builder()
          .add("embeddings.word_embeddings.weight", ParameterRole.EMBEDDING_TABLE, ParameterLayout.BACKBONE, 12, 4)
          .add("embeddings.LayerNorm.weight", ParameterRole.NORM_GAIN, ParameterLayout.BACKBONE, 4)
          .add("embeddings.LayerNorm.bias", ParameterRole.NORM_BIAS, ParameterLayout.BACKBONE, 4)
          .add("cls.predictions.bias", ParameterRole.BIAS, "mlm_head", 12)
          .build();

  /** A gradient that depends on the parameters and the step, so a resume must restore both. */
  private static float[] gradient(float[] p, long step) {
    float[] g = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      g[i] = (float) Math.sin(3 * p[i] + 0.1 * step + i);
    }
    return g;
  }

  private static AdamW optimizer() {
    return new AdamW(DecayRange.fromLayout(LAYOUT), AdamWSettings.withWeightDecay(0.01));
  }

  @Test
  void aResumedRunFollowsTheSameTrajectoryToTheBit() throws IOException {
    float[] straight = new float[LAYOUT.size()];
    TruncatedNormalInitializer.bert().initialize(LAYOUT, straight, 3);
    float[] resumed = straight.clone();
    AdamW whole = optimizer();
    for (long s = 0; s < 6; s++) {
      whole.step(straight, gradient(straight, s), 1e-2);
    }

    AdamW first = optimizer();
    for (long s = 0; s < 3; s++) {
      first.step(resumed, gradient(resumed, s), 1e-2);
    }
    Path checkpoint = dir.resolve("step-3");
    new TrainingCheckpoint("TinyBert", resumed, first.steps(), first.firstMoment(), first.secondMoment(),
        new TrainingProgress(3, 0, 96, 42, 1.25)).write(checkpoint, LAYOUT, "bert.");

    TrainingCheckpoint read = TrainingCheckpoint.read(checkpoint, "TinyBert", LAYOUT, "bert.");
    assertEquals(new TrainingProgress(3, 0, 96, 42, 1.25), read.progress());
    float[] p = read.parameters();
    AdamW second = optimizer();
    second.restore(read.optimizerSteps(), read.firstMoment(), read.secondMoment());
    for (long s = read.progress().step(); s < 6; s++) {
      second.step(p, gradient(p, s), 1e-2);
    }
    assertArrayEquals(straight, p);
    assertArrayEquals(whole.firstMoment(), second.firstMoment());
    assertArrayEquals(whole.secondMoment(), second.secondMoment());
    assertEquals(List.of("step-3"), List.of(dir.toFile().list()), "nothing but the checkpoint is left");
  }

  private Path saved() throws IOException {
    float[] p = new float[LAYOUT.size()];
    Path checkpoint = dir.resolve("ckpt");
    new TrainingCheckpoint("TinyBert", p, 0, new float[p.length], new float[p.length], new TrainingProgress(0, 0, 0, 1, 0))
        .write(checkpoint, LAYOUT, "bert.");
    return checkpoint;
  }

  @Test
  void anotherModelsCheckpointIsRefusedByName() throws IOException {
    Path checkpoint = saved();
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> TrainingCheckpoint.read(checkpoint, "BertBase", LAYOUT, "bert."));
    assertEquals(List.of("a checkpoint of TinyBert (68 parameters), not of BertBase (68)"), e.problems());
  }

  @Test
  void aMissingPieceIsNamed() throws IOException {
    Path checkpoint = saved();
    Files.delete(checkpoint.resolve(TrainingCheckpoint.OPTIMIZER));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TrainingCheckpoint.read(checkpoint, "TinyBert", LAYOUT, "bert."));
    assertTrue(e.getMessage().contains("optimizer.safetensors") && e.getMessage().contains("the checkpoint has no"), e.getMessage());
  }

  @Test
  void aDamagedStateFieldIsNamedByItsJsonPath() throws IOException {
    Path checkpoint = saved();
    Path state = checkpoint.resolve(TrainingCheckpoint.STATE);
    Files.writeString(state, Files.readString(state).replace("\"step\": 0", "\"step\": 1.5"));
    MalformedInputFileException e = assertThrows(MalformedInputFileException.class,
        () -> TrainingCheckpoint.read(checkpoint, "TinyBert", LAYOUT, "bert."));
    assertEquals(state + ": at $.step: not an integer: 1.5", e.getMessage());
  }
}
