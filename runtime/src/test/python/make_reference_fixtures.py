#!/usr/bin/python3
"""Torch's values for nlpm's reference layers, in float64: nn.Linear, nn.LayerNorm (eps 1e-12),
HuggingFace BERT's attention core (scores / sqrt(d) + (1 - mask) * -10000, softmax, times V) and
cross_entropy with ignore_index=-100, each output and each input's gradient of sum(out * R).

  /usr/bin/python3 make_reference_fixtures.py OUT.json
"""
import json
import math
import sys

import torch

torch.manual_seed(11)
D = torch.float64


def leaf(*shape):
    return torch.randn(*shape, dtype=D, requires_grad=True)


def flat(t):
    return t.detach().reshape(-1).tolist()


def grads(out, inputs):
    r = torch.randn(out.shape, dtype=D)
    gs = torch.autograd.grad((out * r).sum(), inputs)
    return flat(r), [flat(g) for g in gs]


def main(path):
    fx = {}
    # Linear: x [3, 4], W [5, 4], b [5]
    x, w, b = leaf(3, 4), leaf(5, 4), leaf(5)
    y = torch.nn.functional.linear(x, w, b)
    r, (dx, dw, db) = grads(y, (x, w, b))
    fx["linear"] = {"x": flat(x), "w": flat(w), "b": flat(b), "y": flat(y), "r": r, "dx": dx, "dw": dw, "db": db}
    # LayerNorm over 6 features, eps 1e-12
    x, g, beta = leaf(3, 6), leaf(6), leaf(6)
    y = torch.nn.functional.layer_norm(x, (6,), g, beta, eps=1e-12)
    r, (dx, dg, dbeta) = grads(y, (x, g, beta))
    fx["layer_norm"] = {"x": flat(x), "gamma": flat(g), "beta": flat(beta), "y": flat(y), "r": r, "dx": dx, "dgamma": dg, "dbeta": dbeta}
    # Attention core: b 2, t 4, h 2, d 3; padding mask per batch
    b_, t, h, d = 2, 4, 2, 3
    q, k, v = leaf(b_, t, h * d), leaf(b_, t, h * d), leaf(b_, t, h * d)
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]], dtype=D)

    def heads(z):
        return z.view(b_, t, h, d).transpose(1, 2)

    scores = heads(q) @ heads(k).transpose(-1, -2) / math.sqrt(d)
    scores = scores + (1.0 - mask[:, None, None, :]) * -10000.0
    probs = scores.softmax(-1)
    out = (probs @ heads(v)).transpose(1, 2).reshape(b_, t, h * d)
    r, (dq, dk, dv) = grads(out, (q, k, v))
    fx["attention"] = {"q": flat(q), "k": flat(k), "v": flat(v), "padding": [int(m) for m in flat(mask)],
                       "probabilities": flat(probs), "out": flat(out), "r": r, "dq": dq, "dk": dk, "dv": dv}
    # Cross-entropy, one row ignored
    logits = leaf(4, 5)
    labels = torch.tensor([2, -100, 0, 4])
    loss = torch.nn.functional.cross_entropy(logits, labels, ignore_index=-100)
    (dlogits,) = torch.autograd.grad(loss, (logits,))
    fx["cross_entropy"] = {"logits": flat(logits), "labels": labels.tolist(), "loss": loss.item(), "dlogits": flat(dlogits)}
    with open(path, "w") as f:
        json.dump(fx, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
