package dev.nlpm.runtime.decoder;

import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;

/** How a decoder holds its parameters (and their gradients and moments) as rows. */
public final class DecoderParameters {

  private DecoderParameters() {}

  /**
   * The rows of a decoder's parameters. GPT-2's Conv1D weights are stored {@code [in, out]} and held
   * as stored; the blockwise proposal heads ({@code blockwise_heads.{i}.dense}) and the factorized
   * embeddings' maps to the hidden width and back ({@code embedding_hidden_mapping_in}, {@code
   * embedding_hidden_mapping_out}) are linear layers stored {@code [out, in]} like PyTorch's {@code
   * nn.Linear}, held transposed so that every weight reads {@code [in][out]}.
   */
  public static ParameterRows rows(ParameterLayout layout) {
    return new ParameterRows(layout,
        slot -> slot.name().startsWith(ProposalHeads.PREFIX) || slot.name().equals("embedding_hidden_mapping_in.weight")
            || slot.name().equals("embedding_hidden_mapping_out.weight"));
  }
}
