package dev.nlpm.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The arguments every compiling command takes: the {@code .nlpm} files, and {@code --debug}. */
final class ModelFiles {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = ".nlpm files or directories (searched recursively)")
  List<Path> files;

  @Option(names = "--debug", description = "Print stack traces of internal errors.")
  boolean debug;
}
