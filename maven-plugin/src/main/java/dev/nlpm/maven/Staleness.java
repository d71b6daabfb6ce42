package dev.nlpm.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Decides whether the last generation is still current: a fingerprint of every input (the
 * files' names and contents, the settings, the plugin's own version) is stored after a
 * successful run and compared before the next. Contents, not timestamps, so that a checkout
 * that touches files without changing them does not trigger work.
 */
final class Staleness {

  private final Path stateFile;

  Staleness(Path stateFile) {
    this.stateFile = stateFile;
  }

  static String fingerprint(List<Path> files, Path root, Path output, String packageName) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    update(digest, "package " + packageName + " output " + output.toAbsolutePath());
    // The generator's own code: a rebuilt plugin or compiler regenerates even at the same version.
    for (Class<?> code : List.of(Staleness.class, dev.nlpm.compiler.NlpmCompiler.class, dev.nlpm.dsl.NlpmFrontEnd.class)) {
      update(digest, codeIdentity(code));
    }
    for (Path file : files) {
      update(digest, root.relativize(file).toString());
      digest.update(Files.readAllBytes(file));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Where a class was loaded from, with that jar's size and time, or, for a classes folder (a
   * reactor build), the number of files under it and the newest one's time: a folder's own time
   * changes only when an entry directly in it is added or removed, not when a class is recompiled.
   */
  private static String codeIdentity(Class<?> code) {
    try {
      return codeIdentity(Path.of(code.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (Exception e) {
      return code.getName() + " (location unknown)";
    }
  }

  /** A jar's or a classes folder's identity; see {@link #codeIdentity(Class)}. */
  static String codeIdentity(Path location) throws IOException {
    if (!Files.isDirectory(location)) {
      return location + " " + Files.size(location) + " " + Files.getLastModifiedTime(location).toMillis();
    }
    long files = 0;
    long newest = 0;
    try (Stream<Path> walk = Files.walk(location)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files++;
        newest = Math.max(newest, Files.getLastModifiedTime(file).toMillis());
      }
    }
    return location + " " + files + " files, newest " + newest;
  }

  private static void update(MessageDigest digest, String text) {
    digest.update(text.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }

  /** Whether the last successful run had this fingerprint and its output folder still exists. */
  boolean upToDate(String fingerprint, Path output) throws IOException {
    return Files.isDirectory(output)
        && Files.isRegularFile(stateFile)
        && Files.readString(stateFile).equals(fingerprint);
  }

  void record(String fingerprint) throws IOException {
    Files.createDirectories(stateFile.getParent());
    Files.writeString(stateFile, fingerprint);
  }
}
