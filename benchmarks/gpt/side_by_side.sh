#!/usr/bin/env bash
# GPT side by side on the CPU: PyTorch (Debian's python3-torch, a plain-PyTorch GPT-2 with
# HuggingFace GPT2LMHeadModel's structure and names, benchmarks/gpt/torch_gpt.py) and nlpm's runtime
# decoder (NlpmGptLatency, the generated GptMiniModel), for GptMini (GPT-2's vocabulary 50257,
# hidden 256, 4 layers, 4 heads, intermediate 1024, 256 positions, tied output) at 1 and 2 threads:
#   generate      batch 1, 16-token prompt, then 128 greedy new tokens with a KV cache; one call is
#                 the whole generation (prompt included), tokens/s = 128 / its wall time
#   train-step    batch 8 x 128, causal-LM loss, backward, AdamW step
# Each cell is the median wall time of one call in ms (warm-up, then >= 20 runs and >= 3 s, or
# >= 5 runs and >= 10 s); threads > 1 run with OMP_WAIT_POLICY=PASSIVE; torch's BLAS (OpenBLAS) is
# held to the same thread count.
#
#   benchmarks/gpt/side_by_side.sh [THREADS]
#   e.g. benchmarks/gpt/side_by_side.sh "1 2"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
thread_counts="${1:-1 2}"
here="$root/benchmarks/gpt"
work="$root/benchmarks/target/gpt"   # the raw TSV; never committed
mkdir -p "$work"

if [ ! -f "$root/benchmarks/target/classpath.txt" ] \
    || [ -n "$(find "$root/benchmarks/src" "$root/benchmarks/pom.xml" -newer "$root/benchmarks/target/classpath.txt" -print -quit)" ]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"

# THREADS COMMAND...: runs COMMAND, with OMP_WAIT_POLICY=PASSIVE when THREADS > 1.
at_threads() { local t="$1"; shift; if [ "$t" -gt 1 ]; then OMP_WAIT_POLICY=PASSIVE "$@"; else "$@"; fi; }

raw="$work/results.tsv"
: > "$raw"
for threads in $thread_counts; do
  echo "torch, $threads thread(s)" >&2
  at_threads "$threads" /usr/bin/python3 "$here/torch_gpt.py" "$threads" | tee -a "$raw" >&2
  echo "nlpm, $threads thread(s)" >&2
  at_threads "$threads" java -cp "$cp" dev.nlpm.benchmarks.NlpmGptLatency "$threads" | tee -a "$raw" >&2
done

/usr/bin/python3 - "$raw" <<'PY'
import sys
NEW_TOKENS = 128
rows = {}
for line in open(sys.argv[1]):
    impl, model, threads, case, ms, reps, load = line.rstrip("\n").split("\t")
    rows[(model, int(threads), case, impl)] = (float(ms), int(reps), float(load))
keys = sorted({k[:3] for k in rows}, key=lambda k: (k[0], k[2] != "generate", k[1]))
def get(k, impl):
    return rows.get(k + (impl,))
def ms(k, impl):
    v = get(k, impl)
    return "" if v is None else f"{v[0]:.2f}"
def rate(k, impl):
    """generate: new tokens per second; train-step: steps per second."""
    v = get(k, impl)
    if v is None:
        return ""
    return f"{NEW_TOKENS / (v[0] / 1000.0):.1f}" if k[2] == "generate" else f"{1000.0 / v[0]:.3f}"
def load(k, impl):
    v = get(k, impl)
    return "" if v is None else f"{v[2]:.2f}"
def ratio(k):
    n, o = get(k, "nlpm"), get(k, "torch")
    return "" if n is None or o is None else f"{o[0] / n[0]:.2f}"
print(f"median ms per call; torch/nlpm > 1 means nlpm is faster; raw TSV with reps: {sys.argv[1]}")
print("| model | case | threads | torch ms | nlpm ms | torch/nlpm | torch tokens/s or steps/s | nlpm tokens/s or steps/s | torch cpu/wall | nlpm cpu/wall |")
print("|---|---|---|---|---|---|---|---|---|---|")
for k in keys:
    model, threads, case = k
    print(f"| {model} | {case} | {threads} | {ms(k, 'torch')} | {ms(k, 'nlpm')} | {ratio(k)} "
          f"| {rate(k, 'torch')} | {rate(k, 'nlpm')} | {load(k, 'torch')} | {load(k, 'nlpm')} |")
PY
