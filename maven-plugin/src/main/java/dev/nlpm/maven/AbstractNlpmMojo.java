package dev.nlpm.maven;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticPrinter;
import dev.nlpm.dsl.NlpmFrontEnd;
import dev.nlpm.dsl.ParsedProgram;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What the goals share: finding the {@code .nlpm} files under the source directory, compiling
 * them, and reporting every diagnostic with its file, line and column.
 */
abstract class AbstractNlpmMojo extends AbstractMojo {

  /** Where the {@code .nlpm} files are; every {@code *.nlpm} below it is compiled. */
  @Parameter(property = "nlpm.sourceDirectory", defaultValue = "${project.basedir}/src/main/nlpm")
  protected File sourceDirectory;

  /**
   * The package of the generated code for files that declare none. A file's own {@code package}
   * always wins.
   */
  @Parameter(property = "nlpm.packageName")
  protected String packageName;

  /** Skips the goal. */
  @Parameter(property = "nlpm.skip", defaultValue = "false")
  protected boolean skip;

  /** The {@code .nlpm} files under the source directory, sorted. */
  protected List<Path> sourceFiles() {
    Path root = sourceDirectory.toPath();
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".nlpm")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses and compiles the files; logs every diagnostic; fails the build on errors.
   *
   * @param generate whether to generate sources, or only check
   */
  protected Compilation compile(List<Path> files, boolean generate) throws MojoFailureException {
    Path root = sourceDirectory.toPath();
    ParsedProgram program = NlpmFrontEnd.load(files, root);
    List<Diagnostic> diagnostics = new ArrayList<>(program.diagnostics());
    Compilation compilation = null;
    if (!program.hasErrors()) {
      DeclarationSet declarations = withDefaultPackage(program.declarations());
      compilation = generate ? NlpmCompiler.compile(declarations) : NlpmCompiler.check(declarations);
      diagnostics.addAll(compilation.diagnostics());
    }
    diagnostics.sort(DiagnosticPrinter.BY_POSITION);
    for (Diagnostic diagnostic : diagnostics) {
      // The path is made absolute so that IDEs and terminals link it to the file.
      String text =
          DiagnosticPrinter.render(diagnostic, name -> Optional.ofNullable(program.sources().get(name))).stripTrailing();
      String located = root.toAbsolutePath() + "/" + text;
      if (diagnostic.isError()) {
        getLog().error(located);
      } else {
        getLog().warn(located);
      }
    }
    long errors = diagnostics.stream().filter(Diagnostic::isError).count();
    if (errors > 0) {
      throw new MojoFailureException(
          "nlpm found " + errors + (errors == 1 ? " error" : " errors") + " in " + root + " (see above)");
    }
    return compilation;
  }

  /**
   * {@code ""}, or {@code " (1 warning: not runnable yet: Lin)"}: the models that get no facade, for
   * the summary line, so that a build with warnings does not read as all well.
   */
  protected static String notRunnable(Compilation compilation) {
    long warnings = compilation.diagnostics().stream().filter(d -> !d.isError()).count();
    if (warnings == 0) {
      return "";
    }
    List<String> models = compilation.models().stream()
        .filter(m -> !dev.nlpm.compiler.codegen.Runnability.of(m).facade())
        .map(m -> m.name())
        .toList();
    return " (" + warnings + (warnings == 1 ? " warning" : " warnings") + ": not runnable yet: " + String.join(", ", models) + ")";
  }

  private DeclarationSet withDefaultPackage(DeclarationSet declarations) {
    if (packageName == null || packageName.isBlank()) {
      return declarations;
    }
    return new DeclarationSet(
        declarations.targets().stream().map(this::withDefaultPackage).toList(),
        declarations.visible().stream().map(this::withDefaultPackage).toList());
  }

  private ModelDecl withDefaultPackage(ModelDecl model) {
    if (!model.javaPackage().isEmpty()) {
      return model;
    }
    return new ModelDecl(
        model.origin(), model.name(), model.family(), model.parent(), packageName, model.sourceName(), model.members());
  }
}
