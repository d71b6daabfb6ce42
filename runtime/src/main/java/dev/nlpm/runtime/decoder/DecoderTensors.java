package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.parameters.ParameterRows;

/**
 * A GPT-2-shaped decoder's tensors in a parameter buffer (the parameters, or a gradient buffer of
 * the same layout), looked up by GPT-2's names once rather than every step.
 */
final class DecoderTensors {

  /** One block's tensors ({@code h.{l}.…}). */
  static final class Block {
    final float[] ln1Gain, ln1Bias, attnBias, projBias, ln2Gain, ln2Bias, fcBias, mlpProjBias;
    final float[][] attn, proj, fc, mlpProj;

    Block(ParameterRows p, int l) {
      String n = "h." + l + ".";
      ln1Gain = p.vector(n + "ln_1.weight");
      ln1Bias = p.vector(n + "ln_1.bias");
      attn = p.matrix(n + "attn.c_attn.weight");
      attnBias = p.vector(n + "attn.c_attn.bias");
      proj = p.matrix(n + "attn.c_proj.weight");
      projBias = p.vector(n + "attn.c_proj.bias");
      ln2Gain = p.vector(n + "ln_2.weight");
      ln2Bias = p.vector(n + "ln_2.bias");
      fc = p.matrix(n + "mlp.c_fc.weight");
      fcBias = p.vector(n + "mlp.c_fc.bias");
      mlpProj = p.matrix(n + "mlp.c_proj.weight");
      mlpProjBias = p.vector(n + "mlp.c_proj.bias");
    }
  }

  /** The token embeddings, and the output's weight [vocab, hidden]: wte itself when tied, {@code lm_head.weight} when not. */
  final float[][] wte, wpe, output;
  final float[] lnfGain, lnfBias;
  final Block[] blocks;

  DecoderTensors(ParameterRows p, int layers, boolean tied) {
    wte = p.matrix("wte.weight");
    output = tied ? wte : p.matrix("lm_head.weight");
    wpe = p.matrix("wpe.weight");
    lnfGain = p.vector("ln_f.weight");
    lnfBias = p.vector("ln_f.bias");
    blocks = new Block[layers];
    for (int l = 0; l < layers; l++) {
      blocks[l] = new Block(p, l);
    }
  }
}
