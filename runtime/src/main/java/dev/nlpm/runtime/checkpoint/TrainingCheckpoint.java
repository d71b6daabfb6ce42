package dev.nlpm.runtime.checkpoint;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.io.AtomicDirectories;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.parameters.ParameterLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training run saved as one directory, replaced whole ({@link AtomicDirectories}):
 *
 * <ul>
 *   <li>{@value #MODEL}: the parameters under the reference names ({@link ParameterCheckpoint});
 *   <li>{@value #OPTIMIZER}: AdamW's moments as two flat tensors, {@code exp_avg} and {@code
 *       exp_avg_sq} (PyTorch's names), and its step count in the metadata;
 *   <li>{@value #STATE}: the model's name and parameter count, and the {@link TrainingProgress}.
 * </ul>
 *
 * Reading checks that the checkpoint is this model's (its name and parameter count) and that
 * every piece is whole, naming the file and what is wrong otherwise.
 */
public record TrainingCheckpoint(
    String model, float[] parameters, long optimizerSteps, float[] firstMoment, float[] secondMoment, TrainingProgress progress) {

  public static final String MODEL = "model.safetensors";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String STATE = "training.json";

  public TrainingCheckpoint {
    if (firstMoment.length != parameters.length || secondMoment.length != parameters.length) {
      throw new IllegalArgumentException("moments of " + firstMoment.length + " and " + secondMoment.length
          + " floats for " + parameters.length + " parameters");
    }
  }

  /** Writes the directory, replacing what was there only once all of it is on disk. */
  public void write(Path directory, ParameterLayout layout, String backbonePrefix) throws IOException {
    AtomicDirectories.write(directory, dir -> writeInto(dir, layout, backbonePrefix));
  }

  /**
   * Writes this checkpoint's files into {@code dir}, an existing directory being built for {@link
   * AtomicDirectories#write} (for a model that saves more next to them, such as an LSTM's carried state).
   */
  public void writeInto(Path dir, ParameterLayout layout, String backbonePrefix) throws IOException {
    ParameterCheckpoint.save(layout, parameters, backbonePrefix, Map.of("format", "pt", "model", model), dir.resolve(MODEL));
    new SafetensorsWriter()
        .add("exp_avg", firstMoment, 0, firstMoment.length)
        .add("exp_avg_sq", secondMoment, 0, secondMoment.length)
        .metadata("step", Long.toString(optimizerSteps))
        .write(dir.resolve(OPTIMIZER));
    JsonObject state = new JsonObject();
    state.addProperty("model", model);
    state.addProperty("parameters", parameters.length);
    state.addProperty("step", progress.step());
    state.addProperty("epoch", progress.epoch());
    state.addProperty("position", progress.position());
    state.addProperty("seed", progress.seed());
    state.addProperty("loss", progress.loss());
    Files.writeString(dir.resolve(STATE), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(state) + "\n");
  }

  /**
   * Reads a checkpoint directory for {@code model}, laid out by {@code layout}.
   *
   * @throws CheckpointMismatchException if it is another model's, or its tensors do not fit
   * @throws MalformedInputFileException naming the file and the JSON path of a damaged field
   */
  public static TrainingCheckpoint read(Path directory, String model, ParameterLayout layout, String backbonePrefix) throws IOException {
    directory = AtomicDirectories.readable(directory);
    Path statePath = directory.resolve(STATE);
    JsonObject state = readState(statePath);
    String savedModel = string(statePath, state, "model");
    long savedParameters = number(statePath, state, "parameters");
    if (!savedModel.equals(model) || savedParameters != layout.size()) {
      throw new CheckpointMismatchException(directory, java.util.List.of(
          "a checkpoint of " + savedModel + " (" + savedParameters + " parameters), not of " + model + " (" + layout.size() + ")"));
    }
    TrainingProgress progress;
    try {
      progress = new TrainingProgress(number(statePath, state, "step"), (int) number(statePath, state, "epoch"),
          number(statePath, state, "position"), number(statePath, state, "seed"), real(statePath, state, "loss"));
    } catch (IllegalArgumentException e) {
      throw MalformedInputFileException.inFile(statePath, e.getMessage(), e);
    }
    float[] parameters = new float[layout.size()];
    try (SafetensorsFile weights = SafetensorsFile.open(existing(directory.resolve(MODEL)))) {
      ParameterCheckpoint.load(weights, layout, parameters, backbonePrefix, true);
    }
    Path optimizerPath = existing(directory.resolve(OPTIMIZER));
    try (SafetensorsFile optimizer = SafetensorsFile.open(optimizerPath)) {
      float[] m = moment(optimizer, "exp_avg", layout.size());
      float[] v = moment(optimizer, "exp_avg_sq", layout.size());
      String step = optimizer.metadata().get("step");
      long steps;
      try {
        steps = Long.parseLong(step);
      } catch (NumberFormatException e) {
        throw MalformedInputFileException.atJsonPath(optimizerPath, "$.__metadata__.step", "not a step count: " + step);
      }
      return new TrainingCheckpoint(model, parameters, steps, m, v, progress);
    }
  }

  private static Path existing(Path file) throws NoSuchFileException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "the checkpoint has no " + file.getFileName());
    }
    return file;
  }

  private static float[] moment(SafetensorsFile file, String name, int size) throws IOException {
    TensorInfo info = file.tensor(name).orElseThrow(() -> new CheckpointMismatchException(file.file(), java.util.List.of(name + ": missing")));
    if (info.elements() != size || info.shape().length != 1) {
      throw new CheckpointMismatchException(file.file(), java.util.List.of(name + ": shape " + info.shapeText() + " in the file, [" + size + "] in the model"));
    }
    return file.readFloats(name);
  }

  private static JsonObject readState(Path file) throws IOException {
    String text = Files.readString(existing(file), StandardCharsets.UTF_8);
    try {
      JsonElement parsed = JsonParser.parseString(text);
      if (!parsed.isJsonObject()) {
        throw MalformedInputFileException.inFile(file, "not a JSON object", null);
      }
      return parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw MalformedInputFileException.inFile(file, "not valid JSON: " + e.getMessage(), e);
    }
  }

  private static JsonElement field(Path file, JsonObject o, String key) throws MalformedInputFileException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive()) {
      throw MalformedInputFileException.atJsonPath(file, "$." + key, "missing");
    }
    return e;
  }

  private static String string(Path file, JsonObject o, String key) throws MalformedInputFileException {
    return field(file, o, key).getAsString();
  }

  private static long number(Path file, JsonObject o, String key) throws MalformedInputFileException {
    try {
      return new java.math.BigDecimal(field(file, o, key).getAsString()).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw MalformedInputFileException.atJsonPath(file, "$." + key, "not an integer: " + o.get(key));
    }
  }

  private static double real(Path file, JsonObject o, String key) throws MalformedInputFileException {
    try {
      return Double.parseDouble(field(file, o, key).getAsString());
    } catch (NumberFormatException e) {
      throw MalformedInputFileException.atJsonPath(file, "$." + key, "not a number: " + o.get(key));
    }
  }
}
