#!/usr/bin/python3
"""The encoder's interop fixture: a tiny BERT (L=2, H=64, A=2, intermediate 256, vocabulary 3000,
64 positions, 2 segments) in the plain-PyTorch BertForPreTraining of make_bert_reference_fixture.py,
with random weights, run in float32 as PyTorch runs it.

Writes to OUT_DIR
  bert_interop.safetensors       the weights, F32, under the pretraining checkpoint's names
                                 (bert.embeddings.…, cls.predictions.…, cls.seq_relationship.…;
                                 no cls.predictions.decoder.weight, tied to the word embeddings,
                                 as HuggingFace leaves it out)
  bert_interop_bf16.safetensors  the same weights rounded to BF16 (round to nearest even), to test
                                 widening on load
  bert_interop.json              the inputs (2 × 12, the second sequence padded after 8 positions,
                                 MLM labels at 3 positions, NSP labels) and the float32 outputs:
                                 last hidden states (every row, padded ones too), pooled output,
                                 MLM logits at the labelled positions only (row order), NSP logits
                                 and the total loss (mean MLM cross-entropy + NSP cross-entropy)

Floats are written as the shortest decimal that reads back as the same float32. Seeds are fixed
and torch runs on one thread, so the output is the same on every run.

  /usr/bin/python3 make_bert_interop_fixture.py OUT_DIR
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_bert_reference_fixture import EPS, forward, parameters  # noqa: E402
from make_safetensors_fixtures import write  # noqa: E402

V, H, L, A, I, P, T = 3000, 64, 2, 2, 256, 64, 2
DIMS = (V, H, L, A, I, P, T)
STD = 0.1
BATCH, SEQ = 2, 12
LENGTHS = [12, 8]


def f32(values):
    """A float32 tensor as a list of Python floats whose repr is float32's shortest round trip."""
    return [float(str(np.float32(x))) for x in values.detach().reshape(-1).numpy()]


def main(out_dir):
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(3000)
    weights = parameters(g, DIMS, STD)
    write(os.path.join(out_dir, "bert_interop.safetensors"), weights, {"format": "pt"})
    write(os.path.join(out_dir, "bert_interop_bf16.safetensors"),
          {k: v.to(torch.bfloat16) for k, v in weights.items()}, {"format": "pt"})

    # [CLS]=101-like ids are arbitrary here; every id is below V, padding is id 0, segment 0
    ids = torch.randint(1, V, (BATCH, SEQ), generator=g)
    types = torch.zeros(BATCH, SEQ, dtype=torch.long)
    mask = torch.zeros(BATCH, SEQ, dtype=torch.long)
    for b, n in enumerate(LENGTHS):
        mask[b, :n] = 1
        types[b, n // 2:n] = 1
        ids[b, n:] = 0
    mlm_labels = torch.full((BATCH, SEQ), -100, dtype=torch.long)
    for b, t in [(0, 2), (0, 9), (1, 6)]:
        mlm_labels[b, t] = int(torch.randint(0, V, (1,), generator=g))
    nsp_labels = torch.tensor([0, 1])

    with torch.no_grad():
        x, pooled, mlm, nsp, loss = forward(weights, ids, types, mask, mlm_labels, nsp_labels, DIMS)
    for name, t in [("hidden", x), ("pooled", pooled), ("mlm", mlm), ("nsp", nsp), ("loss", loss)]:
        assert t.dtype == torch.float32, name
    labelled = (mlm_labels.reshape(-1) != -100).nonzero().reshape(-1)
    ints = lambda t: t.reshape(-1).tolist()  # noqa: E731
    fixture = {"config": {"vocab": V, "hidden": H, "layers": L, "heads": A, "intermediate": I, "max_positions": P,
                          "type_vocab": T, "eps": EPS},
               "batch": BATCH, "seq": SEQ, "lengths": LENGTHS,
               "ids": ints(ids), "types": ints(types), "padding": ints(mask), "mlm_labels": ints(mlm_labels),
               "nsp_labels": ints(nsp_labels), "mlm_rows": ints(labelled),
               "hidden": f32(x), "pooled": f32(pooled), "mlm_logits": f32(mlm.reshape(-1, V)[labelled]),
               "nsp_logits": f32(nsp), "loss": f32(loss)[0]}
    with open(os.path.join(out_dir, "bert_interop.json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
