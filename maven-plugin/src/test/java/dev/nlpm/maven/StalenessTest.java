package dev.nlpm.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's code identity, which makes a rebuilt compiler regenerate even at the same version. */
class StalenessTest {

  @TempDir Path dir;

  /** A reactor build loads the compiler from a classes folder: a class recompiled deep inside it counts. */
  @Test
  void aClassRecompiledInsideAClassesFolderChangesTheIdentity() throws IOException {
    Path classes = dir.resolve("classes");
    Path nested = Files.createDirectories(classes.resolve("dev/nlpm/compiler/codegen"));
    Path writer = Files.writeString(nested.resolve("PassesWriter.class"), "old");
    Files.setLastModifiedTime(writer, FileTime.fromMillis(1_000_000L));
    String before = Staleness.codeIdentity(classes);
    assertEquals(before, Staleness.codeIdentity(classes), "the same folder, the same identity");
    FileTime folderTime = Files.getLastModifiedTime(classes);
    Files.writeString(writer, "new");
    Files.setLastModifiedTime(writer, FileTime.fromMillis(2_000_000L));
    assertEquals(folderTime, Files.getLastModifiedTime(classes), "the folder's own time does not move");
    assertNotEquals(before, Staleness.codeIdentity(classes));
  }

  @Test
  void aJarIsKnownByItsSizeAndTime() throws IOException {
    Path jar = Files.writeString(dir.resolve("nlpm-compiler.jar"), "jar");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000L));
    String before = Staleness.codeIdentity(jar);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(2_000_000L));
    assertNotEquals(before, Staleness.codeIdentity(jar));
  }
}
