#!/usr/bin/python3
"""PyTorch's side of benchmarks/gpt/side_by_side.sh: GPT generation and a training step on the CPU.

A plain-PyTorch GPT-2 with HuggingFace GPT2LMHeadModel's structure and names (wte, wpe, pre-LN
blocks h.N with ln_1, attn.c_attn (fused q/k/v) and attn.c_proj, ln_2, mlp.c_fc and mlp.c_proj,
tanh GELU, ln_f, lm_head tied to wte; dropout 0), at GptMini's sizes (stdlib-models
decoders.nlpm: vocab 50257, hidden 256, 4 layers, 4 heads, intermediate 1024, 256 positions),
at THREADS intra-op threads:
  generate      batch 1: a 16-token prompt in one forward pass, then 128 greedy new tokens one at a
                time against a hand-written KV cache (per layer, the keys and values so far,
                appended with torch.cat), under torch.inference_mode(); one call is the whole
                generation, prompt included
  train-step    batch 8 x 128: causal-LM loss (position t predicts token t + 1), backward, AdamW
                step (lr 1e-4, weight decay 0.01)
Timing rules and output as torch_bert.py's: warm up (5 runs or 2 s, at least 2), then repeat until
at least 20 runs and 3 s, or at least 5 runs and 10 s, and print the median as TSV: impl, model,
threads, case, median_ms, reps, cpu_per_wall.

  /usr/bin/python3 torch_gpt.py THREADS

OPENBLAS_NUM_THREADS / OMP_NUM_THREADS are set to THREADS before torch loads, and with THREADS > 1
OMP_WAIT_POLICY=PASSIVE (unless already set), as in torch_bert.py.
"""
import math
import os
import statistics
import sys
import time

THREADS = int(sys.argv[1])
os.environ["OPENBLAS_NUM_THREADS"] = str(THREADS)
os.environ["OMP_NUM_THREADS"] = str(THREADS)
if THREADS > 1:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

MODEL = "gpt-mini"
VOCAB, HIDDEN, LAYERS, HEADS, INTERMEDIATE, POSITIONS, EPS = 50257, 256, 4, 4, 1024, 256, 1e-5
PROMPT, NEW_TOKENS, SEQ, TRAIN_BATCH = 16, 128, 128, 8


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(HIDDEN, 3 * HIDDEN)
        self.c_proj = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, x, past=None):
        """x: [B, T, H]; past: (k, v) of [B, heads, P, d] or None. Returns output and (k, v)."""
        b, t, _ = x.shape
        q, k, v = self.c_attn(x).split(HIDDEN, dim=2)
        d = HIDDEN // HEADS
        q, k, v = (z.view(b, t, HEADS, d).transpose(1, 2) for z in (q, k, v))
        if past is not None:
            k = torch.cat((past[0], k), dim=2)
            v = torch.cat((past[1], v), dim=2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(d)
        if t > 1:
            p = k.shape[2]
            mask = torch.ones(t, p, dtype=torch.bool).tril(diagonal=p - t)
            scores = scores.masked_fill(~mask, float("-inf"))
        y = (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, HIDDEN)
        return self.c_proj(y), (k, v)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_fc = nn.Linear(HIDDEN, INTERMEDIATE)
        self.c_proj = nn.Linear(INTERMEDIATE, HIDDEN)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(HIDDEN, eps=EPS)
        self.attn = Attention()
        self.ln_2 = nn.LayerNorm(HIDDEN, eps=EPS)
        self.mlp = Mlp()

    def forward(self, x, past=None):
        a, present = self.attn(self.ln_1(x), past)
        x = x + a
        return x + self.mlp(self.ln_2(x)), present


class Gpt2LMHeadModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(VOCAB, HIDDEN)
        self.wpe = nn.Embedding(POSITIONS, HIDDEN)
        self.h = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln_f = nn.LayerNorm(HIDDEN, eps=EPS)
        self.lm_head = nn.Linear(HIDDEN, VOCAB, bias=False)
        self.lm_head.weight = self.wte.weight  # tied
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, ids, past=None):
        """ids: [B, T]; past: a list of (k, v) per layer or None. Returns logits and the new past."""
        start = 0 if past is None else past[0][0].shape[2]
        positions = torch.arange(start, start + ids.shape[1])
        x = self.wte(ids) + self.wpe(positions)
        presents = []
        for i, block in enumerate(self.h):
            x, present = block(x, None if past is None else past[i])
            presents.append(present)
        return self.lm_head(self.ln_f(x)), presents

    def loss(self, ids):
        logits, _ = self(ids)
        return F.cross_entropy(logits[:, :-1].reshape(-1, VOCAB), ids[:, 1:].reshape(-1))


def median_ms(step):
    start = time.perf_counter()
    warm = 0
    while warm < 2 or (warm < 5 and time.perf_counter() - start < 2.0):
        step()
        warm += 1
    times = []
    start, cpu = time.perf_counter(), time.process_time()
    while True:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - start
        if (len(times) >= 20 and elapsed >= 3.0) or (len(times) >= 5 and elapsed >= 10.0):
            break
    return statistics.median(times) * 1000.0, len(times), (time.process_time() - cpu) / elapsed


def main():
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    model = Gpt2LMHeadModel()
    model.eval()
    prompt = torch.randint(0, VOCAB, (1, PROMPT), generator=g)

    def generate():
        with torch.inference_mode():
            logits, past = model(prompt)
            out = []
            for i in range(NEW_TOKENS):
                token = logits[:, -1].argmax(dim=-1, keepdim=True)
                out.append(token)
                if i < NEW_TOKENS - 1:
                    logits, past = model(token, past)
            return torch.cat(out, dim=1)

    results = [("generate", median_ms(generate))]

    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    ids = torch.randint(0, VOCAB, (TRAIN_BATCH, SEQ), generator=g)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        model.loss(ids).backward()
        optimizer.step()

    results.append(("train-step", median_ms(train_step)))
    for case, (ms, reps, load) in results:
        print(f"torch\t{MODEL}\t{THREADS}\t{case}\t{ms:.3f}\t{reps}\t{load:.2f}", flush=True)


if __name__ == "__main__":
    main()
