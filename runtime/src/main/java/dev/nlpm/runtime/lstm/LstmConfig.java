package dev.nlpm.runtime.lstm;

/**
 * The sizes of an LSTM language model, and its dropout rate in training: applied to the input of
 * every LSTM layer (the embeddings, and between layers as {@code torch.nn.LSTM}'s {@code dropout})
 * and to the last layer's output before the output layer, as PyTorch's {@code word_language_model}
 * does.
 */
public record LstmConfig(int vocab, int embedding, int hidden, int layers, float dropout) {

  public LstmConfig {
    if (vocab <= 0 || embedding <= 0 || hidden <= 0 || layers <= 0) {
      throw new IllegalArgumentException("LSTM sizes must be positive: " + vocab + ", " + embedding + ", " + hidden + ", " + layers);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("the LSTM's dropout must be in [0, 1): " + dropout);
    }
  }

  /** Sizes without dropout. */
  public LstmConfig(int vocab, int embedding, int hidden, int layers) {
    this(vocab, embedding, hidden, layers, 0f);
  }
}
