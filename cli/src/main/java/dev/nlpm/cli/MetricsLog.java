package dev.nlpm.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A training run's metrics as JSON lines: one object per progress report, written and flushed as
 * it comes, so that a run killed outright keeps what it reported. Knows nothing of any model
 * family: each record is {@code step} (0, 1, 2… over the whole file, unless the caller gives its
 * own {@code step}, as a trainer counting optimizer steps does), {@code seconds} (training time,
 * summed over the runs a resumed training is made of), then whatever other numbers the caller
 * gives, in its order; a NaN or infinite value is left out (JSON has no such numbers).
 *
 * <p>Resuming continues the file along an {@code axis} the caller names (word2vec: {@code words}):
 * the first record of the resumed run says where the checkpoint stood; records beyond it — written
 * after that checkpoint by a run that then died — are dropped, so the axis rises monotonically
 * through the file and the curve continues from the checkpoint.
 */
final class MetricsLog implements Closeable {

  private final Path file;
  private final String axis;
  private final boolean resuming;
  private BufferedWriter writer;
  private long step;
  private double secondsBefore;
  private double lastAxis = Double.NEGATIVE_INFINITY;

  private MetricsLog(Path file, String axis, boolean resuming) {
    this.file = file;
    this.axis = axis;
    this.resuming = resuming;
  }

  /** A fresh log at {@code file}, replacing any there. */
  static MetricsLog create(Path file, String axis) throws IOException {
    MetricsLog log = new MetricsLog(file, axis, false);
    log.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    return log;
  }

  /** Continues the log at {@code file} (or starts one, if there is none) along {@code axis}. */
  static MetricsLog resume(Path file, String axis) {
    return new MetricsLog(file, axis, true);
  }

  Path file() {
    return file;
  }

  /**
   * Appends one record.
   *
   * @param runSeconds seconds since this process's run started
   * @param values the record's numbers, including the axis
   */
  void record(double runSeconds, Map<String, ? extends Number> values) throws IOException {
    Number at = values.get(axis);
    if (at == null) {
      throw new IllegalArgumentException("a record without its axis " + axis + ": " + values);
    }
    if (writer == null) {
      continueFrom(at.doubleValue());
    }
    if (at.doubleValue() <= lastAxis) {
      return; // the resumed run's first report, where the stopped run's last one already stands
    }
    Number own = values.get("step");
    StringBuilder line = new StringBuilder("{\"step\":").append(own == null ? step++ : own.toString());
    line.append(",\"seconds\":").append(number(secondsBefore + runSeconds));
    values.forEach((key, value) -> {
      if (key.equals("step")) {
        return;
      }
      double v = value.doubleValue();
      if (Double.isFinite(v)) {
        line.append(",\"").append(key).append("\":").append(value instanceof Double || value instanceof Float ? number(v) : value.toString());
      }
    });
    writer.write(line.append('}').toString());
    writer.newLine();
    writer.flush();
    lastAxis = at.doubleValue();
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v).trim();
  }

  /**
   * Resuming: keeps the records up to {@code axisValue} (where the checkpoint stands) of the file a
   * stopped run left, and appends what follows, which must lie beyond it. For a trainer whose
   * first report after resuming is already past the checkpoint; without this call the first
   * record decides.
   */
  void resumeAt(double axisValue) throws IOException {
    if (writer == null) {
      continueFrom(axisValue);
    }
  }

  /** Keeps the records up to {@code axisValue} of the file a stopped run left, then appends. */
  private void continueFrom(double axisValue) throws IOException {
    List<String> kept = new ArrayList<>();
    if (resuming && Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject record;
        try {
          record = JsonParser.parseString(line).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
          break; // a line cut short by a run killed as it wrote: nothing after it is trusted
        }
        JsonElement value = record.get(axis);
        if (value == null || value.getAsDouble() > axisValue) {
          break;
        }
        kept.add(line);
        step = record.get("step").getAsLong() + 1;
        secondsBefore = record.get("seconds").getAsDouble();
        lastAxis = value.getAsDouble();
      }
      AtomicFiles.write(file, stream -> {
        for (String line : kept) {
          stream.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
      });
    }
    writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Every record of a metrics file, as key → number, in order. */
  static List<Map<String, Double>> read(Path file) throws IOException {
    List<Map<String, Double>> records = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      Map<String, Double> record = new LinkedHashMap<>();
      try {
        JsonParser.parseString(line).getAsJsonObject().entrySet().forEach(e -> record.put(e.getKey(), e.getValue().getAsDouble()));
      } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
        break;
      }
      records.add(record);
    }
    return records;
  }

  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }

  /** For callers that cannot throw: a listener, say. */
  void recordUnchecked(double runSeconds, Map<String, ? extends Number> values) {
    try {
      record(runSeconds, values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
