package dev.nlpm.compiler.ir;

import java.util.Optional;

/** The model families of the scope table, by the word that declares them. */
public enum Family implements Keyword {
  WORD2VEC("word2vec"),
  ENCODER("encoder"),
  DECODER("decoder"),
  LSTM_LM("lstm_lm"),
  RNN_SEQ2SEQ("rnn_seq2seq"),
  TRANSFORMER_SEQ2SEQ("transformer_seq2seq"),
  NAT("nat");

  private final String keyword;

  Family(String keyword) {
    this.keyword = keyword;
  }

  /** The word written after {@code model Name :}. */
  @Override
  public String keyword() {
    return keyword;
  }

  public static Optional<Family> fromKeyword(String word) {
    return Keyword.lookup(values(), word);
  }

  /** Whether models of this family produce text token by token (and so take decodings). */
  public boolean generates() {
    return this != WORD2VEC && this != ENCODER;
  }
}
