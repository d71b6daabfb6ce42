package dev.nlpm.dsl;

import dev.nlpm.compiler.codegen.GeneratedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Writes generated sources under a source root, one folder a package. A file whose content is
 * already there is left alone (so a second run changes nothing, and build tools see no change);
 * others are written atomically, through a temporary file and a rename.
 */
public final class GeneratedSources {

  private GeneratedSources() {}

  /** @return how many files were written (the rest were already up to date) */
  public static int write(Path root, List<GeneratedFile> files) throws IOException {
    int written = 0;
    for (GeneratedFile file : files) {
      if (write(root.resolve(pathOf(file)), file.source())) {
        written++;
      }
    }
    return written;
  }

  /** {@code a/b/C.java} for {@code a.b.C}. */
  public static Path pathOf(GeneratedFile file) {
    String[] parts = file.qualifiedName().split("\\.");
    Path path = Path.of("");
    for (String part : Arrays.copyOf(parts, parts.length - 1)) {
      path = path.resolve(part);
    }
    return path.resolve(parts[parts.length - 1] + ".java");
  }

  private static boolean write(Path target, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
      return false;
    }
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path temporary = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName().toString(), ".tmp");
    try {
      Files.write(temporary, bytes);
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    return true;
  }
}
