package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;
import java.util.Optional;

/**
 * The defaults a trainer starts from, each overridable at run time, declared {@code train { ...
 * }}.
 *
 * @param optimizer the optimizer
 * @param lr peak learning rate
 * @param minLr the floor the schedule decays to
 * @param warmup warmup steps
 * @param schedule the learning-rate schedule after warmup
 * @param steps total optimizer steps (0: derived from epochs)
 * @param epochs passes over the data
 * @param batch examples per step
 * @param seq tokens per example
 * @param clip global gradient-norm clipping (0: off)
 * @param weightDecay decoupled weight decay
 * @param seed for initialization, shuffling, masking and dropout
 * @param threads worker threads (0: all cores)
 */
public record TrainingDefaults(
    Origin origin,
    Optimizer optimizer,
    double lr,
    double minLr,
    int warmup,
    Schedule schedule,
    long steps,
    int epochs,
    int batch,
    int seq,
    double clip,
    double weightDecay,
    long seed,
    int threads) {

  public TrainingDefaults {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(schedule, "schedule");
  }

  public enum Optimizer implements Keyword {
    ADAMW("adamw"),
    ADAM("adam"),
    SGD("sgd");

    private final String keyword;

    Optimizer(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }

    public static Optional<Optimizer> fromKeyword(String word) {
      return Keyword.lookup(values(), word);
    }
  }

  public enum Schedule implements Keyword {
    LINEAR("linear"),
    COSINE("cosine"),
    CONSTANT("constant");

    private final String keyword;

    Schedule(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }

    public static Optional<Schedule> fromKeyword(String word) {
      return Keyword.lookup(values(), word);
    }
  }
}
