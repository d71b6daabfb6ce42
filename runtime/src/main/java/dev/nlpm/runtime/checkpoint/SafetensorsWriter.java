package dev.nlpm.runtime.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.nlpm.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes float32 tensors as a safetensors file, atomically: the tensors in name order, the
 * header padded with spaces to a multiple of 8 bytes as the reference pads it, {@code
 * __metadata__} first when there is any. The same tensors always give the same bytes.
 */
public final class SafetensorsWriter {

  private record Slice(long[] shape, float[] data, int offset, int length) {}

  private final Map<String, Slice> tensors = new TreeMap<>();
  private final Map<String, String> metadata = new TreeMap<>();

  /**
   * Adds a tensor: {@code data[offset..offset + product(shape))}, not copied until written.
   *
   * @throws IllegalArgumentException if the name repeats or the slice is out of the array
   */
  public SafetensorsWriter add(String name, float[] data, int offset, long... shape) {
    if (name.equals(SafetensorsFile.METADATA)) {
      throw new IllegalArgumentException(SafetensorsFile.METADATA + " is reserved for the metadata");
    }
    long elements = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
      }
      elements = Math.multiplyExact(elements, d);
    }
    if (offset < 0 || offset + elements > data.length) {
      throw new IllegalArgumentException(
          name + " " + Arrays.toString(shape) + " at " + offset + " is outside an array of " + data.length);
    }
    if (tensors.putIfAbsent(name, new Slice(shape.clone(), data, offset, (int) elements)) != null) {
      throw new IllegalArgumentException("two tensors named " + name);
    }
    return this;
  }

  /** Adds an entry to the header's {@code __metadata__}. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Writes the file atomically: a reader sees the old file or the whole new one. */
  public void write(Path file) throws IOException {
    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject meta = new JsonObject();
      metadata.forEach(meta::addProperty);
      header.add(SafetensorsFile.METADATA, meta);
    }
    long begin = 0;
    for (Map.Entry<String, Slice> e : tensors.entrySet()) {
      JsonObject entry = new JsonObject();
      entry.addProperty("dtype", DType.F32.name());
      JsonArray shape = new JsonArray();
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      entry.add("shape", shape);
      long end = begin + 4L * e.getValue().length();
      JsonArray offsets = new JsonArray();
      offsets.add(begin);
      offsets.add(end);
      entry.add("data_offsets", offsets);
      header.add(e.getKey(), entry);
      begin = end;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    AtomicFiles.write(file, out -> {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
      out.write(length.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      for (Slice slice : tensors.values()) {
        writeFloats(out, slice);
      }
    });
  }

  private static void writeFloats(OutputStream out, Slice slice) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < slice.length(); i++) {
      if (!buffer.hasRemaining()) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      buffer.putFloat(slice.data()[slice.offset() + i]);
    }
    out.write(buffer.array(), 0, buffer.position());
  }
}
