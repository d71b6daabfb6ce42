package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;

/**
 * An encoder's passes: inference, held-out evaluation and the training pass (forward, losses,
 * backward), over parameters it only reads, the activations in a workspace {@code W} each caller
 * brings. What {@link EncoderTrainer} and {@link EncoderModel} run, and what an encoder facade
 * hands out ({@code dev.nlpm.runtime.model.EncoderFacade}).
 *
 * <p>Implemented by a model's generated {@code <Model>Passes}: its composition written out by the
 * compiler from its layer graph, every size a literal. (The hand-written composition that computes
 * the same bits, the generated passes' oracle, lives in the tests.)
 *
 * @param <W> the workspace type the passes fill
 */
public interface EncoderPasses<W extends EncoderActivations> {

  /** The losses of one forward pass (0 for a head the batch has no labels for), and the MLM hits. */
  record Losses(float total, float mlm, float nsp, float sequence, float token, int mlmCorrect, int mlmCounted) {}

  /** The sizes and choices the passes run with (dropout 0 when built without it). */
  EncoderConfig config();

  /** The parameters the passes read. */
  ParameterRows parameters();

  /** The products' kernels. */
  ProductKernels kernels();

  /** A workspace for {@code maxBatch} sequences of up to {@code maxLength} tokens and {@code maxPredictions} MLM positions in all. */
  W workspace(int maxBatch, int maxLength, int maxPredictions);

  /**
   * Inference (no dropout): hidden states, pooled outputs, and the heads' logits; MLM logits at
   * {@code predictionRows} (may be empty).
   */
  void infer(EncoderBatch batch, W workspace, int[] predictionRows);

  /** The losses on a labelled batch, without dropout or gradients (held-out evaluation). */
  Losses evaluate(EncoderBatch batch, W workspace);

  /**
   * One training pass: forward with dropout drawn from {@code dropoutSeed}, the losses, and their
   * gradients added into {@code gradients}.
   */
  Losses train(EncoderBatch batch, W workspace, ParameterRows gradients, long dropoutSeed);
}
