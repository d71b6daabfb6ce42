#!/usr/bin/python3
"""torch.nn.LSTM's values for nlpm's reference LSTM, in float64: one layer, input 3, hidden 4,
5 steps, batch 2, a carried state (h0, c0); outputs, final state, and the gradients of
sum(out * R) + sum(hT * RH) + sum(cT * RC) for the input, the carried state and every weight
(PyTorch's names: weight_ih_l0 [4H, in], weight_hh_l0, bias_ih_l0, bias_hh_l0; gates i, f, g, o).

  /usr/bin/python3 make_lstm_fixture.py OUT.json
"""
import json
import sys

import torch

torch.manual_seed(4)
D = torch.float64
T, B, IN, H = 5, 2, 3, 4
lstm = torch.nn.LSTM(IN, H, dtype=D)
x = torch.randn(T, B, IN, dtype=D, requires_grad=True)
h0 = torch.randn(1, B, H, dtype=D, requires_grad=True)
c0 = torch.randn(1, B, H, dtype=D, requires_grad=True)
out, (hT, cT) = lstm(x, (h0, c0))
r, rh, rc = torch.randn_like(out), torch.randn_like(hT), torch.randn_like(cT)
loss = (out * r).sum() + (hT * rh).sum() + (cT * rc).sum()
params = [lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0]
grads = torch.autograd.grad(loss, [x, h0, c0] + params)
flat = lambda t: t.detach().reshape(-1).tolist()  # noqa: E731
names = ["x", "h0", "c0", "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
fixture = {"x": flat(x), "h0": flat(h0), "c0": flat(c0), "weight_ih_l0": flat(params[0]), "weight_hh_l0": flat(params[1]),
           "bias_ih_l0": flat(params[2]), "bias_hh_l0": flat(params[3]), "out": flat(out), "hT": flat(hT), "cT": flat(cT),
           "r": flat(r), "rh": flat(rh), "rc": flat(rc), "grads": {n: flat(g) for n, g in zip(names, grads)}}
with open(sys.argv[1], "w") as f:
    json.dump(fixture, f)
    f.write("\n")
