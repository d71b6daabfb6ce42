package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.plan.ModelPlan;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nlpm describe FILE... [--model NAME]}: the parameter layout of each model. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description =
        "Checks .nlpm files and prints each model's parameter layout: every tensor's reference"
            + " name, shape and count, the backbone and head totals, and the memory they take.")
final class DescribeCommand implements Callable<Integer> {

  @Mixin ModelFiles input;

  @Option(
      names = {"-m", "--model"},
      paramLabel = "NAME",
      description = "Describe only this model.")
  String model;

  @Option(
      names = {"-s", "--summary"},
      description = "One line a model: family, parameters of the backbone and the heads, memory.")
  boolean summary;


  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Optional<Compilation> result =
        CompilerRun.run(input.files, false, spec.commandLine().getErr());
    if (result.isEmpty()) {
      return Main.EXIT_INPUT_ERRORS;
    }
    List<ModelPlan> plans = result.get().plans();
    if (model != null) {
      plans = plans.stream().filter(p -> p.model().name().equals(model)).toList();
      if (plans.isEmpty()) {
        throw new UserError(
            "no model named "
                + model
                + "; the files declare: "
                + String.join(
                    ", ", result.get().models().stream().map(m -> m.name()).toList()));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (summary) {
      summarize(plans, out);
      return 0;
    }
    for (ModelPlan plan : plans) {
      describe(plan, out);
    }
    return 0;
  }

  private static void summarize(List<ModelPlan> plans, PrintWriter out) {
    String row = "%-20s %-20s %15s %13s %15s  %s%n";
    out.printf(Locale.ROOT, row, "model", "family", "backbone", "heads", "total", "fp32 weights");
    for (ModelPlan plan : plans) {
      long backbone = plan.parameterCount(ModelPlan.BACKBONE);
      long total = plan.maxParameterCount();
      out.printf(
          Locale.ROOT,
          row,
          plan.model().name(),
          plan.model().family().keyword(),
          String.format(Locale.ROOT, "%,d", backbone),
          String.format(Locale.ROOT, "%,d", total - backbone),
          String.format(Locale.ROOT, "%,d", total),
          bytes(total * 4) + (plan.runtimeVocabulary() ? " (at the largest vocabulary)" : ""));
    }
  }

  private static void describe(ModelPlan plan, PrintWriter out) {
    var model = plan.model();
    out.printf(
        Locale.ROOT,
        "%s (%s) — %s%n%n",
        model.name(),
        model.family().keyword(),
        model.origin().describe());
    out.print("dimensions:");
    plan.dimensions().forEach(d -> out.printf(Locale.ROOT, " %s=%d", d.name(), d.value()));
    out.printf("%n%n");
    out.print(plan.describe());
    Flops.describe(plan).ifPresent(flops -> out.printf("%n%s", flops));
    long parameters = plan.maxParameterCount();
    out.printf(
        Locale.ROOT,
        "%nmemory (fp32): parameters %s, gradients %s, %s state %s%n%n",
        bytes(parameters * 4),
        bytes(parameters * 4),
        model.training().optimizer().keyword(),
        bytes(parameters * 4 * optimizerStates(model.training().optimizer())));
  }

  private static long optimizerStates(dev.nlpm.compiler.ir.TrainingDefaults.Optimizer optimizer) {
    return switch (optimizer) {
      case ADAM, ADAMW -> 2;
      case SGD -> 0;
    };
  }

  static String bytes(long count) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = count;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0
        ? count + " B"
        : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
