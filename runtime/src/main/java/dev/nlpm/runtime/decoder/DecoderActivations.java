package dev.nlpm.runtime.decoder;

/**
 * What a caller reads from a decoder's workspace after a forward pass: the logits and the final
 * LayerNorm's output at each row, and the capacity it was allocated for. The runtime's {@link
 * Decoder.Workspace} and a generated {@code <Model>Passes.Workspace} both provide it; everything
 * else in a workspace belongs to the passes that fill it.
 */
public interface DecoderActivations {

  /** Sequences the workspace holds. */
  int maxBatch();

  /** Positions a sequence may have. */
  int maxLength();

  /** The logits of the next token at row {@code b·length + t} of the last forward pass. */
  float[] logits(int row);

  /** The final LayerNorm's output at a row of the last forward pass (what the output and the blockwise heads read). */
  float[] hidden(int row);
}
