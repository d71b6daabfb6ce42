#!/usr/bin/python3
"""Reference runs of torch.optim.AdamW for nlpm's optimizer: a few steps on a small seeded problem
with HuggingFace's linear warmup/decay schedule (get_linear_schedule_with_warmup, written out here
so that transformers is not needed; torch's LambdaLR applies it) and clip_grad_norm_ before each
step, all in float32 on the CPU.

The 37 parameters are three tensors in two param groups, as BERT's are: tensors a and c decay,
tensor b (a bias or LayerNorm weight in BERT) does not. Laid end to end they are nlpm's flat buffer:
a = [0, 20), b = [20, 29), c = [29, 37).

Two cases: "bert" uses BERT's settings (peak 1e-3, weight decay 0.01, default betas and eps,
max_norm 1); "strong" uses a large learning rate and weight decay, other betas and eps, and
larger gradients, so that the weight decay, the second moment and a step past `total` (lr 0)
are all far above the test's tolerance. "schedule" lists the rates LambdaLR gives over a longer
run with awkward numbers, which nlpm must reproduce to the bit.

  /usr/bin/python3 make_optim_fixtures.py OUT.json
"""
import json
import sys

import torch

SIZES = (20, 9, 8)


def linear_schedule_with_warmup(warmup, total):
    def lr_lambda(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        return max(0.0, float(total - step) / float(max(1, total - warmup)))
    return lr_lambda


def run(seed, steps, peak, warmup, total, weight_decay, betas, eps, max_norm, grad_scales):
    g = torch.Generator().manual_seed(seed)
    a, b, c = (torch.randn(n, generator=g, dtype=torch.float32).requires_grad_() for n in SIZES)
    params = [a, b, c]
    initial = torch.cat([p.detach() for p in params]).tolist()
    optimizer = torch.optim.AdamW(
        [{"params": [a, c], "weight_decay": weight_decay}, {"params": [b], "weight_decay": 0.0}],
        lr=peak, betas=betas, eps=eps, foreach=False)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_schedule_with_warmup(warmup, total))
    record = {"grads": [], "lr": [], "norm": [], "params": []}
    for step in range(steps):
        flat = torch.randn(sum(SIZES), generator=g, dtype=torch.float32) * grad_scales[step]
        record["grads"].append(flat.tolist())
        for p, part in zip(params, flat.split(SIZES)):
            p.grad = part.clone()
        norm = torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm)
        record["norm"].append(norm.item())
        lrs = {group["lr"] for group in optimizer.param_groups}
        assert len(lrs) == 1
        record["lr"].append(lrs.pop())
        optimizer.step()
        scheduler.step()
        record["params"].append(torch.cat([p.detach() for p in params]).tolist())
    assert any(n > max_norm for n in record["norm"]) and any(n < max_norm for n in record["norm"]), \
        "each case should clip some steps and leave others alone"
    state = [optimizer.state[p] for p in params]
    steps_taken = {s["step"].item() for s in state}
    assert steps_taken == {float(steps)}
    return {
        "peak": peak, "warmup": warmup, "total": total, "weight_decay": weight_decay,
        "beta1": betas[0], "beta2": betas[1], "eps": eps, "max_norm": max_norm,
        "decayed": [[0, 20, True], [20, 29, False], [29, 37, True]],
        "initial": initial, **record,
        "m": torch.cat([s["exp_avg"] for s in state]).tolist(),
        "v": torch.cat([s["exp_avg_sq"] for s in state]).tolist(),
        "step_count": steps,
    }


def schedule(peak, warmup, total, steps):
    dummy = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.AdamW([dummy], lr=peak)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_schedule_with_warmup(warmup, total))
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return {"peak": peak, "warmup": warmup, "total": total, "lr": rates}


def main(out):
    cases = {
        "bert": run(seed=11, steps=5, peak=1e-3, warmup=2, total=5, weight_decay=0.01,
                    betas=(0.9, 0.999), eps=1e-8, max_norm=1.0,
                    grad_scales=[0.5, 0.05, 0.3, 0.1, 0.02]),
        "strong": run(seed=12, steps=5, peak=0.05, warmup=1, total=4, weight_decay=0.1,
                      betas=(0.8, 0.99), eps=1e-6, max_norm=5.0,
                      grad_scales=[2.0, 0.3, 1.5, 0.5, 1.0]),
    }
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases,
                   "schedule": schedule(peak=3e-5, warmup=7, total=23, steps=26)}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
