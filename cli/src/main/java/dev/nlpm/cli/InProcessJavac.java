package dev.nlpm.cli;

import dev.nlpm.compiler.codegen.GeneratedFile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
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
 * Compiles generated sources in memory with the JDK's compiler, against this process's class path
 * (which holds the runtime), and loads them: how {@code nlpm train} runs a model's generated code
 * without Maven.
 */
final class InProcessJavac {

  private InProcessJavac() {}

  /** Compiles {@code files} and returns a loader for their classes. */
  static ClassLoader compile(List<GeneratedFile> files) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new UserError("training compiles the model's generated code, which needs a JDK, not a JRE");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ByteArrayOutputStream> classes = new LinkedHashMap<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
    JavaFileManager manager =
        new ForwardingJavaFileManager<>(standard) {
          @Override
          public JavaFileObject getJavaFileForOutput(
              Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
              @Override
              public OutputStream openOutputStream() {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                classes.put(className, bytes);
                return bytes;
              }
            };
          }
        };
    List<JavaFileObject> sources = new ArrayList<>();
    for (GeneratedFile file : files) {
      sources.add(
          new SimpleJavaFileObject(
              URI.create("mem:///" + file.qualifiedName().replace('.', '/') + JavaFileObject.Kind.SOURCE.extension),
              JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return file.source();
            }
          });
    }
    String classPath = System.getProperty("java.class.path", "");
    List<String> options = List.of("-proc:none", "-classpath", classPath.isEmpty() ? "." : classPath);
    boolean ok = javac.getTask(null, manager, diagnostics, options, null, sources).call();
    if (!ok) {
      throw new IllegalStateException(
          "the generated code did not compile (a bug in nlpm):\n"
              + diagnostics.getDiagnostics().stream()
                  .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                  .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                  .collect(Collectors.joining("\n")));
    }
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    classes.forEach((name, out) -> bytes.put(name, out.toByteArray()));
    return new ClassLoader(InProcessJavac.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = bytes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
  }
}
