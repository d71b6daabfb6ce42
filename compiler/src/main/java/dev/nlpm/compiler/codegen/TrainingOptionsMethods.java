package dev.nlpm.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.nlpm.compiler.ir.TrainingDefaults;
import java.util.Locale;

/**
 * A facade's declared training for the runtime's {@code EncoderTrainer} (which encoders and
 * decoders share): {@code STEPS}, {@code EPOCHS} and {@code trainingOptions}, carrying every
 * setting of the {@code train} section the trainer has — the optimizer, learning rate, its floor,
 * warmup and schedule, the steps, clipping (0: off), weight decay and seed.
 */
final class TrainingOptionsMethods {

  static final ClassName TRAINER = ClassName.get("dev.nlpm.runtime.training", "EncoderTrainer");
  static final ClassName OPTIONS = TRAINER.nestedClass("Options");
  private static final ClassName SHAPE = ClassName.get("dev.nlpm.runtime.optim", "LearningRateSchedule").nestedClass("Shape");
  private static final ClassName OPTIMIZER = ClassName.get("dev.nlpm.runtime.optim", "OptimizerKind");

  private TrainingOptionsMethods() {}

  /** Adds the constants and methods; {@code modelName} names the model in the message when it declares no steps. */
  static void add(TypeSpec.Builder type, TrainingDefaults t, String modelName) {
    type.addField(SourceWriter.constant(TypeName.LONG, "STEPS", CodeBlock.of("$LL", t.steps()),
        "The declared optimizer steps; 0: {@link #EPOCHS} passes over the data, a number of steps only the data decide."));
    type.addField(SourceWriter.constant(TypeName.INT, "EPOCHS", CodeBlock.of("$L", t.epochs()),
        "The declared passes over the data, which count when no steps are declared."));
    String optimizer = t.optimizer().name();
    String schedule = t.schedule().name();
    String summary = String.format(Locale.ROOT,
        "%s at %s with %d warmup steps, then %s decay to %s; clipping %s; weight decay %s (not on biases and LayerNorm); seed %d",
        t.optimizer().keyword(), t.lr(), t.warmup(), t.schedule().keyword(), t.minLr(), t.clip() > 0 ? "at " + t.clip() : "off",
        t.weightDecay(), t.seed());
    var declared = SourceWriter.method("trainingOptions", OPTIONS, "The declared training: $L, over {@link #STEPS} steps.\n", summary);
    if (t.steps() > 0) {
      declared.addStatement("return trainingOptions(STEPS)");
    } else {
      declared.addJavadoc("\n@throws IllegalStateException since the model declares epochs, not steps: use {@link #trainingOptions(long)}\n")
          .addStatement("throw new $T($S)", IllegalStateException.class, modelName + " declares " + t.epochs()
              + (t.epochs() == 1 ? " epoch" : " epochs") + ", not steps: count the steps they take on the data and call trainingOptions(steps)");
    }
    type.addMethod(declared.build());
    type.addMethod(SourceWriter.method("trainingOptions", OPTIONS, "The declared training ($L) over {@code steps} steps, the warmup cut to them.\n",
            summary)
        .addParameter(TypeName.LONG, "steps")
        .addStatement("return new $T($L, $T.min($LL, steps), steps, 1, $L, $L, $LL, 0, $T.$L, $L, $T.$L)", OPTIONS, t.lr(), Math.class,
            t.warmup(), t.clip(), t.weightDecay(), t.seed(), SHAPE, schedule, t.minLr(), OPTIMIZER, optimizer)
        .build());
  }
}
