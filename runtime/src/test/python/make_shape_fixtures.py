#!/usr/bin/python3
"""Fixtures for the transformer shapes beyond BERT and tied GPT-2, at odd sizes (3 heads of 32,
hidden 96, feed-forward 160): a RoBERTa-shaped encoder, an ALBERT-shaped one (E = 40, one layer
shared by all three), a pre-LayerNorm encoder with sinusoidal positions, no token types and no
pooler, and a GPT-2 with an untied output. Each model is declared in <name>.nlpm beside its
fixture (the same declaration the Java side compiles), and computed by transformer_reference.py.

For each <name> in roberta_odd, albert_odd, preln_sinusoidal_odd, gpt2_untied_odd, writes to OUT_DIR
  <name>.safetensors            random float32 weights under nlpm's checkpoint names (the
                                backbone with its prefix; tied tensors left out)
  <name>_gradients.safetensors  the gradient of the loss for every tensor of <name>.safetensors,
                                under the same name, F32 (the uses of a tied or shared tensor summed)
  <name>.json                   the batch and every intermediate result (see README.md)
Everything is computed in float64 from the float32 weights, then rounded once to float32 (JSON
floats are the shortest decimals that read back as that float32). Seeds are fixed and torch runs
on one thread, so every run writes the same bytes.

Before writing, it checks its reference: it reproduces the committed bert_tiny and gpt2_tiny
fixtures (make_bert_reference_fixture.py, make_gpt2_reference_fixture.py) from their weights,
each layer of the four models against torch.nn.TransformerEncoderLayer holding the same weights,
the sinusoidal table against the formula written elementwise, and a few gradient elements of
every model, shared ALBERT weights among them, against central differences of the loss; and
that torch's float32 run of each model stays within a quarter of the Java side's tolerance.

  /usr/bin/python3 make_shape_fixtures.py OUT_DIR
"""
import functools
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transformer_reference as ref  # noqa: E402
from make_bert_interop_fixture import f32  # noqa: E402
from make_safetensors_fixtures import read, write  # noqa: E402

ODD = dict(vocab=101, hidden=96, heads=3, intermediate=160, activation="gelu")
MODELS = {
    "roberta_odd": ("RobertaOdd", ref.Shape(family="encoder", names="roberta", layers=2, max_length=22, eps=1e-5,
                                            placement="post", segments=1, pooler=True, objectives=("mlm",), **ODD)),
    "albert_odd": ("AlbertOdd", ref.Shape(family="encoder", names="albert", layers=3, max_length=20, eps=1e-12,
                                          placement="post", embedding_size=40, segments=2, pooler=True, shared=True,
                                          objectives=("mlm", "sop"), **ODD)),
    "preln_sinusoidal_odd": ("PreLnSinusoidalOdd", ref.Shape(family="encoder", names="bert", layers=2, max_length=20,
                                                             eps=1e-12, placement="pre", positions="sinusoidal",
                                                             segments=0, pooler=False, objectives=("mlm",), **ODD)),
    "gpt2_untied_odd": ("Gpt2UntiedOdd", ref.Shape(family="decoder", names="gpt2", layers=2, max_length=20, eps=1e-5,
                                                   placement="pre", tied=False, objectives=("clm",),
                                                   **dict(ODD, activation="gelu_tanh"))),
}
SEEDS = {"roberta_odd": 1501, "albert_odd": 1502, "preln_sinusoidal_odd": 1503, "gpt2_untied_odd": 1504}
STD = 0.1
BATCH, SEQ = 2, 11
LENGTHS = [11, 7]
MLM_POSITIONS = [(0, 1), (0, 4), (0, 9), (1, 2), (1, 5)]
HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "resources", "dev", "nlpm", "runtime", "reference")


def ints(t):
    return [int(v) for v in t.reshape(-1).tolist()]


def float64(weights):
    return {k: v.to(torch.float64).requires_grad_(True) for k, v in weights.items()}


# ---- the batches ----

def encoder_batch(shape, g):
    """Tail-padded ids (RoBERTa: <s> = 0 first, </s> = 2 last, padding 1; otherwise padding 0),
    token types (second half of each sequence 1 when there are two), MLM labels, sentence labels."""
    pad = ref.ROBERTA_PADDING_IDX if shape.names == "roberta" else 0
    low = 3 if shape.names == "roberta" else 1
    ids = torch.randint(low, shape.vocab, (BATCH, SEQ), generator=g)
    types = torch.zeros(BATCH, SEQ, dtype=torch.long)
    for b, n in enumerate(LENGTHS):
        if shape.names == "roberta":
            ids[b, 0], ids[b, n - 1] = 0, 2
        if shape.segments > 1:
            types[b, n // 2:n] = 1
        ids[b, n:] = pad
    mlm_labels = torch.full((BATCH, SEQ), -100, dtype=torch.long)
    for b, t in MLM_POSITIONS:
        assert t < LENGTHS[b]
        mlm_labels[b, t] = int(torch.randint(low, shape.vocab, (1,), generator=g))
    return ids, types, mlm_labels, torch.tensor([0, 1])


def decoder_batch(shape, g):
    """Ids with the second sequence's tail padded (id 0), labels = ids with the padded positions
    and one more ignored (-100)."""
    ids = torch.randint(0, shape.vocab, (BATCH, SEQ), generator=g)
    labels = ids.clone()
    for b, n in enumerate(LENGTHS):
        ids[b, n:] = 0
        labels[b, n:] = -100
    labels[0, 4] = -100
    return ids, labels


def run(shape, p, batch):
    if shape.family == "decoder":
        return ref.decoder_forward(shape, p, *batch)
    ids, types, mlm_labels, sentence_labels = batch
    return ref.encoder_forward(shape, p, ids, LENGTHS, types, mlm_labels, sentence_labels)


# ---- checks of the reference itself ----

def close(what, expected, actual, tol=1e-10):
    expected = torch.as_tensor(expected, dtype=torch.float64).reshape(-1)
    actual = actual.detach().to(torch.float64).reshape(-1)
    assert expected.shape == actual.shape, (what, expected.shape, actual.shape)
    error = ((actual - expected).abs() / (1e-12 + expected.abs())).max().item() if len(expected) else 0
    worst = (actual - expected).abs().max().item() if len(expected) else 0
    assert worst <= tol * (1 + expected.abs().max().item()), f"{what}: max error {worst} (relative {error})"


def reproduces_committed_fixtures():
    """transformer_reference computes what the existing BERT and GPT-2 reference scripts computed."""
    with open(os.path.join(REFERENCE, "bert_tiny.json")) as f:
        fx = json.load(f)
    c = fx["config"]
    shape = ref.Shape(family="encoder", names="bert", vocab=c["vocab"], hidden=c["hidden"], layers=c["layers"],
                      heads=c["heads"], intermediate=c["intermediate"], max_length=c["max_positions"], eps=c["eps"],
                      activation="gelu", placement="post", segments=c["type_vocab"], pooler=True,
                      objectives=("mlm", "nsp"))
    _, weights = read(os.path.join(REFERENCE, "bert_tiny.safetensors"))
    assert sorted(weights) == sorted(ref.parameter_shapes(shape)), "bert_tiny's names"
    b, t = fx["batch"], fx["seq"]
    as_ids = lambda k: torch.tensor(fx[k]).reshape(b, t)  # noqa: E731
    lengths = as_ids("padding").sum(1).tolist()
    p = float64(weights)
    out = ref.encoder_forward(shape, p, as_ids("ids"), lengths, as_ids("types"), as_ids("mlm_labels"),
                              torch.tensor(fx["nsp_labels"]))
    close("bert_tiny hidden", fx["hidden"], out["hidden_states"][-1])
    close("bert_tiny pooled", fx["pooled"], out["pooled"])
    close("bert_tiny mlm", fx["mlm_logits"], out["mlm_logits"])
    close("bert_tiny nsp", fx["nsp_logits"], out["sentence_logits"])
    close("bert_tiny loss", [fx["loss"]], out["loss"])
    names = sorted(fx["gradients"])
    for n, grad in zip(names, torch.autograd.grad(out["loss"], [p[n] for n in names])):
        close("bert_tiny gradient " + n, fx["gradients"][n], grad)

    with open(os.path.join(REFERENCE, "gpt2_tiny.json")) as f:
        fx = json.load(f)
    c = fx["config"]
    shape = ref.Shape(family="decoder", names="gpt2", vocab=c["vocab"], hidden=c["hidden"], layers=c["layers"],
                      heads=c["heads"], intermediate=c["intermediate"], max_length=c["max_positions"], eps=c["eps"],
                      activation=c["activation"], placement="pre", tied=True, objectives=("clm",))
    _, weights = read(os.path.join(REFERENCE, "gpt2_tiny.safetensors"))
    assert sorted(weights) == sorted(ref.parameter_shapes(shape)), "gpt2_tiny's names"
    b, t = fx["batch"], fx["seq"]
    p = float64(weights)
    out = ref.decoder_forward(shape, p, torch.tensor(fx["ids"]).reshape(b, t), torch.tensor(fx["labels"]).reshape(b, t))
    close("gpt2_tiny hidden", fx["hidden"], out["final"])
    close("gpt2_tiny logits", fx["logits"], out["logits"])
    close("gpt2_tiny loss", [fx["loss"]], out["loss"])
    names = sorted(fx["gradients"])
    assert names == sorted(p)
    for n, grad in zip(names, torch.autograd.grad(out["loss"], [p[n] for n in names])):
        close("gpt2_tiny gradient " + n, fx["gradients"][n], grad)


def torch_layer(shape, p, r):
    """torch.nn.TransformerEncoderLayer (float64, dropout 0) holding one layer's weights."""
    gpt2 = shape.family == "decoder"
    act = functools.partial(torch.nn.functional.gelu, approximate="tanh") if shape.activation == "gelu_tanh" else "gelu"
    layer = torch.nn.TransformerEncoderLayer(shape.hidden, shape.heads, shape.intermediate, dropout=0.0, activation=act,
                                             layer_norm_eps=shape.eps, batch_first=True,
                                             norm_first=shape.placement == "pre", dtype=torch.float64)
    layer.train()  # the eval-mode fast path would leave padded rows out
    w = lambda name: p[name + ".weight"].detach()  # noqa: E731
    bias = lambda name: p[name + ".bias"].detach()  # noqa: E731
    if gpt2:  # Conv1D stores [in, out]
        modules = [(layer.self_attn.in_proj_weight, w(r["attn.c_attn"]).T), (layer.self_attn.in_proj_bias, bias(r["attn.c_attn"])),
                   (layer.self_attn.out_proj.weight, w(r["attn.c_proj"]).T), (layer.self_attn.out_proj.bias, bias(r["attn.c_proj"])),
                   (layer.linear1.weight, w(r["mlp.c_fc"]).T), (layer.linear1.bias, bias(r["mlp.c_fc"])),
                   (layer.linear2.weight, w(r["mlp.c_proj"]).T), (layer.linear2.bias, bias(r["mlp.c_proj"])),
                   (layer.norm1.weight, w(r["ln_1"])), (layer.norm1.bias, bias(r["ln_1"])),
                   (layer.norm2.weight, w(r["ln_2"])), (layer.norm2.bias, bias(r["ln_2"]))]
    else:
        modules = [(layer.self_attn.in_proj_weight, torch.cat([w(r["query"]), w(r["key"]), w(r["value"])])),
                   (layer.self_attn.in_proj_bias, torch.cat([bias(r["query"]), bias(r["key"]), bias(r["value"])])),
                   (layer.self_attn.out_proj.weight, w(r["attn_out"])), (layer.self_attn.out_proj.bias, bias(r["attn_out"])),
                   (layer.linear1.weight, w(r["ffn_in"])), (layer.linear1.bias, bias(r["ffn_in"])),
                   (layer.linear2.weight, w(r["ffn_out"])), (layer.linear2.bias, bias(r["ffn_out"])),
                   (layer.norm1.weight, w(r["attn_norm"])), (layer.norm1.bias, bias(r["attn_norm"])),
                   (layer.norm2.weight, w(r["ffn_norm"])), (layer.norm2.bias, bias(r["ffn_norm"]))]
    with torch.no_grad():
        for target, value in modules:
            assert target.shape == value.shape
            target.copy_(value)
    return layer


def layers_match_torch(shape, p, g):
    """Each layer of the model gives torch.nn.TransformerEncoderLayer's output for random inputs."""
    x = torch.randn(BATCH, SEQ, shape.hidden, generator=g, dtype=torch.float64)
    real = torch.arange(SEQ)[None, :] < torch.tensor(LENGTHS)[:, None]
    for layer in range(ref.stored_layers(shape)):
        with torch.no_grad():
            if shape.family == "decoder":
                r = ref.gpt2_layer_names(layer)
                causal = torch.tril(torch.ones(SEQ, SEQ, dtype=torch.bool))
                mine = ref.gpt2_layer(shape, p, r, x, causal[None])
                theirs = torch_layer(shape, p, r)(x, src_mask=~causal)
            else:
                r = ref.encoder_layer_names(shape, layer)
                mine = ref.encoder_layer(shape, p, r, x, real[:, None, :].expand(BATCH, SEQ, SEQ))
                theirs = torch_layer(shape, p, r)(x, src_key_padding_mask=~real)
        close(f"{shape.names} layer {layer} against torch.nn", theirs, mine, 1e-12)


def sinusoidal_matches_formula():
    length, d = 20, 96
    table = ref.sinusoidal(length, d)
    for pos in range(length):
        for j in range(d):
            angle = pos / 10000 ** (2 * (j // 2) / d)
            expected = math.sin(angle) if j % 2 == 0 else math.cos(angle)
            assert abs(table[pos, j].item() - expected) < 1e-12, (pos, j)


def gradients_match_differences(shape, p, batch, grads, g):
    """Central differences of the loss at a few elements of a few tensors, against autograd."""
    names = sorted(p)
    picked = [n for n in names if "layer.0." in n or "layers.0." in n or "h.0." in n][:3]
    picked += [names[int(torch.randint(len(names), (1,), generator=g))] for _ in range(4)]
    picked += [n for n in names if "position" in n or "wpe" in n or n.startswith("lm_head")][:2]
    for name in picked:
        for _ in range(2):
            i = int(torch.randint(p[name].numel(), (1,), generator=g))
            h = 1e-6
            with torch.no_grad():
                flat = p[name].view(-1)
                flat[i] += h
                up = run(shape, p, batch)["loss"].item()
                flat[i] -= 2 * h
                down = run(shape, p, batch)["loss"].item()
                flat[i] += h
            numeric = (up - down) / (2 * h)
            analytic = grads[name].reshape(-1)[i].item()
            assert abs(numeric - analytic) <= 1e-7 + 1e-6 * abs(analytic), (shape.names, name, i, numeric, analytic)


def float32_fits_tolerance(shape, weights, batch, out, grads):
    """The same model run by torch in float32 stays well inside the Java side's tolerance,
    |a - b| <= 1e-5 + 1e-4·|b|: the fixture asks for float32 accuracy, not more."""
    p = {k: v.clone().requires_grad_(True) for k, v in weights.items()}
    out32 = run(shape, p, batch)
    names = sorted(p)
    grads32 = torch.autograd.grad(out32["loss"], [p[n] for n in names], allow_unused=True)
    pairs = [(k, out[k], out32[k]) for k in out if k != "hidden_states" and torch.is_floating_point(out[k])]
    pairs += [(f"hidden_states[{i}]", a, b) for i, (a, b) in enumerate(zip(out["hidden_states"], out32["hidden_states"]))]
    pairs += [("gradient " + n, grads[n], torch.zeros_like(p[n]) if g is None else g) for n, g in zip(names, grads32)]
    for what, expected, actual in pairs:
        share = ((actual.detach().double() - expected.detach()).abs() / (1e-5 + 1e-4 * expected.detach().abs())).max().item()
        assert share < 0.25, f"{shape.names} {what}: float32 uses {share:.2f} of the tolerance"


# ---- the fixtures ----

def make(out_dir, name):
    model, shape = MODELS[name]
    g = torch.Generator().manual_seed(SEEDS[name])
    weights = ref.init(shape, g, STD)
    declared = os.path.join(REFERENCE, name + ".nlpm")
    with open(declared) as f:
        assert f"model {model} :" in f.read(), f"{declared} declares {model}"
    batch = decoder_batch(shape, g) if shape.family == "decoder" else encoder_batch(shape, g)
    p = float64(weights)
    out = run(shape, p, batch)
    names = sorted(p)
    # RoBERTa's pooler feeds no objective: its gradient is zero
    grads = {n: torch.zeros_like(p[n]) if gr is None else gr
             for n, gr in zip(names, torch.autograd.grad(out["loss"], [p[n] for n in names], allow_unused=True))}

    layers_match_torch(shape, p, g)
    gradients_match_differences(shape, p, batch, grads, g)
    float32_fits_tolerance(shape, weights, batch, out, grads)

    write(os.path.join(out_dir, name + ".safetensors"), weights, {"format": "pt"})
    write(os.path.join(out_dir, name + "_gradients.safetensors"), {n: grads[n].to(torch.float32) for n in names},
          {"format": "pt", "of": "loss"})
    fixture = {"declaration": name + ".nlpm", "model": model, "config": shape.config(),
               "weights": name + ".safetensors", "gradients": name + "_gradients.safetensors",
               "batch": BATCH, "seq": SEQ, "lengths": LENGTHS}
    if shape.family == "decoder":
        ids, labels = batch
        fixture.update({"ids": ints(ids), "labels": ints(labels),
                        "embeddings": f32(out["embeddings"]),
                        "hidden_states": [f32(s) for s in out["hidden_states"]],
                        "final_hidden": f32(out["final"]), "logits": f32(out["logits"]),
                        "loss": f32(out["loss"])[0]})
    else:
        ids, types, mlm_labels, sentence_labels = batch
        rows = (mlm_labels.reshape(-1) != -100).nonzero().reshape(-1)
        fixture.update({"ids": ints(ids), "padding": ints(torch.arange(SEQ)[None] < torch.tensor(LENGTHS)[:, None]),
                        "position_ids": ints(out["position_ids"])})
        if shape.names == "roberta":
            fixture["padding_idx"] = ref.ROBERTA_PADDING_IDX
        if shape.segments > 0:
            fixture["types"] = ints(types)
        fixture.update({"mlm_labels": ints(mlm_labels), "mlm_rows": ints(rows)})
        if "sop" in shape.objectives:
            fixture["sop_labels"] = ints(sentence_labels)
        fixture.update({"embeddings": f32(out["embeddings"]),
                        "hidden_states": [f32(s) for s in out["hidden_states"]],
                        "final_hidden": f32(out["hidden_states"][-1])})
        if shape.pooler:
            fixture["pooled"] = f32(out["pooled"])
        fixture["mlm_logits"] = f32(out["mlm_logits"].reshape(-1, shape.vocab)[rows])
        fixture["mlm_loss"] = f32(out["mlm_loss"])[0]
        if "sop" in shape.objectives:
            fixture["sop_logits"] = f32(out["sentence_logits"])
            fixture["sop_loss"] = f32(out["sentence_loss"])[0]
        fixture["loss"] = f32(out["loss"])[0]
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")


def main(out_dir):
    torch.set_num_threads(1)
    reproduces_committed_fixtures()
    sinusoidal_matches_formula()
    for name in MODELS:
        make(out_dir, name)


if __name__ == "__main__":
    main(sys.argv[1])
