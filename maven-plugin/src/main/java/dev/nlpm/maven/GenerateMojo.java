package dev.nlpm.maven;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.dsl.GeneratedSources;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Compiles {@code src/main/nlpm/**}{@code /*.nlpm} into Java sources under {@code
 * target/generated-sources/nlpm} and adds that folder as a source root. When no {@code .nlpm}
 * file, nor the plugin, changed since the last run, nothing is compiled; a generated file whose
 * content is unchanged is never rewritten.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractNlpmMojo {

  /** Where the generated sources go; added to the project's compile source roots. */
  @Parameter(
      property = "nlpm.outputDirectory",
      defaultValue = "${project.build.directory}/generated-sources/nlpm")
  private File outputDirectory;

  /** Where the staleness state is kept. */
  @Parameter(defaultValue = "${project.build.directory}/nlpm-state", readonly = true)
  private File stateDirectory;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("nlpm: skipped");
      return;
    }
    project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
    List<Path> files = sourceFiles();
    if (files.isEmpty()) {
      getLog().info("nlpm: no .nlpm files in " + sourceDirectory);
      return;
    }
    Staleness staleness = new Staleness(stateDirectory.toPath().resolve("generate.state"));
    String fingerprint;
    try {
      fingerprint = Staleness.fingerprint(files, sourceDirectory.toPath(), outputDirectory.toPath(), packageName);
      if (staleness.upToDate(fingerprint, outputDirectory.toPath())) {
        getLog().info("nlpm: " + files.size() + " .nlpm files are up to date; nothing to compile");
        return;
      }
    } catch (IOException e) {
      throw new MojoExecutionException("nlpm: cannot read the sources: " + e.getMessage(), e);
    }
    Compilation compilation = compile(files, true);
    try {
      int written = GeneratedSources.write(outputDirectory.toPath(), compilation.files());
      staleness.record(fingerprint);
      getLog().info(
          "nlpm: compiled " + files.size() + " .nlpm files, " + compilation.models().size() + " models: "
              + written + " sources written, " + (compilation.files().size() - written) + " unchanged, in " + outputDirectory
              + notRunnable(compilation));
    } catch (IOException e) {
      throw new MojoExecutionException("nlpm: cannot write to " + outputDirectory + ": " + e.getMessage(), e);
    }
  }
}
