package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.RnnCell;

/** Declares the slots of torch.nn.LSTM's and GRU's layers, in torch's names. */
final class Recurrent {

  private Recurrent() {}

  /**
   * One direction of one layer: {@code weight_ih_l<layer><suffix>} [gates × hidden, in], {@code
   * weight_hh} [gates × hidden, hidden], {@code bias_ih}, {@code bias_hh}.
   */
  static Op.Recurrent layer(Slots slots, String module, RnnCell cell, String layer, boolean reverse, int in, int hidden) {
    int gates = cell == RnnCell.LSTM ? 4 : 3;
    String l = "_l" + layer + (reverse ? "_reverse" : "");
    return new Op.Recurrent(
        cell, layer, reverse, in, hidden,
        slots.slot(module + ".weight_ih" + l, ParameterRole.WEIGHT, gates * hidden, in),
        slots.slot(module + ".weight_hh" + l, ParameterRole.WEIGHT, gates * hidden, hidden),
        slots.slot(module + ".bias_ih" + l, ParameterRole.BIAS, gates * hidden),
        slots.slot(module + ".bias_hh" + l, ParameterRole.BIAS, gates * hidden));
  }
}
