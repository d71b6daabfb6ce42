package dev.nlpm.compiler.codegen;

import dev.nlpm.runtime.parameters.ParameterLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Compiles generated sources in memory against the runtime's classes, with every lint warning
 * an error ({@link GeneratedCodeCompiler} with the tests' options). Public for the codegen tests,
 * which reach it through this module's test jar.
 */
public final class InMemoryJavac {

  private InMemoryJavac() {}

  /** The class files of a compilation, by binary class name, and a loader for them. */
  public record Compiled(Map<String, byte[]> classFiles) {

    public ClassLoader loader() {
      return new GeneratedCodeCompiler.Compiled(classFiles).loader(InMemoryJavac.class.getClassLoader());
    }
  }

  /** Compiles the files with {@code -Xlint:all -Werror}; fails with javac's messages otherwise. */
  public static Compiled compile(List<GeneratedFile> files) {
    List<String> options = List.of("-Xlint:all", "-Werror", "-proc:none", "--release", "17", "-classpath", runtimeClasses());
    try {
      return new Compiled(GeneratedCodeCompiler.compile(files, options).classFiles());
    } catch (IllegalStateException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static String runtimeClasses() {
    try {
      return Path.of(ParameterLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
