package dev.nlpm.runtime.checkpoint;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors file opened for reading: the header parsed and checked as the reference
 * implementation checks it, the tensors read on demand.
 *
 * <p>The format: 8 bytes, the header's length {@code N} as a little-endian unsigned integer; {@code
 * N} bytes of UTF-8 JSON mapping each tensor's name to its {@code dtype}, {@code shape} and {@code
 * data_offsets} (and {@code __metadata__} to a map of strings); then the data, little-endian.
 *
 * <p>Nothing is allocated for what a header claims before it is checked against the file: the
 * header length is capped at {@value #MAX_HEADER_BYTES} bytes and must fit in the file; the
 * tensors' byte ranges must tile the data section from its first byte to its last, without gap or
 * overlap, each exactly as long as its shape and type need. A fault is reported with the file and
 * the JSON path of the entry at fault.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** The reference implementation's cap on the header's length. */
  public static final long MAX_HEADER_BYTES = 100_000_000;

  /** The key of the free-form string map in the header. */
  public static final String METADATA = "__metadata__";

  /** Reads one JSON value with the reader's own strictness (JsonParser would relax it). */
  private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens and checks a safetensors file.
   *
   * @throws MalformedInputFileException naming the file, and the entry where there is one, if it
   *     is not a well-formed safetensors file
   */
  public static SafetensorsFile open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = channel.size();
      if (size < 8) {
        throw whole(file, "only " + size + " bytes: too short for a safetensors header");
      }
      ByteBuffer length = read(channel, 0, 8);
      long headerBytes = length.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
      if (headerBytes < 0 || headerBytes > MAX_HEADER_BYTES) {
        throw whole(file, "a header of " + Long.toUnsignedString(headerBytes) + " bytes exceeds the limit of " + MAX_HEADER_BYTES);
      }
      if (8 + headerBytes > size) {
        throw whole(file, "a header of " + headerBytes + " bytes runs past the end of the file (" + size + " bytes)");
      }
      ByteBuffer header = read(channel, 8, (int) headerBytes);
      String json;
      try {
        json = StandardCharsets.UTF_8.newDecoder().decode(header).toString();
      } catch (CharacterCodingException e) {
        throw MalformedInputFileException.inFile(file, "the header is not valid UTF-8", e);
      }
      if (!json.startsWith("{")) {
        throw whole(file, "the header does not start with '{'");
      }
      long dataBytes = size - 8 - headerBytes;
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors = parse(file, json, dataBytes, metadata);
      SafetensorsFile opened = new SafetensorsFile(file, channel, 8 + headerBytes, tensors, Collections.unmodifiableMap(metadata));
      channel = null;
      return opened;
    } finally {
      if (channel != null) {
        channel.close();
      }
    }
  }

  private static Map<String, TensorInfo> parse(Path file, String json, long dataBytes, Map<String, String> metadata)
      throws MalformedInputFileException {
    List<TensorInfo> entries = new ArrayList<>();
    try {
      // Strict JSON, as the reference's parser: no unquoted names, no comments, nothing after the
      // object; and a name twice is an error, not the last one silently winning.
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      reader.beginObject();
      java.util.Set<String> names = new java.util.HashSet<>();
      while (reader.hasNext()) {
        String name = reader.nextName();
        if (!names.add(name)) {
          throw MalformedInputFileException.atJsonPath(file, "$" + key(name), "the name appears twice");
        }
        JsonElement value = ELEMENT.read(reader);
        if (name.equals(METADATA)) {
          readMetadata(file, value, metadata);
        } else {
          entries.add(tensor(file, name, value));
        }
      }
      reader.endObject();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw whole(file, "the header has more after its JSON object");
      }
    } catch (IOException | JsonParseException | IllegalStateException e) {
      if (e instanceof MalformedInputFileException m) {
        throw m;
      }
      throw MalformedInputFileException.inFile(file, "the header is not valid JSON: " + e.getMessage(), e);
    }
    // The byte ranges, in order, must tile the data section exactly.
    List<TensorInfo> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expected = 0;
    for (TensorInfo t : byOffset) {
      if (t.begin() != expected) {
        throw at(file, t.name(), "data_offsets",
            "starts at byte " + t.begin() + " but the previous tensor ends at " + expected
                + (t.begin() < expected ? " (overlap)" : " (gap)"));
      }
      long need;
      try {
        need = Math.multiplyExact(t.elements(), t.dtype().bytes());
      } catch (ArithmeticException e) {
        throw at(file, t.name(), "shape", "shape " + t.shapeText() + " has too many elements");
      }
      if (t.end() - t.begin() != need) {
        throw at(file, t.name(), "data_offsets",
            "spans " + (t.end() - t.begin()) + " bytes but shape " + t.shapeText() + " of " + t.dtype() + " needs " + need);
      }
      expected = t.end();
    }
    if (expected != dataBytes) {
      throw whole(file, "the tensors cover " + expected + " bytes of data but the file holds " + dataBytes);
    }
    Map<String, TensorInfo> byName = new LinkedHashMap<>();
    entries.stream().sorted(Comparator.comparing(TensorInfo::name)).forEach(t -> byName.put(t.name(), t));
    return Collections.unmodifiableMap(byName);
  }

  private static void readMetadata(Path file, JsonElement value, Map<String, String> metadata)
      throws MalformedInputFileException {
    if (!value.isJsonObject()) {
      throw MalformedInputFileException.atJsonPath(file, "$." + METADATA, "must be an object of strings");
    }
    for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
      if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
        throw MalformedInputFileException.atJsonPath(file, "$." + METADATA + key(e.getKey()), "must be a string");
      }
      metadata.put(e.getKey(), e.getValue().getAsString());
    }
  }

  private static TensorInfo tensor(Path file, String name, JsonElement value) throws MalformedInputFileException {
    if (!value.isJsonObject()) {
      throw MalformedInputFileException.atJsonPath(file, "$" + key(name), "must be an object with dtype, shape and data_offsets");
    }
    JsonObject o = value.getAsJsonObject();
    JsonElement dtypeName = o.get("dtype");
    if (dtypeName == null || !dtypeName.isJsonPrimitive() || !dtypeName.getAsJsonPrimitive().isString()) {
      throw at(file, name, "dtype", "missing or not a string");
    }
    DType dtype = DType.named(dtypeName.getAsString())
        .orElseThrow(() -> at(file, name, "dtype", "unknown type " + dtypeName.getAsString()));
    long[] shape = naturals(file, name, "shape", o.get("shape"), -1);
    long[] offsets = naturals(file, name, "data_offsets", o.get("data_offsets"), 2);
    if (offsets[1] < offsets[0]) {
      throw at(file, name, "data_offsets", "ends at " + offsets[1] + " before it begins at " + offsets[0]);
    }
    return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
  }

  private static long[] naturals(Path file, String name, String field, JsonElement value, int count)
      throws MalformedInputFileException {
    if (value == null || !value.isJsonArray()) {
      throw at(file, name, field, "missing or not an array");
    }
    JsonArray array = value.getAsJsonArray();
    if (count >= 0 && array.size() != count) {
      throw at(file, name, field, "must hold " + count + " numbers, holds " + array.size());
    }
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement e = array.get(i);
      if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
        throw at(file, name, field, "element " + i + " is not a number");
      }
      String digits = e.getAsString();
      if (digits.startsWith("-") && digits.matches("-(0|[1-9][0-9]*)")) {
        throw at(file, name, field, "element " + i + " is negative");
      }
      if (!digits.matches("0|[1-9][0-9]{0,18}")) {
        throw at(file, name, field, "element " + i + " (" + digits + ") is not an integer");
      }
      try {
        out[i] = Long.parseLong(digits);
      } catch (NumberFormatException ex) {
        throw at(file, name, field, "element " + i + " (" + digits + ") is too large");
      }
    }
    return out;
  }

  /** {@code ["name"]}: a JSON path step that survives dots in tensor names. */
  private static String key(String name) {
    return "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }

  private static MalformedInputFileException at(Path file, String name, String field, String problem) {
    return MalformedInputFileException.atJsonPath(file, "$" + key(name) + "." + field, problem);
  }

  private static MalformedInputFileException whole(Path file, String problem) {
    return MalformedInputFileException.inFile(file, problem, null);
  }

  private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new java.io.EOFException("the file ended at byte " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }

  public Path file() {
    return file;
  }

  /** The tensors, by name in name order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Optional<TensorInfo> tensor(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  /** The header's {@code __metadata__}, empty if it has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** A tensor's elements as floats, widened from F16 or BF16, rounded from F64. */
  public float[] readFloats(String name) throws IOException {
    TensorInfo t = require(name);
    if (!t.dtype().readableAsFloat()) {
      throw new IllegalArgumentException(file + ": tensor " + name + " is " + t.dtype() + ", not a floating-point type");
    }
    if (t.elements() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(file + ": tensor " + name + " " + t.shapeText() + " is too large for one float[]");
    }
    float[] out = new float[(int) t.elements()];
    readInto(name, out, 0);
    return out;
  }

  /**
   * Reads a tensor's elements into {@code destination[offset..offset + elements)}.
   *
   * @throws IllegalArgumentException naming the tensor if it is not a floating-point type or does
   *     not fit
   */
  public void readInto(String name, float[] destination, int offset) throws IOException {
    TensorInfo t = require(name);
    if (!t.dtype().readableAsFloat()) {
      throw new IllegalArgumentException(file + ": tensor " + name + " is " + t.dtype() + ", not a floating-point type");
    }
    long elements = t.elements();
    if (offset < 0 || offset + elements > destination.length) {
      throw new IllegalArgumentException(
          file + ": tensor " + name + " " + t.shapeText() + " does not fit at " + offset + " in " + destination.length + " floats");
    }
    int width = t.dtype().bytes();
    int chunkElements = Math.max(1, (1 << 20) / width);
    long done = 0;
    while (done < elements) {
      int n = (int) Math.min(chunkElements, elements - done);
      ByteBuffer bytes = read(channel, dataStart + t.begin() + done * width, n * width).order(ByteOrder.LITTLE_ENDIAN);
      int at = offset + (int) done;
      switch (t.dtype()) {
        case F32 -> bytes.asFloatBuffer().get(destination, at, n);
        case F16 -> {
          for (int i = 0; i < n; i++) {
            destination[at + i] = DType.halfToFloat(bytes.getShort(2 * i));
          }
        }
        case BF16 -> {
          for (int i = 0; i < n; i++) {
            destination[at + i] = DType.bfloat16ToFloat(bytes.getShort(2 * i));
          }
        }
        case F64 -> {
          for (int i = 0; i < n; i++) {
            destination[at + i] = (float) bytes.getDouble(8 * i);
          }
        }
        default -> throw new IllegalStateException("unreachable: " + t.dtype());
      }
      done += n;
    }
  }

  private TensorInfo require(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(file + ": no tensor named " + name);
    }
    return t;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
