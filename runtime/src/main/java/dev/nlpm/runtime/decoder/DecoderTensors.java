package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.ops.Embedding;
import dev.nlpm.runtime.parameters.ParameterRows;

/**
 * A GPT-2-named decoder's tensors in a parameter buffer (the parameters, or a gradient buffer of
 * the same layout), looked up by GPT-2's names once rather than every step, as its {@link
 * DecoderShape} stores them: the position table learned, fixed or absent; the factorized
 * embeddings' map to the hidden width, and before a tied output the map back; the final LayerNorm only
 * after pre-LayerNorm blocks; a shared half of a block read from layer 0's names by every layer.
 */
final class DecoderTensors {

  /** One block's tensors ({@code h.{l}.…}, or {@code h.0.…} for a shared half). */
  static final class Block {
    final float[] ln1Gain, ln1Bias, attnBias, projBias, ln2Gain, ln2Bias, fcBias, mlpProjBias;
    final float[][] attn, proj, fc, mlpProj;

    /** The attention half ({@code ln_1}, {@code attn.…}) of layer {@code attention}, the feed-forward half of layer {@code ffn}. */
    Block(ParameterRows p, int attention, int ffn) {
      String a = "h." + attention + ".";
      String f = "h." + ffn + ".";
      ln1Gain = p.vector(a + "ln_1.weight");
      ln1Bias = p.vector(a + "ln_1.bias");
      attn = p.matrix(a + "attn.c_attn.weight");
      attnBias = p.vector(a + "attn.c_attn.bias");
      proj = p.matrix(a + "attn.c_proj.weight");
      projBias = p.vector(a + "attn.c_proj.bias");
      ln2Gain = p.vector(f + "ln_2.weight");
      ln2Bias = p.vector(f + "ln_2.bias");
      fc = p.matrix(f + "mlp.c_fc.weight");
      fcBias = p.vector(f + "mlp.c_fc.bias");
      mlpProj = p.matrix(f + "mlp.c_proj.weight");
      mlpProjBias = p.vector(f + "mlp.c_proj.bias");
    }
  }

  /** The token embeddings, and the output's weight: wte itself [vocab, embedding] when tied, {@code lm_head.weight} [vocab, hidden] when not. */
  final float[][] wte, output;
  /** The position rows added to the embeddings: {@code wpe.weight}, the sinusoid table, or null (none). */
  final float[][] positions;
  /** The factorized embeddings' map to the hidden width ({@code embedding_hidden_mapping_in}), null when they are as wide. */
  final float[][] mapping;
  final float[] mappingBias;
  /**
   * The final hidden state's map back to the factorized embeddings' width before a tied output
   * ({@code embedding_hidden_mapping_out}, held {@code [hidden][embedding]}), null otherwise.
   */
  final float[][] mappingOut;
  final float[] mappingOutBias;
  /** The final LayerNorm ({@code ln_f}), null after post-LayerNorm blocks. */
  final float[] lnfGain, lnfBias;
  final Block[] blocks;

  DecoderTensors(ParameterRows p, DecoderConfig config, DecoderShape shape) {
    wte = p.matrix("wte.weight");
    output = config.tieEmbeddings() ? wte : p.matrix("lm_head.weight");
    positions = switch (shape.positions()) {
      case LEARNED -> p.matrix("wpe.weight");
      case SINUSOIDAL -> Embedding.sinusoids(config.maxPositions(), shape.embeddingSize());
      case NONE -> null;
    };
    boolean mapped = shape.factorized(config.hidden());
    mapping = mapped ? p.matrix("embedding_hidden_mapping_in.weight") : null;
    mappingBias = mapped ? p.vector("embedding_hidden_mapping_in.bias") : null;
    boolean mappedBack = mapped && config.tieEmbeddings();
    mappingOut = mappedBack ? p.matrix("embedding_hidden_mapping_out.weight") : null;
    mappingOutBias = mappedBack ? p.vector("embedding_hidden_mapping_out.bias") : null;
    lnfGain = shape.preNorm() ? p.vector("ln_f.weight") : null;
    lnfBias = shape.preNorm() ? p.vector("ln_f.bias") : null;
    blocks = new Block[config.layers()];
    for (int l = 0; l < config.layers(); l++) {
      blocks[l] = new Block(p, shape.sharing().attention() ? 0 : l, shape.sharing().ffn() ? 0 : l);
    }
  }
}
