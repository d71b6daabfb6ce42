#!/usr/bin/python3
"""A tiny BERT for pretraining in plain PyTorch, with HuggingFace's parameter names and its
BertForPreTraining computation (post-LayerNorm blocks, exact GELU, the (1 - mask) * -10000
padding mask, tanh pooler, MLM head tied to the word embeddings, NSP head), dropout off.

Writes its random float32 weights as safetensors (bert_tiny.safetensors), and in bert_tiny.json
the inputs (a padded tail in the second sequence, ignored MLM labels) and what the model computes
from those weights in float64: hidden states, pooled output, MLM and NSP logits, the loss, and
the gradients of a few parameters.

  /usr/bin/python3 make_bert_reference_fixture.py OUT_DIR
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_safetensors_fixtures import write  # noqa: E402

V, H, L, A, I, P, T = 40, 16, 2, 2, 32, 16, 2
EPS = 1e-12
# vocab, hidden, layers, heads, intermediate, max positions, segments; other fixtures pass their own
DIMS = (V, H, L, A, I, P, T)


def parameters(g, dims=DIMS, std=0.3):
    V, H, L, A, I, P, T = dims
    shapes = {
        "bert.embeddings.word_embeddings.weight": (V, H),
        "bert.embeddings.position_embeddings.weight": (P, H),
        "bert.embeddings.token_type_embeddings.weight": (T, H),
        "bert.embeddings.LayerNorm.weight": (H,), "bert.embeddings.LayerNorm.bias": (H,),
        "bert.pooler.dense.weight": (H, H), "bert.pooler.dense.bias": (H,),
        "cls.predictions.bias": (V,),
        "cls.predictions.transform.dense.weight": (H, H), "cls.predictions.transform.dense.bias": (H,),
        "cls.predictions.transform.LayerNorm.weight": (H,), "cls.predictions.transform.LayerNorm.bias": (H,),
        "cls.seq_relationship.weight": (2, H), "cls.seq_relationship.bias": (2,),
    }
    for l in range(L):
        pre = f"bert.encoder.layer.{l}."
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]:
            shapes[pre + name + ".weight"] = (H, H)
            shapes[pre + name + ".bias"] = (H,)
        shapes[pre + "attention.output.LayerNorm.weight"] = (H,)
        shapes[pre + "attention.output.LayerNorm.bias"] = (H,)
        shapes[pre + "intermediate.dense.weight"] = (I, H)
        shapes[pre + "intermediate.dense.bias"] = (I,)
        shapes[pre + "output.dense.weight"] = (H, I)
        shapes[pre + "output.dense.bias"] = (H,)
        shapes[pre + "output.LayerNorm.weight"] = (H,)
        shapes[pre + "output.LayerNorm.bias"] = (H,)
    out = {}
    for name in sorted(shapes):
        t = torch.randn(*shapes[name], generator=g) * std
        if name.endswith("LayerNorm.weight"):
            t = 1 + 0.1 * torch.randn(*shapes[name], generator=g)
        out[name] = t.to(torch.float32)
    return out


def gelu(x):
    return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))


def forward(p, ids, types, mask, mlm_labels, nsp_labels, dims=DIMS):
    V, H, L, A, I, P, T = dims
    b, t = ids.shape
    ln = torch.nn.functional.layer_norm
    lin = torch.nn.functional.linear
    x = p["bert.embeddings.word_embeddings.weight"][ids] + p["bert.embeddings.position_embeddings.weight"][torch.arange(t)][None] \
        + p["bert.embeddings.token_type_embeddings.weight"][types]
    x = ln(x, (H,), p["bert.embeddings.LayerNorm.weight"], p["bert.embeddings.LayerNorm.bias"], EPS)
    extended = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
    d = H // A
    for l in range(L):
        pre = f"bert.encoder.layer.{l}."

        def heads(z):
            return z.view(b, t, A, d).transpose(1, 2)

        q = heads(lin(x, p[pre + "attention.self.query.weight"], p[pre + "attention.self.query.bias"]))
        k = heads(lin(x, p[pre + "attention.self.key.weight"], p[pre + "attention.self.key.bias"]))
        v = heads(lin(x, p[pre + "attention.self.value.weight"], p[pre + "attention.self.value.bias"]))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + extended
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, H)
        a = ln(lin(context, p[pre + "attention.output.dense.weight"], p[pre + "attention.output.dense.bias"]) + x, (H,),
               p[pre + "attention.output.LayerNorm.weight"], p[pre + "attention.output.LayerNorm.bias"], EPS)
        inner = gelu(lin(a, p[pre + "intermediate.dense.weight"], p[pre + "intermediate.dense.bias"]))
        x = ln(lin(inner, p[pre + "output.dense.weight"], p[pre + "output.dense.bias"]) + a, (H,),
               p[pre + "output.LayerNorm.weight"], p[pre + "output.LayerNorm.bias"], EPS)
    pooled = torch.tanh(lin(x[:, 0], p["bert.pooler.dense.weight"], p["bert.pooler.dense.bias"]))
    h = gelu(lin(x, p["cls.predictions.transform.dense.weight"], p["cls.predictions.transform.dense.bias"]))
    h = ln(h, (H,), p["cls.predictions.transform.LayerNorm.weight"], p["cls.predictions.transform.LayerNorm.bias"], EPS)
    mlm = lin(h, p["bert.embeddings.word_embeddings.weight"], p["cls.predictions.bias"])
    nsp = lin(pooled, p["cls.seq_relationship.weight"], p["cls.seq_relationship.bias"])
    ce = torch.nn.functional.cross_entropy
    loss = ce(mlm.reshape(-1, V), mlm_labels.reshape(-1), ignore_index=-100) + ce(nsp, nsp_labels)
    return x, pooled, mlm, nsp, loss


def main(out_dir):
    g = torch.Generator().manual_seed(2026)
    weights = parameters(g)
    write(os.path.join(out_dir, "bert_tiny.safetensors"), weights, {"format": "pt"})
    ids = torch.tensor([[1, 7, 12, 3, 25, 2], [1, 30, 3, 2, 0, 0]])
    types = torch.tensor([[0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]])
    mlm_labels = torch.tensor([[-100, 9, -100, -100, 14, -100], [-100, -100, 33, -100, -100, -100]])
    nsp_labels = torch.tensor([0, 1])
    p = {k: v.to(torch.float64).requires_grad_(True) for k, v in weights.items()}
    x, pooled, mlm, nsp, loss = forward(p, ids, types, mask, mlm_labels, nsp_labels)
    checked = ["bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
               "bert.encoder.layer.0.attention.self.query.weight", "bert.encoder.layer.1.output.LayerNorm.weight",
               "bert.pooler.dense.weight", "cls.predictions.bias", "cls.seq_relationship.weight"]
    grads = torch.autograd.grad(loss, [p[n] for n in checked])
    flat = lambda t: t.detach().reshape(-1).tolist()  # noqa: E731
    fixture = {"config": {"vocab": V, "hidden": H, "layers": L, "heads": A, "intermediate": I, "max_positions": P,
                          "type_vocab": T, "eps": EPS},
               "ids": flat(ids), "types": flat(types), "padding": flat(mask), "mlm_labels": flat(mlm_labels),
               "nsp_labels": flat(nsp_labels), "batch": 2, "seq": 6,
               "hidden": flat(x), "pooled": flat(pooled), "mlm_logits": flat(mlm), "nsp_logits": flat(nsp),
               "loss": loss.item(), "gradients": {n: flat(gr) for n, gr in zip(checked, grads)}}
    with open(os.path.join(out_dir, "bert_tiny.json"), "w") as f:
        json.dump(fixture, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
