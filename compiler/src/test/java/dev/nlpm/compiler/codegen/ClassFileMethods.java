package dev.nlpm.compiler.codegen;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads just enough of a class file (JVMS chapter 4) to tell the bytecode length of each
 * method's {@code Code} attribute.
 */
public final class ClassFileMethods {

  private ClassFileMethods() {}

  /** Bytecode length of every method with code, by {@code name + descriptor}. */
  public static Map<String, Integer> codeLengths(byte[] classFile) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file");
      }
      in.readUnsignedShort(); // minor
      in.readUnsignedShort(); // major
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
          case 5, 6 -> {
            in.skipNBytes(8);
            i++; // a long or double takes two entries
          }
          case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
          case 15 -> in.skipNBytes(3);
          default -> throw new IllegalArgumentException("constant pool tag " + tag + " at entry " + i);
        }
      }
      in.skipNBytes(6); // access flags, this class, super class
      in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
      int fields = in.readUnsignedShort();
      for (int f = 0; f < fields; f++) {
        in.skipNBytes(6);
        skipAttributes(in);
      }
      Map<String, Integer> lengths = new LinkedHashMap<>();
      int methods = in.readUnsignedShort();
      for (int m = 0; m < methods; m++) {
        in.skipNBytes(2);
        String name = utf8[in.readUnsignedShort()] + utf8[in.readUnsignedShort()];
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
          String attribute = utf8[in.readUnsignedShort()];
          int length = in.readInt();
          if (attribute.equals("Code")) {
            in.skipNBytes(4); // max_stack, max_locals
            int code = in.readInt();
            lengths.put(name, code);
            in.skipNBytes(length - 8L);
          } else {
            in.skipNBytes(length);
          }
        }
      }
      return lengths;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated class file", e);
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.skipNBytes(2);
      in.skipNBytes(in.readInt());
    }
  }
}
