package dev.nlpm.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void replacesTheTargetWithTheNewContent() throws IOException {
    Path target = dir.resolve("a.txt");
    Files.writeString(target, "old");
    AtomicFiles.writeString(target, "new");
    assertEquals("new", Files.readString(target));
  }

  @Test
  void aFailureWhileWritingLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = dir.resolve("a.txt");
    Files.writeString(target, "old");
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write(new byte[] {1, 2, 3});
                      throw new IOException("disk full");
                    }));
    assertEquals("disk full", thrown.getMessage());
    assertEquals("old", Files.readString(target));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void createsMissingDirectories() throws IOException {
    Path target = dir.resolve("x/y/z.bin");
    AtomicFiles.write(target, out -> out.write(new byte[] {7, 8}));
    assertArrayEquals(new byte[] {7, 8}, Files.readAllBytes(target));
  }
}
