package dev.nlpm.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code nlpm} command line. Exit status: 0 success, 1 the input has errors (diagnostics were
 * printed), 2 the command could not run (a missing file, a bad flag).
 */
@Command(
    name = "nlpm",
    mixinStandardHelpOptions = true,
    version = "nlpm 0.1.0-SNAPSHOT",
    description = "Compiles NLP model declarations (.nlpm) into specialized Java.",
    subcommands = {
      CheckCommand.class,
      DescribeCommand.class,
      GenerateCommand.class,
      ImportHfCommand.class,
      FmtCommand.class,
      TokenizeCommand.class,
      VocabCommand.class,
      TrainCommand.class,
      SampleCommand.class,
      FillMaskCommand.class,
      EmbedCommand.class,
      SimilarCommand.class,
      AnalogyCommand.class,
      EvalCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class,
      picocli.AutoComplete.GenerateCompletion.class
    })
public final class Main implements Runnable {

  /** Exit status when the input has errors. */
  static final int EXIT_INPUT_ERRORS = 1;

  /** Exit status when the command itself could not run. */
  static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and returns its exit status, without exiting the JVM. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, cl, parseResult) -> {
          boolean debug = parseResult.originalArgs().contains("--debug");
          if (e instanceof UserError || !debug) {
            cl.getErr().println("nlpm: " + e.getMessage());
          }
          if (debug) {
            e.printStackTrace(cl.getErr());
          }
          return EXIT_USAGE;
        });
    commandLine.setExitCodeExceptionMapper(e -> EXIT_USAGE);
    int status = commandLine.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  public static void main(String[] args) {
    int status =
        execute(
            args,
            new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8));
    if (status != 0) {
      System.exit(status);
    }
  }
}
