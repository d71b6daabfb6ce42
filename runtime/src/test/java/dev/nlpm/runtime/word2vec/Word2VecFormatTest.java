package dev.nlpm.runtime.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.io.MalformedInputFileException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Word2VecFormatTest {

  @TempDir Path dir;

  private static final WordVectors SAMPLE = WordVectors.of(
      List.of("café", "日本語", "the"),
      new float[] {0.5f, -0.25f, 1f, 0.1f, 123.456f, -7e-5f, 0f, -0f, 3.4e38f},
      3);

  static Path resource(String name) {
    try {
      return Path.of(Word2VecFormatTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void writesTheTextFormatAsWord2vecC() throws IOException {
    WordVectors small = WordVectors.of(
        List.of("café", "x"), new float[] {0.5f, -0.25f, 0.0078125f, -1e-9f}, 2);
    Path file = dir.resolve("small.txt");
    Word2VecFormat.writeText(small, file);
    assertEquals("2 2\ncafé 0.500000 -0.250000 \nx 0.007812 -0.000000 \n",
        Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void writesTheBinaryFormatAsWord2vecC() throws IOException {
    WordVectors small = WordVectors.of(List.of("日本"), new float[] {1.5f, -2f}, 2);
    Path file = dir.resolve("small.bin");
    Word2VecFormat.writeBinary(small, file);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes("1 2\n日本 ".getBytes(StandardCharsets.UTF_8));
    expected.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putFloat(1.5f).putFloat(-2f).array());
    expected.write('\n');
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
  }

  @Test
  void binaryRoundTripIsExact() throws IOException {
    Path file = dir.resolve("v.bin");
    Word2VecFormat.write(SAMPLE, file, true);
    WordVectors back = Word2VecFormat.read(file, true);
    assertEquals(SAMPLE.words(), back.words());
    for (String word : SAMPLE.words()) {
      assertArrayEquals(SAMPLE.vector(word), back.vector(word), word);
    }
  }

  @Test
  void textRoundTripKeepsSixDecimals() throws IOException {
    Path file = dir.resolve("v.txt");
    Word2VecFormat.write(SAMPLE, file, false);
    WordVectors back = Word2VecFormat.read(file, false);
    assertEquals(SAMPLE.words(), back.words());
    assertArrayEquals(new float[] {0.5f, -0.25f, 1f}, back.vector("café"));
    assertArrayEquals(new float[] {0.1f, 123.456f, -7e-5f}, back.vector("日本語"));
    float[] the = back.vector("the");
    assertEquals(0f, the[0]);
    assertEquals(3.4e38f, the[2], 3.4e38f * 1e-6f);
  }

  @Test
  void fixedSixDecimalsMatchTheExactValueRoundedHalfEven() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      float value = Float.intBitsToFloat(random.nextInt());
      if (Float.isNaN(value) || Float.isInfinite(value)) {
        continue;
      }
      StringBuilder out = new StringBuilder();
      Word2VecFormat.appendFixed6(out, value);
      String exact = new BigDecimal(Math.abs((double) value))
          .setScale(6, RoundingMode.HALF_EVEN).toPlainString();
      assertEquals((value < 0 || Float.floatToRawIntBits(value) < 0 ? "-" : "") + exact,
          out.toString(), () -> "value " + value);
    }
    assertEquals("0.023438", fixed6(0.0234375f)); // a tie: 3/128 rounds to the even digit 8
    assertEquals("0.007812", fixed6(0.0078125f)); // a tie: 1/128 rounds to the even digit 2
    assertEquals("-0.000000", fixed6(-0f));
    assertEquals("nan", fixed6(Float.NaN));
    assertEquals("-inf", fixed6(Float.NEGATIVE_INFINITY));
    assertEquals("16777216.000000", fixed6(16777216f));
  }

  private static String fixed6(float value) {
    StringBuilder out = new StringBuilder();
    Word2VecFormat.appendFixed6(out, value);
    return out.toString();
  }

  private static void assertGensimFixture(WordVectors vectors) {
    assertEquals(List.of("the", "café", "日本", "king", "x"), vectors.words());
    assertEquals(4, vectors.dimension());
    assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f, 1f}, vectors.vector("the"));
    assertArrayEquals(new float[] {-0.0078125f, 1e-7f, 123.456f, -0f}, vectors.vector("café"));
    assertArrayEquals(new float[] {3.4e38f, -1.5e-40f, 2.5f, -7f}, vectors.vector("日本"));
    assertArrayEquals(new float[] {1, 2, 3, 4}, vectors.vector("x"));
  }

  @Test
  void readsTheTextFileGensimWrote() throws IOException {
    assertGensimFixture(Word2VecFormat.readText(resource("gensim-vectors.txt")));
  }

  /** gensim 4 writes no newline after a vector; word2vec.c does. Both must read. */
  @Test
  void readsTheBinaryFileGensimWrote() throws IOException {
    Path file = resource("gensim-vectors.bin");
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(4 + 5 * 17 + "the".length() + "café".getBytes(StandardCharsets.UTF_8).length
        + "日本".getBytes(StandardCharsets.UTF_8).length + "king".length() + "x".length(),
        bytes.length, "gensim's file has no newlines after the vectors");
    assertGensimFixture(Word2VecFormat.readBinary(file));
  }

  @Test
  void gensimFilesSurviveOurRoundTrip() throws IOException {
    WordVectors gensim = Word2VecFormat.readBinary(resource("gensim-vectors.bin"));
    Path file = dir.resolve("again.bin");
    Word2VecFormat.writeBinary(gensim, file);
    assertGensimFixture(Word2VecFormat.readBinary(file));
  }

  /**
   * Files the original C tool wrote (make_word2vec_c_fixtures.sh: word2vec.c on a small corpus,
   * once with -binary 1 and once with -binary 0): both read, to the same words in the same order,
   * the text's six decimals agreeing with the binary's floats.
   */
  @Test
  void readsTheCToolsBinaryAndTextFiles() throws IOException {
    WordVectors binary = Word2VecFormat.readBinary(resource("c-tool-vectors.bin"));
    WordVectors text = Word2VecFormat.readText(resource("c-tool-vectors.txt"));
    assertEquals(15, binary.size());
    assertEquals(6, binary.dimension());
    assertEquals("</s>", binary.word(0));
    assertTrue(binary.contains("café"), "UTF-8 words survive: " + binary.words());
    assertEquals(binary.words(), text.words());
    for (int i = 0; i < binary.size(); i++) {
      float[] b = binary.vector(i);
      float[] t = text.vector(i);
      for (int d = 0; d < 6; d++) {
        assertEquals(b[d], t[d], 5e-7 + 1e-6 * Math.abs(b[d]), binary.word(i) + "[" + d + "]");
      }
    }
    // And what nlpm writes, the C tool's layout: read back to the same bits.
    Path again = dir.resolve("c-again.bin");
    Word2VecFormat.writeBinary(binary, again);
    WordVectors back = Word2VecFormat.readBinary(again);
    for (int i = 0; i < binary.size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(binary.vector(i), back.vector(i));
    }
  }

  // ---- malformed text ----

  private MalformedInputFileException textFault(String content) throws IOException {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return assertThrows(MalformedInputFileException.class, () -> Word2VecFormat.readText(file));
  }

  @Test
  void textFaultsNameTheLine() throws IOException {
    MalformedInputFileException e = textFault("2\na 1 2\nb 3 4\n");
    assertEquals(1, e.line().getAsInt());
    assertTrue(e.problem().contains("<count> <dimension>"), e.getMessage());

    e = textFault("2 x\na 1 2\nb 3 4\n");
    assertEquals(1, e.line().getAsInt());

    e = textFault("2 2\na 1 2\nb 3 4 5\n");
    assertEquals(3, e.line().getAsInt());
    assertTrue(e.problem().contains("\"b\" has 3 values"), e.getMessage());

    e = textFault("2 2\na 1 2\nb 3 4f\n");
    assertEquals(3, e.line().getAsInt());
    assertTrue(e.problem().contains("value 2 of \"b\" is not a number: \"4f\""), e.getMessage());

    e = textFault("3 2\na 1 2\nb 3 4\na 5 6\n");
    assertEquals(4, e.line().getAsInt());
    assertTrue(e.problem().contains("duplicate word \"a\""), e.getMessage());

    e = textFault("3 2\na 1 2\nb 3 4\n");
    assertEquals(4, e.line().getAsInt());
    assertTrue(e.problem().contains("announces 3 words, found 2"), e.getMessage());

    e = textFault("1 2\na 1 2\nb 3 4\n");
    assertEquals(3, e.line().getAsInt());
    assertTrue(e.getMessage().startsWith(dir.resolve("bad.txt") + ":3: "), e.getMessage());

    e = textFault("1000000 300\na 1 2\n");
    assertEquals(1, e.line().getAsInt());
    assertTrue(e.problem().contains("the file has"), e.getMessage());
  }

  @Test
  void textAcceptsGensimReprsTrailingSpacesAndCrLf() throws IOException {
    Path file = dir.resolve("ok.txt");
    Files.writeString(file, "2 3\r\na 1e-07 -0.0 nan \r\nb 3.4e+38 .5 -inf\n\n");
    WordVectors vectors = Word2VecFormat.readText(file);
    float[] a = vectors.vector("a");
    assertEquals(1e-7f, a[0]);
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(a[1]));
    assertTrue(Float.isNaN(a[2]));
    assertArrayEquals(new float[] {3.4e38f, 0.5f, Float.NEGATIVE_INFINITY}, vectors.vector("b"));
  }

  // ---- malformed binary ----

  private static byte[] entry(String word, float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putFloat(value);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((word + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(buffer.array());
    return out.toByteArray();
  }

  private MalformedInputFileException binaryFault(byte[]... parts) throws IOException {
    Path file = dir.resolve("bad.bin");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    Files.write(file, out.toByteArray());
    return assertThrows(MalformedInputFileException.class, () -> Word2VecFormat.readBinary(file));
  }

  @Test
  void binaryFaultsNameTheEntryAndOffset() throws IOException {
    byte[] header = "2 2\n".getBytes(StandardCharsets.US_ASCII);
    byte[] first = entry("ab", 1, 2);
    byte[] second = entry("cd", 3, 4);
    byte[] truncated = java.util.Arrays.copyOf(second, second.length - 3);
    MalformedInputFileException e = binaryFault(header, first, new byte[] {'\n'}, truncated);
    assertEquals("entry 2 of 2 at byte offset " + (header.length + first.length + 1)
        + ": the file ends inside the vector of \"cd\" (5 of 8 bytes)", e.problem());

    e = binaryFault(header, first, entry("ab", 3, 4));
    assertEquals("entry 2 of 2 at byte offset " + (header.length + first.length)
        + ": duplicate word \"ab\"", e.problem());

    e = binaryFault("2 2 2\n".getBytes(StandardCharsets.US_ASCII), first, second);
    assertEquals(1, e.line().getAsInt());

    e = binaryFault("3 2\n".getBytes(StandardCharsets.US_ASCII), first, second);
    assertEquals(1, e.line().getAsInt());
    assertTrue(e.problem().contains("announces 3 words"), e.getMessage());

    e = binaryFault("1 2\n".getBytes(StandardCharsets.US_ASCII), first, second);
    assertTrue(e.problem().contains("after the 1 entries"), e.getMessage());

    e = binaryFault(header, first, new byte[] {(byte) 0xff, ' ', 0, 0, 0, 0, 0, 0, 0, 0});
    assertTrue(e.problem().startsWith("entry 2 of 2 at byte offset " + (header.length
        + first.length) + ": the word is not valid UTF-8"), e.getMessage());
  }

  @Test
  void aRejectedWriteLeavesTheOldFile() throws IOException {
    Path file = dir.resolve("keep.txt");
    Word2VecFormat.writeText(SAMPLE, file);
    byte[] before = Files.readAllBytes(file);
    WordVectors spaced = WordVectors.of(List.of("new york"), new float[] {1}, 1);
    assertThrows(IllegalArgumentException.class, () -> Word2VecFormat.writeText(spaced, file));
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
  }
}
