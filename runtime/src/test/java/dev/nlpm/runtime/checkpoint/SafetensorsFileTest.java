package dev.nlpm.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader against a file written by {@code src/test/python/make_safetensors_fixtures.py} from
 * torch tensors (F32, F16 with subnormals and infinities, BF16, F64, I64, a scalar, an empty
 * tensor), compared bit for bit with torch's own widening; the writer's files read back; and every
 * malformed header rejected with its file and JSON path before anything it claims is allocated.
 */
class SafetensorsFileTest {

  @TempDir Path dir;

  private Path resource(String name) throws IOException {
    Path target = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream(name)) {
      Files.copy(in, target);
    }
    return target;
  }

  @Test
  void readsTorchTensorsBitForBit() throws IOException {
    JsonObject expected;
    try (InputStream in = getClass().getResourceAsStream("expected.json")) {
      expected = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
    try (SafetensorsFile file = SafetensorsFile.open(resource("reference.safetensors"))) {
      assertEquals(
          List.of("bert.embeddings.position_ids", "bert.embeddings.word_embeddings.weight", "brain", "double", "empty", "half", "scalar"),
          List.copyOf(file.tensors().keySet()));
      assertEquals(Map.of("format", "pt", "made_by", "make_safetensors_fixtures.py"), file.metadata());
      assertEquals(DType.I64, file.tensor("bert.embeddings.position_ids").orElseThrow().dtype());
      for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
        TensorInfo info = file.tensor(e.getKey()).orElseThrow();
        long[] shape = e.getValue().getAsJsonObject().get("shape").getAsJsonArray().asList().stream().mapToLong(JsonElement::getAsLong).toArray();
        assertArrayEquals(shape, info.shape(), e.getKey());
        float[] values = file.readFloats(e.getKey());
        int[] bits = e.getValue().getAsJsonObject().get("bits").getAsJsonArray().asList().stream().mapToInt(JsonElement::getAsInt).toArray();
        assertEquals(bits.length, values.length, e.getKey());
        for (int i = 0; i < bits.length; i++) {
          assertEquals(bits[i], Float.floatToRawIntBits(values[i]), e.getKey() + "[" + i + "] = " + values[i]);
        }
      }
      IllegalArgumentException notFloat =
          assertThrows(IllegalArgumentException.class, () -> file.readFloats("bert.embeddings.position_ids"));
      assertEquals(file.file() + ": tensor bert.embeddings.position_ids is I64, not a floating-point type", notFloat.getMessage());
      assertEquals(file.file() + ": no tensor named missing",
          assertThrows(IllegalArgumentException.class, () -> file.readFloats("missing")).getMessage());
      float[] buffer = new float[25];
      file.readInto("bert.embeddings.word_embeddings.weight", buffer, 5);
      assertEquals(file.readFloats("bert.embeddings.word_embeddings.weight")[0], buffer[5]);
      assertEquals(0f, buffer[4]);
      assertThrows(IllegalArgumentException.class, () -> file.readInto("bert.embeddings.word_embeddings.weight", buffer, 6));
    }
  }

  @Test
  void halfPrecisionWidensExactlyForEveryBitPattern() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float widened = DType.halfToFloat((short) bits);
      if (Float.isNaN(widened)) {
        assertEquals(0x7C00, bits & 0x7C00, "only an all-ones exponent is NaN: " + bits);
        continue;
      }
      // Narrowing back gives the same half (Java 17 has no Float.floatToFloat16; do it by hand).
      assertEquals(bits, toHalf(widened), "half " + Integer.toHexString(bits) + " -> " + widened);
    }
  }

  private static int toHalf(float f) {
    int b = Float.floatToRawIntBits(f);
    int sign = (b >>> 16) & 0x8000;
    float abs = Math.abs(f);
    if (Float.isInfinite(abs)) {
      return sign | 0x7C00;
    }
    if (abs < 0x1p-14f) {
      return sign | Math.round(abs / 0x1p-24f);
    }
    int exponent = Math.getExponent(abs);
    int mantissa = Math.round((abs / (float) Math.scalb(1.0, exponent) - 1) * 1024);
    return sign | ((exponent + 15) << 10) | mantissa;
  }

  @Test
  void theWriterRoundTripsPadsAndIsDeterministic() throws IOException {
    float[] buffer = new float[20];
    for (int i = 0; i < buffer.length; i++) {
      buffer[i] = i * 0.25f - 1;
    }
    SafetensorsWriter writer = new SafetensorsWriter()
        .add("b.weight", buffer, 2, 3, 4)
        .add("a.bias", buffer, 14, 3)
        .add("scalar", buffer, 19)
        .add("empty", buffer, 0, 0, 5)
        .metadata("format", "pt");
    Path first = dir.resolve("first.safetensors");
    Path second = dir.resolve("second.safetensors");
    writer.write(first);
    writer.write(second);
    assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    long headerLength = ByteBuffer.wrap(Files.readAllBytes(first), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLength % 8, "the header is padded to a multiple of 8");
    try (SafetensorsFile file = SafetensorsFile.open(first)) {
      assertEquals(List.of("a.bias", "b.weight", "empty", "scalar"), List.copyOf(file.tensors().keySet()));
      assertArrayEquals(new long[] {3, 4}, file.tensor("b.weight").orElseThrow().shape());
      assertArrayEquals(java.util.Arrays.copyOfRange(buffer, 2, 14), file.readFloats("b.weight"));
      assertArrayEquals(java.util.Arrays.copyOfRange(buffer, 14, 17), file.readFloats("a.bias"));
      assertArrayEquals(new float[] {buffer[19]}, file.readFloats("scalar"));
      assertEquals(0, file.readFloats("empty").length);
      assertEquals(Map.of("format", "pt"), file.metadata());
      assertEquals(0, file.tensor("a.bias").orElseThrow().begin(), "tensors are stored in name order");
    }
    assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter().add("x", buffer, 18, 3));
    assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter().add("x", buffer, 0, 1).add("x", buffer, 0, 1));
  }

  // ---- malformed files ----

  private Path file(byte[] bytes) throws IOException {
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, bytes);
    return file;
  }

  /** A file with this header text (padded to 8) and this many data bytes. */
  private Path withHeader(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      b.put((byte) ' ');
    }
    return file(b.array());
  }

  private static String problem(Path file) {
    return assertThrows(MalformedInputFileException.class, () -> SafetensorsFile.open(file).close()).getMessage();
  }

  @Test
  void headerLengthsAreCheckedBeforeAllocating() throws IOException {
    Path tiny = file(new byte[] {1, 2, 3});
    assertEquals(tiny + ": only 3 bytes: too short for a safetensors header", problem(tiny));

    Path huge = file(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
    assertEquals(huge + ": a header of 9223372036854775807 bytes exceeds the limit of 100000000", problem(huge));
    Path negative = file(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
    assertEquals(negative + ": a header of 18446744073709551615 bytes exceeds the limit of 100000000", problem(negative));

    Path past = file(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000).array());
    assertEquals(past + ": a header of 1000 bytes runs past the end of the file (16 bytes)", problem(past));
  }

  @Test
  void theHeaderMustBeAJsonObjectInUtf8() throws IOException {
    Path array = withHeader("[1, 2]", 0);
    assertEquals(array + ": the header does not start with '{'", problem(array));
    Path utf8 = file(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(8).put(new byte[] {'{', (byte) 0xC3, '(', '}', ' ', ' ', ' ', ' '}).array());
    assertEquals(utf8 + ": the header is not valid UTF-8", problem(utf8));
    Path json = withHeader("{\"a\": ", 0);
    assertTrue(problem(json).startsWith(json + ": the header is not valid JSON: "), problem(json));
  }

  @Test
  void eachEntryIsCheckedAtItsJsonPath() throws IOException {
    Path dtype = withHeader("{\"w.x\":{\"dtype\":\"F17\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    assertEquals(dtype + ": at $[\"w.x\"].dtype: unknown type F17", problem(dtype));
    Path shape = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4);
    assertEquals(shape + ": at $[\"w\"].shape: element 0 is negative", problem(shape));
    Path fraction = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4);
    assertEquals(fraction + ": at $[\"w\"].shape: element 0 (1.5) is not an integer", problem(fraction));
    Path reversed = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4);
    assertEquals(reversed + ": at $[\"w\"].data_offsets: ends at 0 before it begins at 4", problem(reversed));
    Path missing = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4);
    assertEquals(missing + ": at $[\"w\"].data_offsets: missing or not an array", problem(missing));
    Path metadata = withHeader("{\"__metadata__\":{\"k\":1}}", 0);
    assertEquals(metadata + ": at $.__metadata__[\"k\"]: must be a string", problem(metadata));
  }

  @Test
  void byteRangesMustTileTheDataExactly() throws IOException {
    Path size = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20);
    assertEquals(size + ": at $[\"w\"].data_offsets: spans 20 bytes but shape [2, 3] of F32 needs 24", problem(size));
    Path overlap = withHeader(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
    assertEquals(overlap + ": at $[\"b\"].data_offsets: starts at byte 4 but the previous tensor ends at 8 (overlap)", problem(overlap));
    Path gap = withHeader("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]}}", 8);
    assertEquals(gap + ": at $[\"a\"].data_offsets: starts at byte 4 but the previous tensor ends at 0 (gap)", problem(gap));
    Path outside = withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    assertEquals(outside + ": the tensors cover 16 bytes of data but the file holds 8", problem(outside));
    Path trailing = withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8);
    assertEquals(trailing + ": the tensors cover 4 bytes of data but the file holds 8", problem(trailing));
    Path enormous = withHeader(
        "{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8);
    assertEquals(enormous + ": at $[\"a\"].shape: shape [4294967296, 4294967296] has too many elements", problem(enormous));
  }

  @Test
  void onlyStrictJsonWithDistinctNamesAndPlainIntegersIsAccepted() throws IOException {
    Path unquoted = withHeader("{a:{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    assertTrue(problem(unquoted).startsWith(unquoted + ": the header is not valid JSON: "), problem(unquoted));
    Path twice = withHeader(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    assertEquals(twice + ": at $[\"a\"]: the name appears twice", problem(twice));
    Path decimal = withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4.0],\"data_offsets\":[0,16]}}", 16);
    assertEquals(decimal + ": at $[\"a\"].shape: element 0 (4.0) is not an integer", problem(decimal));
    Path exponent = withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4e0]}}", 4);
    assertEquals(exponent + ": at $[\"a\"].data_offsets: element 1 (4e0) is not an integer", problem(exponent));
  }
}
