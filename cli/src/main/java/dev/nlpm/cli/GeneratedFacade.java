package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedCodeCompiler;
import dev.nlpm.compiler.ir.ModelSpec;
import java.util.List;

/**
 * What the commands that run a model share, whatever its family: choosing the model among those
 * the files declare, and compiling the generated sources in this process to load a model's
 * {@code <Model>Model} facade as the runtime interface it implements ({@code dev.nlpm.runtime.model}).
 */
final class GeneratedFacade {

  private GeneratedFacade() {}

  /** The model named {@code name}, or the only one when {@code name} is null. */
  static ModelSpec choose(Compilation compilation, String name) {
    List<ModelSpec> models = compilation.models();
    if (name != null) {
      return models.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() -> new UserError(
          "no model named " + name + "; the files declare: " + String.join(", ", models.stream().map(ModelSpec::name).toList())));
    }
    if (models.size() != 1) {
      throw new UserError("the files declare " + models.size() + " models; choose one with --model: "
          + String.join(", ", models.stream().map(ModelSpec::name).toList()));
    }
    return models.get(0);
  }

  /** The facade's binary name: {@code package.NameModel}. */
  static String name(ModelSpec spec) {
    return (spec.javaPackage().isEmpty() ? "" : spec.javaPackage() + ".") + spec.name() + "Model";
  }

  /**
   * Compiles every generated source of {@code compilation} against this process's class path
   * (which holds the runtime the generated code calls) and creates {@code spec}'s facade as the
   * runtime interface {@code kind} it implements: the one reflective step, after which it is called
   * with types.
   *
   * @throws UserError when there is no JDK, or the compiler wrote no facade for the model
   */
  static <T> T load(Compilation compilation, ModelSpec spec, Class<T> kind) {
    if (!GeneratedCodeCompiler.available()) {
      throw new UserError("running a model compiles its generated code, which needs a JDK, not a JRE");
    }
    ClassLoader loader =
        GeneratedCodeCompiler.compile(compilation.files(), List.of("-proc:none", "-classpath", System.getProperty("java.class.path")))
            .loader(GeneratedFacade.class.getClassLoader());
    Class<?> type;
    try {
      type = loader.loadClass(name(spec));
    } catch (ClassNotFoundException e) {
      throw new UserError(spec.name() + ": the compiler generates no " + spec.name() + "Model for this declaration"
          + " (the runtime does not run it yet; `nlpm describe` shows its layout)");
    }
    if (!kind.isAssignableFrom(type)) {
      throw new IllegalStateException("the generated facade " + type.getName() + " does not implement " + kind.getName()
          + " as nlpm writes it");
    }
    try {
      return kind.cast(type.getConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the generated facade " + type.getName() + " has no public no-argument constructor", e);
    }
  }

  /** {@code a word} or {@code an encoder}. */
  static String article(String word) {
    return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }
}
