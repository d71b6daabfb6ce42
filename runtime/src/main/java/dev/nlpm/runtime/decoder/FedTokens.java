package dev.nlpm.runtime.decoder;

/**
 * What {@link DecoderPasses#extend} computed for the tokens it fed: row {@code j} is position {@code
 * firstPosition + j}.
 *
 * @param hidden the final LayerNorm's output at each fed position (what the tied output and the
 *     blockwise proposal heads read)
 * @param logits the logits of the token after each fed position
 */
public record FedTokens(int firstPosition, float[][] hidden, float[][] logits) {

  /** The number of tokens fed. */
  public int count() {
    return logits.length;
  }
}
