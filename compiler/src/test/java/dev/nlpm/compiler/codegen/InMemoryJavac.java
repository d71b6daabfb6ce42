package dev.nlpm.compiler.codegen;

import dev.nlpm.runtime.layout.ParameterLayout;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources in memory against the runtime's classes, with every lint warning
 * an error, and loads the result. Public for the codegen tests, which reach it through this
 * module's test jar.
 */
public final class InMemoryJavac {

  private InMemoryJavac() {}

  /** The class files of a compilation, by binary class name, and a loader for them. */
  public record Compiled(Map<String, byte[]> classFiles) {

    public ClassLoader loader() {
      return new ClassLoader(InMemoryJavac.class.getClassLoader()) {
        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
          byte[] bytes = classFiles.get(name);
          if (bytes == null) {
            throw new ClassNotFoundException(name);
          }
          return defineClass(name, bytes, 0, bytes.length);
        }
      };
    }
  }

  /** Compiles the files with {@code -Xlint:all -Werror}; fails with javac's messages otherwise. */
  public static Compiled compile(List<GeneratedFile> files) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
    Map<String, byte[]> classFiles = new LinkedHashMap<>();
    JavaFileManager manager =
        new ForwardingJavaFileManager<>(standard) {
          @Override
          public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
              @Override
              public OutputStream openOutputStream() {
                return new ByteArrayOutputStream() {
                  @Override
                  public void close() {
                    classFiles.put(className, toByteArray());
                  }
                };
              }
            };
          }
        };
    List<JavaFileObject> sources = new ArrayList<>();
    for (GeneratedFile file : files) {
      sources.add(
          new SimpleJavaFileObject(URI.create("mem:///" + file.qualifiedName().replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return file.source();
            }
          });
    }
    List<String> options = List.of("-Xlint:all", "-Werror", "-proc:none", "--release", "17", "-classpath", runtimeClasses());
    boolean ok = javac.getTask(null, manager, diagnostics, options, null, sources).call();
    List<Diagnostic<? extends JavaFileObject>> reported = diagnostics.getDiagnostics();
    if (!ok || !reported.isEmpty()) {
      throw new AssertionError(
          "javac reported:\n" + reported.stream().map(d -> d.getKind() + " " + d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n")));
    }
    return new Compiled(classFiles);
  }

  private static String runtimeClasses() {
    try {
      return Path.of(ParameterLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
