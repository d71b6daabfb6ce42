package dev.nlpm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code .nlpm} files named on the command line: files as given, directories searched
 * recursively, in sorted order so that every run sees the same order.
 *
 * @param files the files, sorted
 * @param baseDir the directory source names are relative to: the directory argument when there
 *     is exactly one, otherwise the deepest directory holding every file
 */
record SourceFiles(List<Path> files, Path baseDir) {

  static SourceFiles collect(List<Path> arguments) {
    List<Path> files = new ArrayList<>();
    for (Path argument : arguments) {
      if (Files.isDirectory(argument)) {
        try (Stream<Path> walk = Files.walk(argument)) {
          walk.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".nlpm"))
              .sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (Files.isRegularFile(argument)) {
        files.add(argument);
      } else {
        throw new UserError("no such file or directory: " + argument);
      }
    }
    if (files.isEmpty()) {
      throw new UserError("no .nlpm files in " + arguments);
    }
    List<Path> absolute = files.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    Path base =
        arguments.size() == 1 && Files.isDirectory(arguments.get(0))
            ? arguments.get(0).toAbsolutePath().normalize()
            : commonParent(absolute);
    return new SourceFiles(absolute, base);
  }

  /** The deepest directory that holds every file. */
  private static Path commonParent(List<Path> files) {
    Path common = files.get(0).getParent();
    for (Path file : files) {
      while (!file.startsWith(common)) {
        common = common.getParent();
      }
    }
    return common;
  }
}
