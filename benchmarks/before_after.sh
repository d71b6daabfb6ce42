#!/usr/bin/env bash
# nlpm's BERT and GPT timings at two revisions, in one sitting, against one PyTorch run: what a
# change did to the ratios of benchmarks/bert and benchmarks/gpt (PyTorch / nlpm), without the
# drift between runs that makes tables from different days incomparable.
#
#   benchmarks/before_after.sh BEFORE_ROOT AFTER_ROOT [THREADS]
#   e.g. git worktree add /tmp/before <commit>; benchmarks/before_after.sh /tmp/before . "1 2"
#
# Each root is a checkout whose benchmarks are built (mvn -B -q -pl benchmarks -am package
# -DskipTests, which this script runs when benchmarks/target/classpath.txt is missing). The nlpm
# runs alternate before, after, after, before per thread count; each cell is the median of the
# two runs of that revision (each run itself a median, with the timing rules of torch_bert.py).
# Prints a TSV of every run on stderr and the table on stdout.
set -euo pipefail
before="$(cd "$1" && pwd)"
after="$(cd "$2" && pwd)"
thread_counts="${3:-1 2}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

classpath() {
  local root="$1"
  if [ ! -f "$root/benchmarks/target/classpath.txt" ]; then
    (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests >&2)
  fi
  echo "$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
}
cp_before="$(classpath "$before")"
cp_after="$(classpath "$after")"

at_threads() { local t="$1"; shift; if [ "$t" -gt 1 ]; then OMP_WAIT_POLICY=PASSIVE "$@"; else "$@"; fi; }

raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT
nlpm() {
  local label="$1" cp="$2" threads="$3"
  at_threads "$threads" java -cp "$cp" dev.nlpm.benchmarks.NlpmBertLatency "$threads" bert-tiny bert-mini | sed "s/^nlpm/$label/"
  at_threads "$threads" java -cp "$cp" dev.nlpm.benchmarks.NlpmGptLatency "$threads" | sed "s/^nlpm/$label/"
}
for threads in $thread_counts; do
  echo "torch, $threads thread(s)" >&2
  at_threads "$threads" /usr/bin/python3 "$here/bert/torch_bert.py" "$threads" bert-tiny bert-mini | tee -a "$raw" >&2
  at_threads "$threads" /usr/bin/python3 "$here/gpt/torch_gpt.py" "$threads" | tee -a "$raw" >&2
  for label in before after after before; do
    echo "nlpm $label, $threads thread(s)" >&2
    if [ "$label" = before ]; then cp="$cp_before"; else cp="$cp_after"; fi
    nlpm "$label" "$cp" "$threads" | tee -a "$raw" >&2
  done
done

/usr/bin/python3 - "$raw" <<'PY'
import statistics, sys
cells = {}
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 5:
        continue
    impl, model, threads, case, ms = parts[:5]
    cells.setdefault((model, case, int(threads)), {}).setdefault(impl, []).append(float(ms))
print("| model | case | threads | PyTorch ms | nlpm before ms | nlpm after ms | PyTorch / nlpm before | PyTorch / nlpm after | before ms / after ms |")
print("|---|---|---|---|---|---|---|---|---|")
for (model, case, threads), by in sorted(cells.items()):
    if not {"torch", "before", "after"} <= by.keys():
        continue
    torch = statistics.median(by["torch"])
    b = statistics.median(by["before"])
    a = statistics.median(by["after"])
    print(f"| {model} | {case} | {threads} | {torch:,.2f} | {b:,.2f} | {a:,.2f} | {torch / b:.2f} | {torch / a:.2f} | {b / a:.2f} |")
PY
