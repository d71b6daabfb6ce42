package dev.nlpm.runtime.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a UTF-8 text file line by line without loading it whole: memory holds one block and the
 * longest line. Lines are split on {@code \n}; a trailing {@code \r} is dropped, a byte-order mark
 * at the start is skipped, a missing final newline is fine. Each line is decoded strictly, so
 * invalid UTF-8 is reported at its line rather than replaced.
 */
public final class Utf8Lines {

  private static final int BLOCK = 1 << 16;

  /** Receives each line, blank ones included, with its 1-based number. */
  @FunctionalInterface
  public interface LineConsumer {
    void accept(int line, String text) throws IOException;
  }

  /** Told the bytes of the file read so far, after each block. */
  @FunctionalInterface
  public interface BytesRead {
    void bytesRead(long bytes);
  }

  private Utf8Lines() {}

  /** Reads every line of {@code file}. */
  public static void read(Path file, LineConsumer consumer) throws IOException {
    read(file, consumer, bytes -> {});
  }

  /**
   * Reads every line of {@code file}, telling {@code progress} how many bytes were read after
   * each 64 KiB block.
   *
   * @throws MalformedInputFileException at the line of the first invalid UTF-8; the lines before
   *     it have been handed over
   */
  public static void read(Path file, LineConsumer consumer, BytesRead progress) throws IOException {
    CharsetDecoder decoder = StrictUtf8.newDecoder();
    byte[] block = new byte[BLOCK];
    byte[] line = new byte[256];
    int lineLength = 0;
    int lineNumber = 1;
    CharBuffer chars = CharBuffer.allocate(256);
    long done = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int read;
      while ((read = in.read(block)) > 0) {
        int from = 0;
        for (int i = 0; i < read; i++) {
          if (block[i] == '\n') {
            line = append(line, lineLength, block, from, i - from);
            lineLength += i - from;
            chars = decodeLine(file, lineNumber, line, lineLength, decoder, chars);
            consumer.accept(lineNumber, chars.toString());
            lineNumber++;
            lineLength = 0;
            from = i + 1;
          }
        }
        line = append(line, lineLength, block, from, read - from);
        lineLength += read - from;
        done += read;
        progress.bytesRead(done);
      }
    }
    if (lineLength > 0) {
      chars = decodeLine(file, lineNumber, line, lineLength, decoder, chars);
      consumer.accept(lineNumber, chars.toString());
    }
  }

  private static byte[] append(byte[] line, int length, byte[] src, int from, int count) {
    byte[] target = line;
    if (length + count > target.length) {
      target = Arrays.copyOf(line, Math.max(length + count, line.length * 2));
    }
    System.arraycopy(src, from, target, length, count);
    return target;
  }

  /** Decodes one line into a char buffer positioned at its text (the maybe grown buffer). */
  private static CharBuffer decodeLine(
      Path file, int lineNumber, byte[] bytes, int length, CharsetDecoder decoder, CharBuffer chars)
      throws MalformedInputFileException {
    int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
    // UTF-8 never takes fewer bytes than UTF-16 chars, so this buffer cannot overflow.
    CharBuffer out =
        chars.capacity() >= end ? chars : CharBuffer.allocate(Math.max(end, 2 * chars.capacity()));
    out.clear();
    decoder.reset();
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, end);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw MalformedInputFileException.atLine(
          file,
          lineNumber,
          "invalid UTF-8 (byte 0x" + Integer.toHexString(bytes[in.position()] & 0xff)
              + " at byte " + (in.position() + 1) + " of the line)");
    }
    out.flip();
    if (lineNumber == 1 && out.hasRemaining() && out.get(0) == '\uFEFF') {
      out.position(1);
    }
    return out;
  }
}
