package dev.nlpm.compiler.codegen;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
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
 * Compiles generated sources in memory with the JDK's compiler and loads the classes: how the
 * command line runs a model's generated code without Maven, and how the tests compile what the
 * writers produce.
 */
public final class GeneratedCodeCompiler {

  private GeneratedCodeCompiler() {}

  /** The class files of a compilation, by binary class name. */
  public record Compiled(Map<String, byte[]> classFiles) {

    public Compiled {
      classFiles = Collections.unmodifiableMap(new LinkedHashMap<>(classFiles));
    }

    /** A loader for these classes, delegating everything else to {@code parent}. */
    public ClassLoader loader(ClassLoader parent) {
      return new ClassLoader(parent) {
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

  /** Whether this JVM has a compiler (a JDK, not a JRE). */
  public static boolean available() {
    return ToolProvider.getSystemJavaCompiler() != null;
  }

  /**
   * Compiles {@code files} with javac's {@code options} (a class path, lint flags).
   *
   * @throws IllegalStateException with javac's messages, if it reports an error, or any
   *     diagnostic at all when {@code options} hold {@code -Werror}
   */
  public static Compiled compile(List<GeneratedFile> files, List<String> options) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler in this JVM: run it from a JDK");
    }
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
    boolean ok = javac.getTask(null, manager, diagnostics, options, null, sources).call();
    List<Diagnostic<? extends JavaFileObject>> reported = diagnostics.getDiagnostics();
    boolean strict = options.contains("-Werror");
    if (!ok || (strict && !reported.isEmpty())) {
      throw new IllegalStateException(
          "javac reported:\n"
              + reported.stream()
                  .map(d -> d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName()) + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                  .collect(Collectors.joining("\n")));
    }
    return new Compiled(classFiles);
  }
}
