package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.List;
import java.util.Objects;

/**
 * A fine-tuning head as HuggingFace's {@code ...ForSequenceClassification} and {@code
 * ...ForTokenClassification} compute it for the shape's names, as the compiler's layer graph lowers
 * it ({@code TaskHeads}): what it reads and its stages in running order, the last one's output the
 * logits. Dropout is at the hidden rate.
 *
 * <ul>
 *   <li>a token head: every state, dropout, {@code classifier};
 *   <li>BERT's and ALBERT's sequence head: the pooled output, dropout, {@code classifier};
 *   <li>RoBERTa's ({@code RobertaClassificationHead}): the first token's state (not the pooler's),
 *       dropout, {@code classifier.dense}, tanh, dropout, {@code classifier.out_proj};
 *   <li>DistilBERT's: the first token's state, {@code pre_classifier}, ReLU, dropout, {@code
 *       classifier}.
 * </ul>
 *
 * @param input what the head reads
 * @param stages its ops in running order
 */
record ClassificationHead(Input input, List<Stage> stages) {

  /** What a head reads. */
  enum Input {
    /** The pooled output (the pooler's, or the first token's state without one): {@code [b, hidden]}. */
    POOLED,
    /** The first token's last hidden state, copied out: {@code [b, hidden]}. */
    FIRST_TOKEN,
    /** Every last hidden state: {@code [n, hidden]}. */
    EVERY_TOKEN
  }

  enum Kind {
    DROPOUT,
    LINEAR,
    ACTIVATION
  }

  /**
   * One op of a head.
   *
   * @param name a linear layer's tensor name (without {@code .weight}/{@code .bias}), else null
   * @param in its input width
   * @param width its output width
   * @param activation an activation's function, else null
   */
  record Stage(Kind kind, String name, int in, int width, FeedForwardActivation activation) {
    static Stage dropout(int width) {
      return new Stage(Kind.DROPOUT, null, width, width, null);
    }

    static Stage linear(String name, int in, int out) {
      return new Stage(Kind.LINEAR, Objects.requireNonNull(name, "name"), in, out, null);
    }

    static Stage activation(FeedForwardActivation activation, int width) {
      return new Stage(Kind.ACTIVATION, null, width, width, Objects.requireNonNull(activation, "activation"));
    }
  }

  ClassificationHead {
    Objects.requireNonNull(input, "input");
    stages = List.copyOf(stages);
  }

  /** The config's sequence-classification head, or null. */
  static ClassificationHead sequence(EncoderConfig config) {
    String name = config.sequenceHead();
    if (name == null) {
      return null;
    }
    int h = config.hidden();
    int labels = config.sequenceLabels();
    return switch (config.shape().names()) {
      case ROBERTA -> new ClassificationHead(Input.FIRST_TOKEN, List.of(Stage.dropout(h), Stage.linear(name + ".dense", h, h),
          Stage.activation(FeedForwardActivation.TANH, h), Stage.dropout(h), Stage.linear(name + ".out_proj", h, labels)));
      case DISTILBERT -> new ClassificationHead(Input.FIRST_TOKEN, List.of(Stage.linear("pre_" + name, h, h),
          Stage.activation(FeedForwardActivation.RELU, h), Stage.dropout(h), Stage.linear(name, h, labels)));
      default -> new ClassificationHead(Input.POOLED, List.of(Stage.dropout(h), Stage.linear(name, h, labels)));
    };
  }

  /** The config's token-classification head, or null. */
  static ClassificationHead token(EncoderConfig config) {
    String name = config.tokenHead();
    return name == null ? null
        : new ClassificationHead(Input.EVERY_TOKEN, List.of(Stage.dropout(config.hidden()), Stage.linear(name, config.hidden(), config.tokenLabels())));
  }

  /** Each stage's weight in {@code parameters} (null at a stage without one). */
  float[][][] weights(ParameterRows parameters) {
    float[][][] weights = new float[stages.size()][][];
    for (int k = 0; k < weights.length; k++) {
      weights[k] = stages.get(k).kind() == Kind.LINEAR ? parameters.matrix(stages.get(k).name() + ".weight") : null;
    }
    return weights;
  }

  /** Each stage's bias in {@code parameters} (null at a stage without one). */
  float[][] biases(ParameterRows parameters) {
    float[][] biases = new float[stages.size()][];
    for (int k = 0; k < biases.length; k++) {
      biases[k] = stages.get(k).kind() == Kind.LINEAR ? parameters.vector(stages.get(k).name() + ".bias") : null;
    }
    return biases;
  }
}
