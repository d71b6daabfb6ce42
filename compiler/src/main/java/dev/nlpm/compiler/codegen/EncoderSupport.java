package dev.nlpm.compiler.codegen;

import dev.nlpm.compiler.ir.Activation;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.Sharing;
import java.util.ArrayList;
import java.util.List;

/**
 * Which encoder declarations the runtime's {@code Encoder} runs today: BERT's shape (learned
 * positions, post-LayerNorm, full attention, no sharing, embeddings as wide as the model, BERT's
 * checkpoint names) with MLM and NSP as the pretraining objectives. The others get their layout
 * but no kernels or facade yet; {@link #gaps} says why.
 */
final class EncoderSupport {

  private EncoderSupport() {}

  /** What keeps the runtime from running {@code model}; empty when it can. */
  static List<String> gaps(ModelSpec model) {
    List<String> gaps = new ArrayList<>();
    if (!(model.architecture() instanceof Architecture.Encoder encoder)) {
      gaps.add("not an encoder");
      return gaps;
    }
    var stack = encoder.stack();
    if (encoder.embeddings().positions() != Positions.LEARNED) {
      gaps.add(encoder.embeddings().positions().keyword() + " positions");
    }
    if (encoder.embeddings().size() != stack.hidden()) {
      gaps.add("factorized embeddings");
    }
    if (stack.norm().placement() != Norm.Placement.POST) {
      gaps.add(stack.norm().placement().keyword() + "-LayerNorm blocks");
    }
    if (!(stack.attention() instanceof Attention.Full)) {
      gaps.add("attention other than full");
    }
    if (stack.sharing() != Sharing.NONE) {
      gaps.add("shared layers");
    }
    if (stack.activation() != Activation.GELU && stack.activation() != Activation.GELU_TANH && stack.activation() != Activation.RELU) {
      gaps.add(stack.activation().keyword() + " activation");
    }
    if (model.names() != CheckpointNames.BERT) {
      gaps.add(model.names().keyword() + " checkpoint names");
    }
    if (!encoder.pooler()) {
      gaps.add("no pooler");
    }
    for (Objective objective : model.objectives()) {
      if (!(objective instanceof Objective.MaskedLm) && !(objective instanceof Objective.NextSentence)) {
        gaps.add("the " + objective.keyword() + " objective");
      }
    }
    return gaps;
  }

  static boolean supported(ModelSpec model) {
    return gaps(model).isEmpty();
  }
}
