#!/usr/bin/python3
"""A tiny GPT-2 language model in plain PyTorch, with HuggingFace's parameter names and layouts
and its GPT2LMHeadModel computation, dropout off: token plus learned position embeddings;
pre-LayerNorm blocks x = x + c_proj(attn(ln_1(x))), x = x + mlp.c_proj(gelu_new(mlp.c_fc(ln_2(x))));
causal multi-head attention scaled by 1/sqrt(head size); a final ln_f; logits = ln_f(x)·wteᵀ (tied,
no bias); and the loss HF computes when given labels: mean cross-entropy of logits[:, :-1] against
labels[:, 1:], ignoring -100. Conv1D layers (c_attn, c_proj, c_fc) store their weights
[in, out] and compute x @ W + b; c_attn's output is q | k | v side by side.

The `transformers` package is not installed here, so the model is written out; the layouts
follow modeling_gpt2.py (GPT2Attention, GPT2MLP with NewGELUActivation, GPT2LMHeadModel).

Writes its random float32 weights as safetensors (gpt2_tiny.safetensors), and in gpt2_tiny.json
the inputs (labels with some positions ignored) and what the model computes from those weights in
float64: the final hidden states, the logits, the loss, and the gradient of every parameter.

  /usr/bin/python3 make_gpt2_reference_fixture.py OUT_DIR
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_safetensors_fixtures import write  # noqa: E402

V, H, L, A, I, P = 50, 16, 2, 2, 64, 16
EPS = 1e-5
B, T = 2, 7


def parameters(g):
    shapes = {
        "transformer.wte.weight": (V, H),
        "transformer.wpe.weight": (P, H),
        "transformer.ln_f.weight": (H,), "transformer.ln_f.bias": (H,),
    }
    for l in range(L):
        pre = f"transformer.h.{l}."
        shapes[pre + "ln_1.weight"] = (H,)
        shapes[pre + "ln_1.bias"] = (H,)
        shapes[pre + "attn.c_attn.weight"] = (H, 3 * H)
        shapes[pre + "attn.c_attn.bias"] = (3 * H,)
        shapes[pre + "attn.c_proj.weight"] = (H, H)
        shapes[pre + "attn.c_proj.bias"] = (H,)
        shapes[pre + "ln_2.weight"] = (H,)
        shapes[pre + "ln_2.bias"] = (H,)
        shapes[pre + "mlp.c_fc.weight"] = (H, I)
        shapes[pre + "mlp.c_fc.bias"] = (I,)
        shapes[pre + "mlp.c_proj.weight"] = (I, H)
        shapes[pre + "mlp.c_proj.bias"] = (H,)
    out = {}
    for name in sorted(shapes):
        t = torch.randn(*shapes[name], generator=g) * 0.2
        if name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
            t = 1 + 0.1 * torch.randn(*shapes[name], generator=g)
        out[name] = t.to(torch.float32)
    return out


def gelu_new(x):
    """HF's NewGELUActivation (GPT-2's "gelu_new"), torch's gelu(approximate='tanh')."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def conv1d(x, w, b):
    """HF's Conv1D: weight [in, out], y = x @ W + b."""
    return torch.addmm(b, x.reshape(-1, x.size(-1)), w).view(*x.shape[:-1], w.size(-1))


def forward(p, ids, labels):
    b, t = ids.shape
    ln = torch.nn.functional.layer_norm
    d = H // A
    x = p["transformer.wte.weight"][ids] + p["transformer.wpe.weight"][torch.arange(t)][None]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for l in range(L):
        pre = f"transformer.h.{l}."
        a = ln(x, (H,), p[pre + "ln_1.weight"], p[pre + "ln_1.bias"], EPS)
        q, k, v = conv1d(a, p[pre + "attn.c_attn.weight"], p[pre + "attn.c_attn.bias"]).split(H, dim=2)

        def heads(z):
            return z.view(b, t, A, d).transpose(1, 2)

        q, k, v = heads(q), heads(k), heads(v)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min, dtype=scores.dtype))
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, H)
        x = x + conv1d(context, p[pre + "attn.c_proj.weight"], p[pre + "attn.c_proj.bias"])
        m = ln(x, (H,), p[pre + "ln_2.weight"], p[pre + "ln_2.bias"], EPS)
        inner = gelu_new(conv1d(m, p[pre + "mlp.c_fc.weight"], p[pre + "mlp.c_fc.bias"]))
        x = x + conv1d(inner, p[pre + "mlp.c_proj.weight"], p[pre + "mlp.c_proj.bias"])
    x = ln(x, (H,), p["transformer.ln_f.weight"], p["transformer.ln_f.bias"], EPS)
    logits = x @ p["transformer.wte.weight"].T
    shift_logits = logits[:, :-1, :].contiguous()
    shift_labels = labels[:, 1:].contiguous()
    loss = torch.nn.functional.cross_entropy(shift_logits.view(-1, V), shift_labels.view(-1), ignore_index=-100)
    return x, logits, loss


def main(out_dir):
    g = torch.Generator().manual_seed(2027)
    weights = parameters(g)
    write(os.path.join(out_dir, "gpt2_tiny.safetensors"), weights, {"format": "pt"})
    ids = torch.tensor([[3, 17, 42, 8, 8, 29, 0], [11, 49, 5, 23, 36, 2, 14]])
    # Labels are the ids (HF shifts them inside); some ignored, including one at position 0,
    # which is dropped by the shift anyway.
    labels = ids.clone()
    labels[0, 0] = -100
    labels[0, 6] = -100
    labels[1, 3] = -100
    p = {k: v.to(torch.float64).requires_grad_(True) for k, v in weights.items()}
    x, logits, loss = forward(p, ids, labels)
    names = sorted(p)
    grads = torch.autograd.grad(loss, [p[n] for n in names])
    flat = lambda t: t.detach().reshape(-1).tolist()  # noqa: E731
    fixture = {"config": {"vocab": V, "hidden": H, "layers": L, "heads": A, "intermediate": I, "max_positions": P,
                          "eps": EPS, "activation": "gelu_tanh"},
               "ids": flat(ids), "labels": flat(labels), "batch": B, "seq": T,
               "hidden": flat(x), "logits": flat(logits), "loss": loss.item(),
               "gradients": {n: flat(gr) for n, gr in zip(names, grads)}}
    with open(os.path.join(out_dir, "gpt2_tiny.json"), "w") as f:
        json.dump(fixture, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
