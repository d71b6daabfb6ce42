package dev.nlpm.maven;

import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/** Checks every {@code .nlpm} file under the source directory and fails the build on any error; writes nothing. */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public final class CheckMojo extends AbstractNlpmMojo {

  @Override
  public void execute() throws MojoFailureException {
    if (skip) {
      getLog().info("nlpm: skipped");
      return;
    }
    List<Path> files = sourceFiles();
    if (files.isEmpty()) {
      getLog().info("nlpm: no .nlpm files in " + sourceDirectory);
      return;
    }
    var compilation = compile(files, false);
    getLog().info("nlpm: " + files.size() + " .nlpm files, " + compilation.models().size() + " models: no errors" + notRunnable(compilation));
  }
}
