package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/** A fine-tuning head declared alongside the pretraining ones: {@code head <keyword> { labels = n; }}. */
public sealed interface FineTuningHead {

  Origin origin();

  String keyword();

  int labels();

  /** A label for the whole sequence, from the pooled output. */
  record SequenceClassification(Origin origin, int labels) implements FineTuningHead {
    public SequenceClassification {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "sequence_classification";
    }
  }

  /** A label per token, from the hidden states. */
  record TokenClassification(Origin origin, int labels) implements FineTuningHead {
    public TokenClassification {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "token_classification";
    }
  }
}
