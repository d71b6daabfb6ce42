#!/usr/bin/python3
"""PyTorch's side of benchmarks/bert/side_by_side.sh: BERT latency and a training step on the CPU.

For each model (bert-tiny, bert-mini) at THREADS intra-op threads:
  encoder       batch 1 x 128, hidden states + pooled output, under torch.inference_mode()
  encoder+mlm   the same plus MLM logits over all 128 positions
  train-step    batch 8 x 128: forward with MLM loss over 15% masked positions + NSP loss,
                backward, AdamW step (lr 1e-4, weight decay 0.01), dropout off
Warms up (5 runs or 2 s, at least 2), then repeats until at least 20 runs and 3 s, or at least 5
runs and 10 s (the training steps), and prints the median as TSV: impl, model, threads, case,
median_ms, reps, cpu_per_wall (process CPU time over wall time while timing: about THREADS when
the threads are busy, more means something runs threads of its own).

  /usr/bin/python3 torch_bert.py THREADS [MODELS...]

Before torch loads it sets OPENBLAS_NUM_THREADS=THREADS: Debian's torch does its matrix products in
the system BLAS (BLAS_INFO=generic, OpenBLAS with its own pthreads), which torch.set_num_threads does
not reach, so "1 thread" would otherwise run its GEMMs on every core. With THREADS > 1 it also sets
OMP_WAIT_POLICY=PASSIVE (unless already set): Debian's libgomp otherwise spins its idle workers,
which makes 2 threads slower than 1 on a 2-core machine.
"""
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_model import CONFIGS, VOCAB, BertForPreTraining, inputs  # noqa: E402

SEQ, TRAIN_BATCH, MASKED = 128, 8, 0.15


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
    names = sys.argv[2:] or list(CONFIGS)
    for name in names:
        torch.manual_seed(0)
        g = torch.Generator().manual_seed(1)
        model = BertForPreTraining(name)
        model.eval()
        ids, types, mask = inputs(1, SEQ, g)

        def encoder():
            with torch.inference_mode():
                model.encode(ids, types, mask)

        def encoder_mlm():
            with torch.inference_mode():
                x, pooled = model.encode(ids, types, mask)
                model.cls.predictions(x)

        results = [("encoder", median_ms(encoder)), ("encoder+mlm", median_ms(encoder_mlm))]

        model.train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
        tids, ttypes, tmask = inputs(TRAIN_BATCH, SEQ, g)
        labels = torch.full((TRAIN_BATCH, SEQ), -100, dtype=torch.long)
        chosen = torch.rand(TRAIN_BATCH, SEQ, generator=g) < MASKED
        chosen[:, 0] = False  # never [CLS]
        labels[chosen] = torch.randint(1000, VOCAB, (int(chosen.sum()),), generator=g)
        nsp = torch.randint(0, 2, (TRAIN_BATCH,), generator=g)

        def train_step():
            optimizer.zero_grad(set_to_none=True)
            model.loss(tids, ttypes, tmask, labels, nsp).backward()
            optimizer.step()

        results.append(("train-step", median_ms(train_step)))
        for case, (ms, reps, load) in results:
            print(f"torch\t{name}\t{THREADS}\t{case}\t{ms:.3f}\t{reps}\t{load:.2f}", flush=True)


if __name__ == "__main__":
    main()
