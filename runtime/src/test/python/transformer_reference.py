"""Plain-PyTorch transformer encoders and decoders under the reference implementations' parameter
names, as nlpm's planner names them (compiler/.../plan/TransformerPlanner.java), for fixtures.

The `transformers` package is not installed here, so the models are written out, following
HuggingFace's modeling_bert.py (BertForPreTraining), modeling_roberta.py (RobertaForMaskedLM),
modeling_albert.py (AlbertForPreTraining) and modeling_gpt2.py (GPT2LMHeadModel), dropout off.
One `Shape` describes a declaration; `parameter_shapes` gives its stored tensors (tied ones left
out, as HuggingFace's safetensors leave them out); `encoder_forward` and `decoder_forward` compute
every intermediate result and the loss from a dict of parameters, in whatever dtype they have.

Conventions (the fixture README repeats them for the Java side):
- Attention: scores = q·kᵀ / sqrt(head size); encoders give padded keys zero weight (their
  scores are set to -inf before the softmax; padded query rows are computed like the others),
  the decoder masks later keys (causal) and nothing else.
- Post-LayerNorm block (BERT): a = LN_attn(x + attn(x)); x = LN_ffn(a + ffn(a)).
  Pre-LayerNorm block: a = x + attn(LN_attn(x)); x = a + ffn(LN_ffn(a)), LN_attn being the norm
  named for the attention sublayer (BERT's attention.output.LayerNorm, GPT-2's ln_1) and LN_ffn
  the feed-forward's (output.LayerNorm, ln_2). An encoder has no final LayerNorm (nlpm's planner
  plans none); the decoder has GPT-2's ln_f.
- Embeddings: word (+ learned position rows or the sinusoidal table) (+ token type), then the
  embeddings' LayerNorm, then (factorized) the E -> hidden mapping.
- Sinusoidal positions (Vaswani et al. 2017, and HuggingFace's create_sinusoidal_embeddings):
  P[pos, 2i] = sin(pos / 10000^(2i/d)), P[pos, 2i+1] = cos(pos / 10000^(2i/d)), pos from 0, no
  scaling of the word embeddings.
- RoBERTa's position ids: padding_idx + 1 + (index among the non-padding tokens) for a real token,
  padding_idx for a padding token (HuggingFace's create_position_ids_from_input_ids).
- MLM head: dense (hidden -> E), activation, LayerNorm over E, then the word embeddings [V, E]
  transposed plus the head's bias. At E = hidden that is BERT's and RoBERTa's head.
"""
import math
from dataclasses import dataclass

import torch

ROBERTA_PADDING_IDX = 1


@dataclass(frozen=True)
class Shape:
    family: str  # "encoder" or "decoder"
    names: str  # "bert", "roberta", "albert" (encoders) or "gpt2" (decoder)
    vocab: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    max_length: int
    eps: float
    activation: str  # "gelu" (erf) or "gelu_tanh"
    placement: str  # "post" or "pre"
    positions: str = "learned"  # or "sinusoidal"
    embedding_size: int = 0  # ALBERT's E; 0 means hidden
    segments: int = 0
    pooler: bool = False
    shared: bool = False  # every layer uses layer 0's weights
    tied: bool = True  # the decoder's output is the word embeddings
    objectives: tuple = ()  # of "mlm", "nsp", "sop", "clm"

    @property
    def e(self):
        return self.embedding_size or self.hidden

    @property
    def prefix(self):
        return {"bert": "bert.", "roberta": "roberta.", "albert": "albert.", "gpt2": "transformer."}[self.names]

    @property
    def mapped(self):
        """Whether the embeddings pass through encoder.embedding_hidden_mapping_in."""
        return self.family == "encoder" and (self.e != self.hidden or self.names == "albert")

    def config(self):
        """The shape as the fixtures' JSON states it."""
        return {"family": self.family, "names": self.names, "prefix": self.prefix, "vocab": self.vocab, "hidden": self.hidden,
                "layers": self.layers, "heads": self.heads, "intermediate": self.intermediate,
                "max_positions": self.max_length, "embedding_size": self.e, "type_vocab": self.segments,
                "positions": self.positions, "placement": self.placement, "eps": self.eps,
                "activation": self.activation, "pooler": self.pooler, "shared_layers": self.shared,
                "tie_embeddings": self.tied, "objectives": list(self.objectives)}


class _Names:
    """Collects stored tensor names and shapes; remembers which are LayerNorm weights."""

    def __init__(self):
        self.shapes = {}
        self.norm_weights = set()

    def tensor(self, name, *shape):
        assert name not in self.shapes, name
        self.shapes[name] = tuple(shape)

    def linear(self, name, n_in, n_out):
        """torch.nn.Linear: weight [out, in]."""
        self.tensor(name + ".weight", n_out, n_in)
        self.tensor(name + ".bias", n_out)

    def conv1d(self, name, n_in, n_out):
        """HuggingFace's Conv1D (GPT-2): weight [in, out]."""
        self.tensor(name + ".weight", n_in, n_out)
        self.tensor(name + ".bias", n_out)

    def norm(self, name, n):
        self.tensor(name + ".weight", n)
        self.tensor(name + ".bias", n)
        self.norm_weights.add(name + ".weight")


def encoder_layer_names(shape, layer):
    """Each role of an encoder layer's module, under the shape's names (no .weight/.bias)."""
    pre = shape.prefix
    if shape.names == "albert":
        base = f"{pre}encoder.albert_layer_groups.{layer}.albert_layers.0."
        return {"query": base + "attention.query", "key": base + "attention.key", "value": base + "attention.value",
                "attn_out": base + "attention.dense", "attn_norm": base + "attention.LayerNorm",
                "ffn_in": base + "ffn", "ffn_out": base + "ffn_output", "ffn_norm": base + "full_layer_layer_norm"}
    base = f"{pre}encoder.layer.{layer}."
    return {"query": base + "attention.self.query", "key": base + "attention.self.key",
            "value": base + "attention.self.value", "attn_out": base + "attention.output.dense",
            "attn_norm": base + "attention.output.LayerNorm", "ffn_in": base + "intermediate.dense",
            "ffn_out": base + "output.dense", "ffn_norm": base + "output.LayerNorm"}


def head_names(shape):
    """The heads' modules: the MLM transform, its norm and bias, and the sentence classifier."""
    if shape.names == "roberta":
        mlm = {"dense": "lm_head.dense", "norm": "lm_head.layer_norm", "bias": "lm_head.bias"}
    elif shape.names == "albert":
        mlm = {"dense": "predictions.dense", "norm": "predictions.LayerNorm", "bias": "predictions.bias"}
    else:
        mlm = {"dense": "cls.predictions.transform.dense", "norm": "cls.predictions.transform.LayerNorm",
               "bias": "cls.predictions.bias"}
    sentence = "sop_classifier.classifier" if shape.names == "albert" else "cls.seq_relationship"
    pooler = shape.prefix + ("pooler" if shape.names == "albert" else "pooler.dense")
    return mlm, sentence, pooler


def gpt2_layer_names(layer):
    base = f"transformer.h.{layer}."
    return {r: base + r for r in ("ln_1", "attn.c_attn", "attn.c_proj", "ln_2", "mlp.c_fc", "mlp.c_proj")}


def stored_layers(shape):
    return 1 if shape.shared else shape.layers


def _names(shape):
    n = _Names()
    h, e, v, i = shape.hidden, shape.e, shape.vocab, shape.intermediate
    pre = shape.prefix
    if shape.family == "decoder":
        assert shape.names == "gpt2" and shape.e == h and shape.placement == "pre"
        n.tensor(pre + "wte.weight", v, h)
        if shape.positions == "learned":
            n.tensor(pre + "wpe.weight", shape.max_length, h)
        for layer in range(stored_layers(shape)):
            r = gpt2_layer_names(layer)
            n.norm(r["ln_1"], h)
            n.conv1d(r["attn.c_attn"], h, 3 * h)
            n.conv1d(r["attn.c_proj"], h, h)
            n.norm(r["ln_2"], h)
            n.conv1d(r["mlp.c_fc"], h, i)
            n.conv1d(r["mlp.c_proj"], i, h)
        n.norm(pre + "ln_f", h)
        if not shape.tied:
            n.tensor("lm_head.weight", v, h)
        return n
    n.tensor(pre + "embeddings.word_embeddings.weight", v, e)
    if shape.positions == "learned":
        n.tensor(pre + "embeddings.position_embeddings.weight", shape.max_length, e)
    if shape.segments > 0:
        n.tensor(pre + "embeddings.token_type_embeddings.weight", shape.segments, e)
    n.norm(pre + "embeddings.LayerNorm", e)
    if shape.mapped:
        n.linear(pre + "encoder.embedding_hidden_mapping_in", e, h)
    for layer in range(stored_layers(shape)):
        r = encoder_layer_names(shape, layer)
        for role in ("query", "key", "value", "attn_out"):
            n.linear(r[role], h, h)
        n.norm(r["attn_norm"], h)
        n.linear(r["ffn_in"], h, i)
        n.linear(r["ffn_out"], i, h)
        n.norm(r["ffn_norm"], h)
    mlm, sentence, pooler = head_names(shape)
    if shape.pooler:
        n.linear(pooler, h, h)
    if "mlm" in shape.objectives:
        n.tensor(mlm["bias"], v)
        n.linear(mlm["dense"], h, e)
        n.norm(mlm["norm"], e)
    if "nsp" in shape.objectives or "sop" in shape.objectives:
        assert shape.pooler, "the sentence objectives classify the pooled output"
        n.linear(sentence, h, 2)
    return n


def parameter_shapes(shape):
    """Every stored tensor's name and shape (tied tensors left out)."""
    return dict(_names(shape).shapes)


def init(shape, generator, std):
    """Random float32 weights: N(0, std²), LayerNorm weights 1 + N(0, 0.01), in sorted name order."""
    n = _names(shape)
    out = {}
    for name in sorted(n.shapes):
        size = n.shapes[name]
        if name in n.norm_weights:
            t = 1 + 0.1 * torch.randn(*size, generator=generator)
        else:
            t = torch.randn(*size, generator=generator) * std
        out[name] = t.to(torch.float32)
    return out


# ---- the pieces ----

def activation(name, x):
    if name == "gelu":
        return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))
    if name == "gelu_tanh":
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    raise ValueError(name)


def sinusoidal(length, d, dtype=torch.float64):
    """Vaswani et al.'s table [length, d]: sin at even features, cos at odd, 10000^(2i/d)."""
    pos = torch.arange(length, dtype=dtype)[:, None]
    pair = torch.div(torch.arange(d), 2, rounding_mode="floor").to(dtype)
    angle = pos / torch.pow(torch.tensor(10000.0, dtype=dtype), 2 * pair / d)
    table = torch.empty(length, d, dtype=dtype)
    table[:, 0::2] = torch.sin(angle[:, 0::2])
    table[:, 1::2] = torch.cos(angle[:, 1::2])
    return table


def roberta_position_ids(ids, padding_idx=ROBERTA_PADDING_IDX):
    """HuggingFace's create_position_ids_from_input_ids (past_key_values_length 0)."""
    real = ids.ne(padding_idx).long()
    return torch.cumsum(real, dim=1) * real + padding_idx


def _linear(p, name, x):
    return torch.nn.functional.linear(x, p[name + ".weight"], p[name + ".bias"])


def _norm(p, name, x, eps):
    return torch.nn.functional.layer_norm(x, (x.size(-1),), p[name + ".weight"], p[name + ".bias"], eps)


def attention(q, k, v, heads, allowed):
    """Multi-head attention over [b, t, h] projections; allowed [b or 1, 1 or t, t] keys, True kept."""
    b, t, h = q.shape
    d = h // heads

    def split(z):
        return z.view(b, t, heads, d).transpose(1, 2)

    scores = split(q) @ split(k).transpose(-1, -2) / math.sqrt(d)
    scores = scores.masked_fill(~allowed[:, None], float("-inf"))
    return (scores.softmax(-1) @ split(v)).transpose(1, 2).reshape(b, t, h)


def encoder_layer(shape, p, r, x, allowed):
    """One encoder block, post- or pre-LayerNorm, with the modules named in r."""
    eps = shape.eps

    def attend(z):
        context = attention(_linear(p, r["query"], z), _linear(p, r["key"], z), _linear(p, r["value"], z),
                            shape.heads, allowed)
        return _linear(p, r["attn_out"], context)

    def ffn(z):
        return _linear(p, r["ffn_out"], activation(shape.activation, _linear(p, r["ffn_in"], z)))

    if shape.placement == "post":
        a = _norm(p, r["attn_norm"], x + attend(x), eps)
        return _norm(p, r["ffn_norm"], a + ffn(a), eps)
    a = x + attend(_norm(p, r["attn_norm"], x, eps))
    return a + ffn(_norm(p, r["ffn_norm"], a, eps))


def gpt2_layer(shape, p, r, x, allowed):
    """One GPT-2 block: Conv1D weights [in, out], c_attn's output q | k | v side by side."""
    h, eps = shape.hidden, shape.eps

    def conv1d(name, z):
        return z @ p[name + ".weight"] + p[name + ".bias"]

    q, k, v = conv1d(r["attn.c_attn"], _norm(p, r["ln_1"], x, eps)).split(h, dim=2)
    a = x + conv1d(r["attn.c_proj"], attention(q, k, v, shape.heads, allowed))
    inner = activation(shape.activation, conv1d(r["mlp.c_fc"], _norm(p, r["ln_2"], a, eps)))
    return a + conv1d(r["mlp.c_proj"], inner)


# ---- whole models ----

def encoder_forward(shape, p, ids, lengths, types=None, mlm_labels=None, sentence_labels=None):
    """Everything an encoder computes for a tail-padded batch [b, t]:

    position_ids, embeddings (after the embeddings' LayerNorm, E wide), hidden_states (the layers'
    input, then each layer's output; the last is the final hidden state), pooled, mlm_logits
    [b, t, V] (every row), sentence_logits [b, 2], the losses (mean MLM cross-entropy over the
    labelled positions, plus the sentence objective's mean cross-entropy) and their sum, loss.
    """
    b, t = ids.shape
    pre = shape.prefix
    dtype = p[pre + "embeddings.word_embeddings.weight"].dtype
    real = torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]
    if shape.names == "roberta":
        position_ids = roberta_position_ids(ids)
    else:
        position_ids = torch.arange(t).expand(b, t)
    x = p[pre + "embeddings.word_embeddings.weight"][ids]
    if shape.positions == "learned":
        x = x + p[pre + "embeddings.position_embeddings.weight"][position_ids]
    elif shape.positions == "sinusoidal":
        x = x + sinusoidal(shape.max_length, shape.e, dtype)[position_ids]
    if shape.segments > 0:
        x = x + p[pre + "embeddings.token_type_embeddings.weight"][types]
    x = _norm(p, pre + "embeddings.LayerNorm", x, shape.eps)
    out = {"position_ids": position_ids, "embeddings": x}
    if shape.mapped:
        x = _linear(p, pre + "encoder.embedding_hidden_mapping_in", x)
    allowed = real[:, None, :].expand(b, t, t)
    states = [x]
    for layer in range(shape.layers):
        x = encoder_layer(shape, p, encoder_layer_names(shape, 0 if shape.shared else layer), x, allowed)
        states.append(x)
    out["hidden_states"] = states
    mlm, sentence, pooler = head_names(shape)
    ce = torch.nn.functional.cross_entropy
    loss = 0
    if shape.pooler:
        out["pooled"] = torch.tanh(_linear(p, pooler, x[:, 0]))
    if "mlm" in shape.objectives:
        z = _norm(p, mlm["norm"], activation(shape.activation, _linear(p, mlm["dense"], x)), shape.eps)
        out["mlm_logits"] = z @ p[pre + "embeddings.word_embeddings.weight"].T + p[mlm["bias"]]
        out["mlm_loss"] = ce(out["mlm_logits"].reshape(-1, shape.vocab), mlm_labels.reshape(-1), ignore_index=-100)
        loss = loss + out["mlm_loss"]
    if "nsp" in shape.objectives or "sop" in shape.objectives:
        out["sentence_logits"] = _linear(p, sentence, out["pooled"])
        out["sentence_loss"] = ce(out["sentence_logits"], sentence_labels)
        loss = loss + out["sentence_loss"]
    out["loss"] = loss
    return out


def decoder_forward(shape, p, ids, labels):
    """Everything GPT2LMHeadModel computes for [b, t] (positions 0..t-1, causal attention only):

    embeddings (wte + wpe), hidden_states (the layers' input, then each layer's output, before
    ln_f), final (after ln_f), logits [b, t, V], and loss: mean cross-entropy of logits[:, :-1]
    against labels[:, 1:], ignoring -100.
    """
    b, t = ids.shape
    x = p["transformer.wte.weight"][ids]
    if shape.positions == "learned":
        x = x + p["transformer.wpe.weight"][torch.arange(t)][None]
    out = {"embeddings": x}
    allowed = torch.tril(torch.ones(t, t, dtype=torch.bool))[None]
    states = [x]
    for layer in range(shape.layers):
        x = gpt2_layer(shape, p, gpt2_layer_names(0 if shape.shared else layer), x, allowed)
        states.append(x)
    out["hidden_states"] = states
    x = _norm(p, "transformer.ln_f", x, shape.eps)
    out["final"] = x
    out["logits"] = x @ p["transformer.wte.weight" if shape.tied else "lm_head.weight"].T
    out["loss"] = torch.nn.functional.cross_entropy(out["logits"][:, :-1].reshape(-1, shape.vocab),
                                                    labels[:, 1:].reshape(-1), ignore_index=-100)
    return out
