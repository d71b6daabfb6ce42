#!/usr/bin/env bash
# BERT side by side on the CPU: PyTorch (Debian's python3-torch, a plain-PyTorch BertForPreTraining
# with HuggingFace's structure and names, benchmarks/bert/bert_model.py), ONNX Runtime's Java API
# (the same weights exported with torch.onnx.export) and nlpm, for bert-tiny (L=2, H=128, A=2,
# I=512) and bert-mini (L=4, H=256, A=4, I=1024), vocab 30522, 512 positions, at 1 and 2 threads:
#   encoder       batch 1 x 128, hidden states + pooled output (inference)
#   encoder+mlm   the same plus MLM logits over all 128 positions
#   train-step    batch 8 x 128, MLM (15% labels) + NSP loss, backward, AdamW step (no ORT row:
#                 ONNX Runtime's Java API has no training here)
# Each cell is the median wall time of one call in ms (warm-up, then >= 20 runs and >= 3 s, or
# >= 5 runs and >= 10 s); threads > 1 run with OMP_WAIT_POLICY=PASSIVE; torch's BLAS (OpenBLAS) is
# held to the same thread count.
#
#   benchmarks/bert/side_by_side.sh [MODELS] [THREADS]
#   e.g. benchmarks/bert/side_by_side.sh "bert-tiny bert-mini" "1 2"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
models="${1:-bert-tiny bert-mini}"
thread_counts="${2:-1 2}"
here="$root/benchmarks/bert"
work="$root/benchmarks/target/bert"   # the .onnx files and the raw TSV; never committed
mkdir -p "$work"

if [ ! -f "$root/benchmarks/target/classpath.txt" ] \
    || [ -n "$(find "$root/benchmarks/src" "$root/benchmarks/pom.xml" -newer "$root/benchmarks/target/classpath.txt" -print -quit)" ]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"

# THREADS COMMAND...: runs COMMAND, with OMP_WAIT_POLICY=PASSIVE when THREADS > 1.
at_threads() { local t="$1"; shift; if [ "$t" -gt 1 ]; then OMP_WAIT_POLICY=PASSIVE "$@"; else "$@"; fi; }

# ---- nlpm ---------------------------------------------------------------------------------------
# THREADS MODEL...: nlpm's runtime encoder (NlpmBertLatency) with the generated kernels (impl nlpm),
# then with -Dnlpm.plainKernels=true, the EJML reference kernels (impl nlpm-ejml), same shapes and
# timing rules. The EJML path runs every model: its bert-mini train-step took about 10 s a rep on a
# 2-core machine, well under a minute (drop bert-mini from NLPM_EJML_MODELS where it takes longer).
run_nlpm() {
  local threads="$1"; shift
  java -cp "$cp" dev.nlpm.benchmarks.NlpmBertLatency "$threads" "$@"
  local ejml_models=()
  for m in "$@"; do
    case " ${NLPM_EJML_MODELS:-bert-tiny bert-mini} " in *" $m "*) ejml_models+=("$m") ;; esac
  done
  if [ "${#ejml_models[@]}" -gt 0 ]; then
    java -Dnlpm.plainKernels=true -cp "$cp" dev.nlpm.benchmarks.NlpmBertLatency "$threads" "${ejml_models[@]}"
  fi
}
# -------------------------------------------------------------------------------------------------

raw="$work/results.tsv"
: > "$raw"
echo "exporting ONNX models to $work" >&2
/usr/bin/python3 "$here/export_onnx.py" "$work" $models >&2
for threads in $thread_counts; do
  echo "torch, $threads thread(s)" >&2
  at_threads "$threads" /usr/bin/python3 "$here/torch_bert.py" "$threads" $models | tee -a "$raw" >&2
  echo "onnxruntime, $threads thread(s)" >&2
  at_threads "$threads" java -cp "$cp" dev.nlpm.benchmarks.OnnxBertLatency "$work" "$threads" $models \
    | tee -a "$raw" >&2
  at_threads "$threads" run_nlpm "$threads" $models | tee -a "$raw" >&2
done

/usr/bin/python3 - "$raw" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    impl, model, threads, case, ms, reps, load = line.rstrip("\n").split("\t")
    rows[(model, int(threads), case, impl)] = (float(ms), load)
keys = sorted({k[:3] for k in rows}, key=lambda k: (k[0] != "bert-tiny", k[0], k[2] == "train-step", k[2], k[1]))
def cell(k, impl):
    v = rows.get(k + (impl,))
    return "" if v is None else f"{v[0]:.2f}"
def ratio(k, impl):
    n, o = rows.get(k + ("nlpm",)), rows.get(k + (impl,))
    return "" if n is None or o is None else f"{o[0] / n[0]:.2f}"
print(f"median ms per call; x/nlpm > 1 means nlpm is faster; raw TSV with reps and CPU/wall: {sys.argv[1]}")
print("| model | case | threads | torch ms | onnxruntime ms | nlpm ms | nlpm-ejml ms | torch/nlpm | onnxruntime/nlpm | ejml/nlpm |")
print("|---|---|---|---|---|---|---|---|---|---|")
for k in keys:
    model, threads, case = k
    print(f"| {model} | {case} | {threads} | {cell(k, 'torch')} | {cell(k, 'onnxruntime')} | {cell(k, 'nlpm')} "
          f"| {cell(k, 'nlpm-ejml')} | {ratio(k, 'torch')} | {ratio(k, 'onnxruntime')} | {ratio(k, 'nlpm-ejml')} |")
PY
