package dev.nlpm.compiler.graph;

import java.util.Objects;

/**
 * The loss an objective head computes.
 *
 * @param kind what is predicted and scored
 * @param detail the declared settings that shape it (a weight, label smoothing), or empty
 */
public record Loss(Kind kind, String detail) {

  public Loss {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  public enum Kind {
    MASKED_TOKENS("cross-entropy over the vocabulary at the masked positions"),
    MASKED_SPANS("cross-entropy over the vocabulary at the masked spans' positions"),
    SPAN_BOUNDARY("cross-entropy over the vocabulary of each span token from its boundaries"),
    SENTENCE_PAIR("cross-entropy over two classes on the pooled first token"),
    NEXT_TOKEN("cross-entropy over the vocabulary of the next token"),
    TRANSLATION("cross-entropy over the target vocabulary of the next target token"),
    MASKED_TARGET("cross-entropy over the target vocabulary at the masked target positions"),
    GLANCED_TARGET("cross-entropy over the target vocabulary at the target positions left masked after glancing"),
    TARGET_LENGTH("cross-entropy over the target lengths from the mean encoder state"),
    DISTILLATION("a teacher's softened distribution, the hard labels and the hidden states' cosine"),
    NEGATIVE_SAMPLING("logistic loss of the true word against sampled negatives"),
    HIERARCHICAL_SOFTMAX("logistic loss at each node of the word's Huffman path");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  @Override
  public String toString() {
    return kind.description() + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
