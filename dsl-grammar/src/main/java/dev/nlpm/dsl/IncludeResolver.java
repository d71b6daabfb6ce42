package dev.nlpm.dsl;

import java.util.Optional;

/** Finds the file an {@code include} names, so that parsing never touches a file system itself. */
@FunctionalInterface
public interface IncludeResolver {

  /**
   * @param includingSource the source name of the file that has the include
   * @param path the string written in the include
   * @return the included file's source name and text, or empty when there is no such file
   * @throws java.io.UncheckedIOException when the file exists but cannot be read
   */
  Optional<Source> resolve(String includingSource, String path);

  /** Where the lookup looked, for the "not found" message. */
  default String describeLookup(String includingSource, String path) {
    return "\"" + path + "\" relative to " + includingSource;
  }

  /** A source: its name and its text. */
  record Source(String name, String text) {}

  /** A resolver for text that may not include anything. */
  static IncludeResolver none() {
    return (including, path) -> Optional.empty();
  }
}
