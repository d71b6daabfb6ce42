package dev.nlpm.compiler.ir;

import java.util.Optional;

/**
 * The naming scheme of parameter tensors, so checkpoints of the reference implementation map 1:1.
 * HuggingFace's for the BERT family and GPT-2, gensim's for word2vec; {@code NLPM} is nlpm's own
 * scheme for families without a reference checkpoint format.
 */
public enum CheckpointNames implements Keyword {
  BERT("bert"),
  ROBERTA("roberta"),
  ALBERT("albert"),
  DISTILBERT("distilbert"),
  GPT2("gpt2"),
  TRANSFO_XL("transfo_xl"),
  GENSIM("gensim"),
  NLPM("nlpm");

  private final String keyword;

  CheckpointNames(String keyword) {
    this.keyword = keyword;
  }

  @Override
  public String keyword() {
    return keyword;
  }

  public static Optional<CheckpointNames> fromKeyword(String word) {
    return Keyword.lookup(values(), word);
  }
}
