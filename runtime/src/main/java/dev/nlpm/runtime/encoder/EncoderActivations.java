package dev.nlpm.runtime.encoder;

/**
 * What a caller reads from an encoder's workspace after a forward pass: the last layer's hidden
 * states, the pooled outputs and the heads' logits, and the capacity it was allocated for. A
 * generated {@code <Model>Passes.Workspace} provides it; everything else in a workspace belongs to
 * the passes that fill it.
 */
public interface EncoderActivations {

  /** Sequences the workspace holds. */
  int maxBatch();

  /** Positions a sequence may have. */
  int maxLength();

  /** MLM positions, over all sequences of a batch, the workspace holds. */
  int maxPredictions();

  /** The last layer's hidden state at row {@code b·length + t} of the last forward pass. */
  float[] hidden(int row);

  /** Sequence {@code b}'s pooled output (tanh over its first token's state). */
  float[] pooled(int b);

  /** The MLM logits at the {@code i}-th predicted position (see {@link #predictionRow}). */
  float[] mlmLogits(int i);

  /** The row of the {@code i}-th predicted position. */
  int predictionRow(int i);

  /** How many positions the last forward pass predicted. */
  int predictions();

  /** Sequence {@code b}'s next-sentence logits. */
  float[] nspLogits(int b);

  /** Sequence {@code b}'s sequence-classification logits. */
  float[] sequenceLogits(int b);

  /** Row {@code row}'s token-classification logits. */
  float[] tokenLogits(int row);
}
