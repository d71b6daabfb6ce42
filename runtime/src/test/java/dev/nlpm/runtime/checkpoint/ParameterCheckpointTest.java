package dev.nlpm.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flat buffer saved and loaded under the reference names, in the pretraining and the bare form. */
class ParameterCheckpointTest {

  @TempDir Path dir;

  private static final ParameterLayout LAYOUT =
      ParameterLayout.builder()
          .add("embeddings.word_embeddings.weight", ParameterRole.EMBEDDING_TABLE, ParameterLayout.BACKBONE, 10, 4)
          .add("encoder.layer.0.output.dense.weight", ParameterRole.WEIGHT, ParameterLayout.BACKBONE, 4, 4)
          .add("cls.predictions.bias", ParameterRole.BIAS, "mlm_head", 10)
          .tied("cls.predictions.decoder.weight", ParameterRole.EMBEDDING_TABLE, "mlm_head", "embeddings.word_embeddings.weight", 10, 4)
          .build();

  private static float[] parameters(float base) {
    float[] p = new float[LAYOUT.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = base + i * 0.5f;
    }
    return p;
  }

  @Test
  void savesUnderThePretrainingNamesAndLoadsBack() throws IOException {
    Path file = dir.resolve("model.safetensors");
    float[] saved = parameters(1);
    ParameterCheckpoint.save(LAYOUT, saved, "bert.", Map.of("format", "pt"), file);
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      assertEquals(
          List.of("bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.output.dense.weight", "cls.predictions.bias"),
          List.copyOf(read.tensors().keySet()),
          "the tied decoder is left out, as the reference leaves it out");
      float[] loaded = new float[LAYOUT.size()];
      ParameterCheckpoint.LoadReport report = ParameterCheckpoint.load(read, LAYOUT, loaded, "bert.", true);
      assertArrayEquals(saved, loaded);
      assertEquals(List.of(), report.unused());
      assertEquals(List.of(), report.headsLeftAsTheyWere());
    }
  }

  @Test
  void loadsTheBareModelsNamesAndLeavesTheHeadsAlone() throws IOException {
    float[] source = parameters(3);
    Path file = dir.resolve("bare.safetensors");
    new SafetensorsWriter()
        .add("embeddings.word_embeddings.weight", source, 0, 10, 4)
        .add("encoder.layer.0.output.dense.weight", source, 40, 4, 4)
        .add("pooler.dense.weight", source, 0, 4, 4)
        .write(file);
    float[] target = parameters(-100);
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      ParameterCheckpoint.LoadReport report = ParameterCheckpoint.load(read, LAYOUT, target, "bert.", false);
      assertEquals(List.of("cls.predictions.bias"), report.headsLeftAsTheyWere());
      assertEquals(List.of("pooler.dense.weight"), report.unused());
    }
    float[] expected = parameters(-100);
    System.arraycopy(source, 0, expected, 0, 56);
    assertArrayEquals(expected, target);
  }

  @Test
  void everyMismatchIsNamedAndNothingIsLoaded() throws IOException {
    float[] source = parameters(3);
    Path file = dir.resolve("other.safetensors");
    new SafetensorsWriter()
        .add("bert.embeddings.word_embeddings.weight", source, 0, 12, 4)
        .add("cls.predictions.bias", source, 0, 10)
        .write(file);
    float[] target = parameters(-1);
    try (SafetensorsFile read = SafetensorsFile.open(file)) {
      CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
          () -> ParameterCheckpoint.load(read, LAYOUT, target, "bert.", true));
      assertEquals(
          List.of(
              "bert.embeddings.word_embeddings.weight: shape [12, 4] in the file, [10, 4] in the model",
              "bert.encoder.layer.0.output.dense.weight or encoder.layer.0.output.dense.weight: missing, backbone tensor of shape [4, 4]"),
          e.problems());
      assertEquals(file + " does not fit this model:\n  " + String.join("\n  ", e.problems()), e.getMessage());
    }
    assertArrayEquals(parameters(-1), target, "a failed load changes nothing");
  }

  @Test
  void aNonFloatTensorIsRefusedByName() throws IOException {
    try (java.io.InputStream in = getClass().getResourceAsStream("reference.safetensors")) {
      java.nio.file.Files.copy(in, dir.resolve("reference.safetensors"));
    }
    ParameterLayout ids = ParameterLayout.builder().add("embeddings.position_ids", ParameterRole.WEIGHT, ParameterLayout.BACKBONE, 1, 6).build();
    try (SafetensorsFile read = SafetensorsFile.open(dir.resolve("reference.safetensors"))) {
      CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
          () -> ParameterCheckpoint.load(read, ids, new float[6], "bert.", true));
      assertEquals(List.of("bert.embeddings.position_ids: I64, not a floating-point type"), e.problems());
    }
  }
}
