package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.TrainingDefaults.Optimizer;
import dev.nlpm.compiler.ir.TrainingDefaults.Schedule;
import dev.nlpm.compiler.ir.TrainingDefaults;

/** Binds the {@code train { ... }} section with the family's defaults. */
final class TrainingBinder {

  private TrainingBinder() {}

  /**
   * @param maxLength the architecture's longest sequence (0: none), which caps the default {@code seq}
   */
  static TrainingDefaults bind(Family family, Body model, int maxLength) {
    boolean word2vec = family == Family.WORD2VEC;
    Body body = Sections.plain(model, "train");
    TrainingDefaults training =
        new TrainingDefaults(
            body.origin(),
            body.keyword("optimizer", Optimizer.values(), word2vec ? Optimizer.SGD : Optimizer.ADAMW),
            body.decimal("lr", word2vec ? 0.025 : 1e-4),
            body.decimal("min_lr", word2vec ? 1e-4 : 0),
            body.integer("warmup", 0),
            body.keyword("schedule", Schedule.values(), Schedule.LINEAR),
            body.longInteger("steps", 0),
            body.integer("epochs", word2vec ? 5 : 1),
            body.integer("batch", 32),
            body.integer("seq", maxLength > 0 ? Math.min(128, maxLength) : 128),
            body.decimal("clip", 1.0),
            body.decimal("weight_decay", word2vec ? 0 : 0.01),
            body.longInteger("seed", 42),
            body.integer("threads", 0));
    body.finish();
    return training;
  }
}
