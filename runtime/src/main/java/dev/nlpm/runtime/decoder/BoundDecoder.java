package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.Objects;

/**
 * A decoder's passes with a workspace of theirs, so that a caller holding {@code
 * DecoderPasses<?>} (what a facade hands out) runs them without naming the workspace's type.
 *
 * @param <W> the workspace type the passes fill
 */
public record BoundDecoder<W extends DecoderActivations>(DecoderPasses<W> passes, W workspace) {

  public BoundDecoder {
    Objects.requireNonNull(passes, "passes");
    Objects.requireNonNull(workspace, "workspace");
  }

  /** {@code passes} with a fresh workspace for {@code maxBatch} sequences of up to {@code maxLength} tokens. */
  public static <W extends DecoderActivations> BoundDecoder<W> of(DecoderPasses<W> passes, int maxBatch, int maxLength) {
    return new BoundDecoder<>(passes, passes.workspace(maxBatch, maxLength));
  }

  /** {@link DecoderPasses#forward} into the workspace; returns what it holds afterwards. */
  public DecoderActivations forward(int[] ids, int batch, int length) {
    passes.forward(ids, batch, length, workspace);
    return workspace;
  }

  /** {@link DecoderPasses#train(int[], int[], int, int, DecoderActivations, ParameterRows, long)} in the workspace. */
  public float train(int[] ids, int[] labels, int batch, int length, ParameterRows gradients, long dropoutSeed) {
    return passes.train(ids, labels, batch, length, workspace, gradients, dropoutSeed);
  }

  /** {@link DecoderPasses#loss} in the workspace. */
  public float loss(int[] ids, int batch, int length) {
    return passes.loss(ids, batch, length, workspace);
  }
}
