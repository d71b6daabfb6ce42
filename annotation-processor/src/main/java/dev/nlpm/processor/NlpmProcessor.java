package dev.nlpm.processor;

import com.google.auto.service.AutoService;
import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.codegen.GeneratedFile;
import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.DiagnosticPrinter;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.source.ElementOrigin;
import dev.nlpm.compiler.source.Origin;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.dsl.ParsedProgram;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic.Kind;
import javax.tools.JavaFileObject;

/**
 * The nlpm annotation processor: reads interfaces annotated {@code @Model}, and the {@code .nlpm}
 * files that {@code @NlpmFiles} or the {@code nlpm.files} option name, into one declaration set;
 * hands it to the compiler; reports every diagnostic on the element, annotation and value that
 * caused it; and writes the generated sources with their originating elements. An unexpected
 * exception becomes an error, never a javac crash.
 */
@AutoService(Processor.class)
public final class NlpmProcessor extends AbstractProcessor {

  /** A processor option: comma-separated {@code .nlpm} files, relative to the working directory. */
  public static final String FILES_OPTION = "nlpm.files";

  private boolean done;

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Annotations.MODEL, Annotations.NLPM_FILES);
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(FILES_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (done || round.processingOver()) {
      return false;
    }
    done = true;
    ElementLocator locator = new ElementLocator();
    Map<String, Element> elementsBySource = new HashMap<>();
    try {
      run(round, locator, elementsBySource);
    } catch (RuntimeException e) {
      processingEnv.getMessager().printMessage(Kind.ERROR, "[" + DiagnosticCode.INTERNAL_ERROR.code() + "] internal error in the nlpm processor: " + e);
    }
    return false;
  }

  private void run(RoundEnvironment round, ElementLocator locator, Map<String, Element> elementsBySource) {
    Diagnostics diagnostics = new Diagnostics();
    AnnotatedModelReader reader = new AnnotatedModelReader(processingEnv.getElementUtils(), locator, diagnostics);
    List<TypeElement> types = new ArrayList<>();
    for (Element element : round.getElementsAnnotatedWith(processingEnv.getElementUtils().getTypeElement(Annotations.MODEL))) {
      if (element.getKind() != ElementKind.INTERFACE) {
        String kind = element.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        printError(
            element,
            DiagnosticCode.MODEL_NOT_ON_INTERFACE.format("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an" : "a", kind)
                + " [" + DiagnosticCode.MODEL_NOT_ON_INTERFACE.code() + "]");
        continue;
      }
      types.add((TypeElement) element);
    }
    // Sorted, so that the output does not depend on the order javac hands elements over.
    types.sort(Comparator.comparing(t -> t.getQualifiedName().toString()));
    List<ModelDecl> targets = new ArrayList<>();
    for (TypeElement type : types) {
      try {
        targets.add(reader.read(type));
        elementsBySource.put(type.getQualifiedName().toString(), type);
      } catch (RuntimeException e) {
        printError(type, "[" + DiagnosticCode.INTERNAL_ERROR.code() + "] cannot read this model: " + e);
      }
    }
    List<ModelDecl> visible = new ArrayList<>();
    Map<String, String> sources = new HashMap<>();
    List<Diagnostic> fileDiagnostics = new ArrayList<>();
    NlpmSourceFiles files = new NlpmSourceFiles(processingEnv);
    for (NlpmSourceFiles.Named named : files.named(round)) {
      ParsedProgram program = NlpmFrontEnd.parse(named.name(), named.text(), files.resolver(named));
      fileDiagnostics.addAll(program.diagnostics());
      sources.putAll(program.sources());
      targets.addAll(program.declarations().targets());
      visible.addAll(program.declarations().visible());
      // Diagnostics in the file, or in a file it includes, are shown on the element that named it.
      named.element().ifPresent(e -> program.sources().keySet().forEach(source -> elementsBySource.putIfAbsent(source, e)));
    }
    files.errors().forEach(error -> printError(error.element(), error.message()));
    Compilation compilation = NlpmCompiler.compile(new DeclarationSet(targets, visible));
    List<Diagnostic> all = new ArrayList<>(diagnostics.all());
    all.addAll(fileDiagnostics);
    all.addAll(compilation.diagnostics());
    List<GeneratedFile> writable = new ArrayList<>();
    for (GeneratedFile file : compilation.files()) {
      TypeElement existing = processingEnv.getElementUtils().getTypeElement(file.qualifiedName());
      if (existing != null) {
        all.add(Diagnostic.error(DiagnosticCode.GENERATED_NAME_CLASH, file.origin(), file.qualifiedName()));
      } else {
        writable.add(file);
      }
    }
    for (Diagnostic diagnostic : all) {
      report(diagnostic, locator, sources, elementsBySource);
    }
    if (all.stream().anyMatch(d -> d.isError() && !(d.origin() instanceof ElementOrigin))) {
      // An error in a .nlpm file (a syntax error, say) may hide models: generate nothing.
      return;
    }
    // The valid models are written even when others have errors, so that code using them
    // compiles and javac shows only the real problems.
    for (GeneratedFile file : writable) {
      write(file, originatingElement(file.origin(), locator, elementsBySource));
    }
  }

  private void write(GeneratedFile file, Optional<Element> origin) {
    try {
      JavaFileObject source =
          processingEnv.getFiler().createSourceFile(file.qualifiedName(), origin.map(e -> new Element[] {e}).orElse(new Element[0]));
      try (Writer writer = source.openWriter()) {
        writer.write(file.source());
      }
    } catch (IOException e) {
      printError(origin.orElse(null), "cannot write " + file.qualifiedName() + ": " + e.getMessage());
    }
  }

  private static Optional<Element> originatingElement(Origin origin, ElementLocator locator, Map<String, Element> bySource) {
    if (origin instanceof ElementOrigin element) {
      return locator.locate(element).map(ElementLocator.Location::element);
    }
    return Optional.ofNullable(bySource.get(origin.source()));
  }

  private void report(Diagnostic diagnostic, ElementLocator locator, Map<String, String> sources, Map<String, Element> bySource) {
    String message = diagnostic.message() + " [" + diagnostic.code().code() + "]";
    Kind kind = diagnostic.isError() ? Kind.ERROR : Kind.WARNING;
    if (diagnostic.origin() instanceof ElementOrigin origin) {
      Optional<ElementLocator.Location> location = locator.locate(origin);
      if (location.isPresent()) {
        ElementLocator.Location at = location.get();
        if (at.annotation().isPresent() && at.value().isPresent()) {
          processingEnv.getMessager().printMessage(kind, message, at.element(), at.annotation().get(), at.value().get());
        } else if (at.annotation().isPresent()) {
          processingEnv.getMessager().printMessage(kind, message, at.element(), at.annotation().get());
        } else {
          processingEnv.getMessager().printMessage(kind, message, at.element());
        }
        return;
      }
    }
    // A .nlpm position: the message keeps file:line:col and the source line; javac shows it on
    // the element that named the file, when there is one.
    String rendered = DiagnosticPrinter.render(diagnostic, name -> Optional.ofNullable(sources.get(name))).stripTrailing();
    Element element = bySource.get(diagnostic.origin().source());
    if (element != null) {
      processingEnv.getMessager().printMessage(kind, rendered, element);
    } else {
      processingEnv.getMessager().printMessage(kind, rendered);
    }
  }

  private void printError(Element element, String message) {
    if (element == null) {
      processingEnv.getMessager().printMessage(Kind.ERROR, message);
    } else {
      processingEnv.getMessager().printMessage(Kind.ERROR, message, element);
    }
  }
}
