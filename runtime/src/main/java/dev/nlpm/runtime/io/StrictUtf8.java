package dev.nlpm.runtime.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** UTF-8 decoding that rejects invalid input instead of replacing it, naming the line at fault. */
public final class StrictUtf8 {

  private StrictUtf8() {}

  /** A decoder that reports malformed input rather than substituting U+FFFD. */
  public static CharsetDecoder newDecoder() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /**
   * The text of a whole file's bytes.
   *
   * @throws MalformedInputFileException at the 1-based line holding the first invalid byte
   */
  public static String decode(Path file, byte[] bytes) throws MalformedInputFileException {
    try {
      return newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      newDecoder().decode(in, CharBuffer.allocate(Math.max(16, bytes.length)), true);
      int lines = 1;
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          lines++;
        }
      }
      throw MalformedInputFileException.atLine(
          file, lines, "invalid UTF-8 (byte 0x" + Integer.toHexString(bytes[in.position()] & 0xff)
              + " at byte offset " + in.position() + ")", e);
    }
  }
}
