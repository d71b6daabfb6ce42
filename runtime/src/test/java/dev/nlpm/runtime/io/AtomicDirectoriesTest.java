package dev.nlpm.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory replaced whole, or not at all. */
class AtomicDirectoriesTest {

  @TempDir Path dir;

  private List<String> entries() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replacesTheDirectoryAndLeavesNothingBehind() throws IOException {
    Path checkpoint = dir.resolve("step-100");
    AtomicDirectories.write(checkpoint, d -> {
      Files.writeString(d.resolve("model.safetensors"), "one");
      Files.createDirectories(d.resolve("sub"));
      Files.writeString(d.resolve("sub/state.json"), "{}");
    });
    AtomicDirectories.write(checkpoint, d -> Files.writeString(d.resolve("model.safetensors"), "two"));
    assertEquals("two", Files.readString(checkpoint.resolve("model.safetensors")));
    assertFalse(Files.exists(checkpoint.resolve("sub")), "the old directory's files are gone");
    assertEquals(List.of("step-100"), entries(), "no temporary or old directory is left");
  }

  @Test
  void aFailureWhileWritingLeavesTheOldDirectoryWhole() throws IOException {
    Path checkpoint = dir.resolve("ckpt");
    AtomicDirectories.write(checkpoint, d -> Files.writeString(d.resolve("model.safetensors"), "good"));
    IOException failure = assertThrows(IOException.class, () -> AtomicDirectories.write(checkpoint, d -> {
      Files.writeString(d.resolve("model.safetensors"), "half");
      throw new IOException("disk full");
    }));
    assertEquals("disk full", failure.getMessage());
    assertEquals("good", Files.readString(checkpoint.resolve("model.safetensors")));
    assertEquals(List.of("ckpt"), entries());
  }

  @Test
  void recoverPutsBackADirectoryACrashLeftAside() throws IOException {
    Path checkpoint = dir.resolve("ckpt");
    Path old = dir.resolve(".ckpt.nlpm-old");
    Files.createDirectories(old);
    Files.writeString(old.resolve("model.safetensors"), "previous");
    assertEquals(old, AtomicDirectories.readable(checkpoint), "a reader finds the old one without moving it");
    assertTrue(Files.exists(old));
    AtomicDirectories.recover(checkpoint);
    assertEquals("previous", Files.readString(checkpoint.resolve("model.safetensors")));
    assertFalse(Files.exists(old));

    Files.createDirectories(old);
    AtomicDirectories.recover(checkpoint);
    assertFalse(Files.exists(old), "a leftover copy beside a whole directory is removed");
    assertTrue(Files.exists(checkpoint.resolve("model.safetensors")));
  }

  @Test
  void aUsersOwnBackupBesideTheCheckpointIsLeftAlone() throws IOException {
    Path backup = dir.resolve("ckpt.old");
    Files.createDirectories(backup);
    Files.writeString(backup.resolve("mine.txt"), "keep");
    AtomicDirectories.write(dir.resolve("ckpt"), d -> Files.writeString(d.resolve("a"), "1"));
    AtomicDirectories.write(dir.resolve("ckpt"), d -> Files.writeString(d.resolve("a"), "2"));
    assertEquals("keep", Files.readString(backup.resolve("mine.txt")));
  }

  @Test
  void theNewDirectoryHasDefaultPermissionsNotOwnerOnly() throws IOException {
    Path checkpoint = dir.resolve("perm");
    AtomicDirectories.write(checkpoint, d -> Files.writeString(d.resolve("a"), "1"));
    Path plain = dir.resolve("plain");
    Files.createDirectory(plain);
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(checkpoint));
    }
  }
}
