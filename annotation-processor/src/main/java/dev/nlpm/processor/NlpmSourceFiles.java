package dev.nlpm.processor;

import dev.nlpm.dsl.IncludeResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * The {@code .nlpm} files the processor compiles: those {@code @NlpmFiles} names (looked up, in
 * the annotated element's package, on the source path, then the class output and the class path,
 * where Maven has copied {@code src/main/resources}), and those the {@code nlpm.files} option
 * names (paths on the file system). Their includes resolve the same way, relative to the file.
 */
final class NlpmSourceFiles {

  /** A file to compile: its source name, its text, and the element that named it, if any. */
  record Named(String name, String text, Optional<Element> element, boolean onFileSystem) {}

  /** A file that could not be found or read. */
  record Error(Element element, String message) {}

  private static final StandardLocation[] LOCATIONS = {
    StandardLocation.SOURCE_PATH, StandardLocation.CLASS_OUTPUT, StandardLocation.CLASS_PATH
  };

  private final ProcessingEnvironment environment;
  private final List<Error> errors = new ArrayList<>();

  NlpmSourceFiles(ProcessingEnvironment environment) {
    this.environment = environment;
  }

  List<Error> errors() {
    return errors;
  }

  List<Named> named(RoundEnvironment round) {
    List<Named> named = new ArrayList<>();
    var annotation = environment.getElementUtils().getTypeElement(Annotations.NLPM_FILES);
    if (annotation != null) {
      List<Element> annotated = new ArrayList<>(round.getElementsAnnotatedWith(annotation));
      annotated.sort(java.util.Comparator.comparing(Element::toString));
      for (Element element : annotated) {
        PackageElement pkg = environment.getElementUtils().getPackageOf(element);
        String prefix = pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString().replace('.', '/') + "/";
        for (String file : files(element)) {
          String name = normalize(prefix + file);
          Optional<String> text = readResource(name);
          if (text.isPresent()) {
            named.add(new Named(name, text.get(), Optional.of(element), false));
          } else {
            errors.add(new Error(element, "[NLPM102] .nlpm file \"" + file + "\" not found as " + name + " on the source path or class path"));
          }
        }
      }
    }
    String option = environment.getOptions().get(NlpmProcessor.FILES_OPTION);
    if (option != null) {
      for (String file : option.split(",")) {
        if (file.isBlank()) {
          continue;
        }
        Path path = Path.of(file.trim());
        try {
          named.add(new Named(path.toString().replace('\\', '/'), Files.readString(path, StandardCharsets.UTF_8), Optional.empty(), true));
        } catch (IOException e) {
          errors.add(new Error(null, "[NLPM106] cannot read " + path + " (named by -A" + NlpmProcessor.FILES_OPTION + "): " + e.getMessage()));
        }
      }
    }
    return named;
  }

  /** Includes resolve next to the including file, in the same place it was found. */
  IncludeResolver resolver(Named file) {
    return (including, path) -> {
      String parent = including.contains("/") ? including.substring(0, including.lastIndexOf('/') + 1) : "";
      String name = normalize(parent + path);
      if (file.onFileSystem()) {
        Path target = Path.of(name);
        if (!Files.isRegularFile(target)) {
          return Optional.empty();
        }
        try {
          return Optional.of(new IncludeResolver.Source(name, Files.readString(target, StandardCharsets.UTF_8)));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return readResource(name).map(text -> new IncludeResolver.Source(name, text));
    };
  }

  private Optional<String> readResource(String name) {
    for (StandardLocation location : LOCATIONS) {
      try {
        FileObject resource = environment.getFiler().getResource(location, "", name);
        return Optional.of(resource.getCharContent(true).toString());
      } catch (IOException | IllegalArgumentException e) {
        // Not in this location: try the next one.
      }
    }
    return Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static List<String> files(Element element) {
    List<String> files = new ArrayList<>();
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      if (mirror.getAnnotationType().toString().equals(Annotations.NLPM_FILES)) {
        AnnotatedModelReader.value(mirror, "value")
            .ifPresent(v -> ((List<? extends AnnotationValue>) v.getValue()).forEach(f -> files.add((String) f.getValue())));
      }
    }
    return files;
  }

  /** Resolves {@code ..} and {@code .} in a '/'-separated path. */
  static String normalize(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
        parts.remove(parts.size() - 1);
      } else if (!part.equals(".") && !part.isEmpty()) {
        parts.add(part);
      }
    }
    return String.join("/", parts);
  }
}
