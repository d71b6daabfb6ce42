"""BertForPreTraining in plain PyTorch (no `transformers` here), with HuggingFace's module structure
and so its state_dict names (bert.embeddings.word_embeddings.weight, bert.encoder.layer.0.attention
.self.query.weight, ..., cls.predictions.transform.dense.weight, cls.seq_relationship.weight).

The computation is runtime/src/test/python/make_bert_reference_fixture.py's, as modules: post-LayerNorm
blocks, exact (erf) GELU, the (1 - mask) * -10000 padding mask, tanh pooler, MLM head tied to the
word embeddings, NSP head. Dropout is a parameter (0.0, the fixture's, unless told).
"""
import math

import torch
from torch import nn
from torch.nn import functional as F

CONFIGS = {
    # name: (layers, hidden, heads, intermediate)
    "bert-tiny": (2, 128, 2, 512),
    "bert-mini": (4, 256, 4, 1024),
}
VOCAB, MAX_POSITIONS, TYPE_VOCAB, EPS = 30522, 512, 2, 1e-12


class BertEmbeddings(nn.Module):
    def __init__(self, hidden, dropout):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, hidden)
        self.position_embeddings = nn.Embedding(MAX_POSITIONS, hidden)
        self.token_type_embeddings = nn.Embedding(TYPE_VOCAB, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=EPS)
        self.dropout = nn.Dropout(dropout)

    def forward(self, ids, types):
        positions = torch.arange(ids.shape[1], device=ids.device)[None]
        x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings(types)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, hidden, heads, dropout):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, extended_mask):
        b, t, h = x.shape

        def split(z):
            return z.view(b, t, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + extended_mask
        return (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, h)


class BertSelfOutput(nn.Module):
    def __init__(self, hidden, dropout):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=EPS)
        self.dropout = nn.Dropout(dropout)

    def forward(self, context, x):
        return self.LayerNorm(self.dropout(self.dense(context)) + x)


class BertAttention(nn.Module):
    def __init__(self, hidden, heads, dropout):
        super().__init__()
        self.self = BertSelfAttention(hidden, heads, dropout)
        self.output = BertSelfOutput(hidden, dropout)

    def forward(self, x, extended_mask):
        return self.output(self.self(x, extended_mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.dense = nn.Linear(hidden, intermediate)

    def forward(self, x):
        return F.gelu(self.dense(x))


class BertOutput(nn.Module):
    def __init__(self, hidden, intermediate, dropout):
        super().__init__()
        self.dense = nn.Linear(intermediate, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=EPS)
        self.dropout = nn.Dropout(dropout)

    def forward(self, inner, a):
        return self.LayerNorm(self.dropout(self.dense(inner)) + a)


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, intermediate, dropout):
        super().__init__()
        self.attention = BertAttention(hidden, heads, dropout)
        self.intermediate = BertIntermediate(hidden, intermediate)
        self.output = BertOutput(hidden, intermediate, dropout)

    def forward(self, x, extended_mask):
        a = self.attention(x, extended_mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, layers, hidden, heads, intermediate, dropout):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(hidden, heads, intermediate, dropout) for _ in range(layers)])

    def forward(self, x, extended_mask):
        for layer in self.layer:
            x = layer(x, extended_mask)
        return x


class BertPooler(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, x):
        return torch.tanh(self.dense(x[:, 0]))


class BertModel(nn.Module):
    def __init__(self, layers, hidden, heads, intermediate, dropout):
        super().__init__()
        self.embeddings = BertEmbeddings(hidden, dropout)
        self.encoder = BertEncoder(layers, hidden, heads, intermediate, dropout)
        self.pooler = BertPooler(hidden)

    def forward(self, ids, types, mask):
        x = self.embeddings(ids, types)
        extended = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
        x = self.encoder(x, extended)
        return x, self.pooler(x)


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=EPS)

    def forward(self, x):
        return self.LayerNorm(F.gelu(self.dense(x)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, hidden, word_embeddings):
        super().__init__()
        self.transform = BertPredictionHeadTransform(hidden)
        self.decoder = nn.Linear(hidden, VOCAB, bias=False)
        self.decoder.weight = word_embeddings.weight  # tied, as HuggingFace ties them
        self.bias = nn.Parameter(torch.zeros(VOCAB))

    def forward(self, x):
        return self.decoder(self.transform(x)) + self.bias


class BertPreTrainingHeads(nn.Module):
    def __init__(self, hidden, word_embeddings):
        super().__init__()
        self.predictions = BertLMPredictionHead(hidden, word_embeddings)
        self.seq_relationship = nn.Linear(hidden, 2)


class BertForPreTraining(nn.Module):
    def __init__(self, name, dropout=0.0):
        super().__init__()
        layers, hidden, heads, intermediate = CONFIGS[name]
        self.bert = BertModel(layers, hidden, heads, intermediate, dropout)
        self.cls = BertPreTrainingHeads(hidden, self.bert.embeddings.word_embeddings)
        self.apply(self._init)

    @staticmethod
    def _init(m):  # HuggingFace's BertPreTrainedModel._init_weights, initializer_range 0.02
        if isinstance(m, (nn.Linear, nn.Embedding)):
            m.weight.data.normal_(0.0, 0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, nn.LayerNorm):
            m.weight.data.fill_(1.0)
            m.bias.data.zero_()

    def encode(self, ids, types, mask):
        """Hidden states and pooled output."""
        return self.bert(ids, types, mask)

    def forward(self, ids, types, mask):
        """Hidden states, pooled output, MLM logits over every position, NSP logits."""
        x, pooled = self.bert(ids, types, mask)
        return x, pooled, self.cls.predictions(x), self.cls.seq_relationship(pooled)

    def loss(self, ids, types, mask, mlm_labels, nsp_labels):
        _, _, mlm, nsp = self(ids, types, mask)
        return F.cross_entropy(mlm.reshape(-1, VOCAB), mlm_labels.reshape(-1), ignore_index=-100) \
            + F.cross_entropy(nsp, nsp_labels)


class EncoderOnly(nn.Module):
    """Case (a) as one graph: (input_ids, token_type_ids, attention_mask) -> (last_hidden_state, pooler_output)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids, types, mask):
        return self.model.encode(ids, types, mask)


class EncoderWithMlm(nn.Module):
    """Case (b) as one graph: the same plus prediction_logits over every position."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids, types, mask):
        x, pooled = self.model.encode(ids, types, mask)
        return x, pooled, self.model.cls.predictions(x)


def inputs(batch, seq, generator):
    """Random token ids (no padding), segment A then B, a full attention mask."""
    ids = torch.randint(1000, VOCAB, (batch, seq), generator=generator)
    ids[:, 0] = 101  # [CLS]
    types = torch.zeros(batch, seq, dtype=torch.long)
    types[:, seq // 2:] = 1
    mask = torch.ones(batch, seq, dtype=torch.long)
    return ids, types, mask
