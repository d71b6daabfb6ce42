#!/usr/bin/env bash
# word2vec side by side: gensim (Debian's python3-gensim) and nlpm train on the same corpus with
# the same settings (dim 100, window 5, 5 epochs, min-count 5, sample 1e-3, alpha 0.025 -> 0.0001),
# for skip-gram + negative sampling, CBOW + negative sampling and skip-gram + hierarchical softmax,
# at 1 and 2 threads; prints words per second and wall time for both and their ratio, then scores
# every model's vectors with one evaluator (gensim's evaluate_word_analogies) averaged over seeds.
#
#   benchmarks/word2vec/side_by_side.sh [DATA_DIR] [CONFIGS] [THREADS] [SEEDS]
#   e.g. benchmarks/word2vec/side_by_side.sh ../shared/data "sg:ns cbow:ns sg:hs" "1 2" "1 2 3"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$(cd "${1:-$root/../shared/data}" && pwd)"
configs="${2:-sg:ns cbow:ns sg:hs}"
thread_counts="${3:-1 2}"
seeds="${4:-1 2 3}"
here="$root/benchmarks/word2vec"
work="$root/benchmarks/target/word2vec"
mkdir -p "$work"

(cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
corpus="$work/corpus.txt"
/usr/bin/python3 "$here/prepare_corpus.py" "$data" "$corpus"
export OMP_WAIT_POLICY=PASSIVE

field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['$1'])"; }

echo "| configuration | threads | gensim effective words/s | nlpm effective words/s | gensim s | nlpm s | nlpm/gensim speed |"
echo "|---|---|---|---|---|---|---|"
for config in $configs; do
  arch="${config%%:*}"; output="${config##*:}"
  for threads in $thread_counts; do
    # Every seed at the first thread count (the accuracy rows average them); the first seed only
    # at the others, which only the speed rows use.
    run_seeds="$seeds"
    if [ "$threads" != "$(echo $thread_counts | cut -d' ' -f1)" ]; then run_seeds="$(echo $seeds | cut -d' ' -f1)"; fi
    for seed in $run_seeds; do
      g=$(/usr/bin/python3 "$here/gensim_train.py" "$corpus" "$work/gensim-$arch-$output-$threads-$seed.txt" "$arch" "$output" "$threads" "$seed")
      n=$(java -cp "$cp" dev.nlpm.benchmarks.Word2VecTraining "$corpus" "$work/nlpm-$arch-$output-$threads-$seed.txt" "$arch" "$output" "$threads" "$seed" 2>/dev/null)
      if [ "$seed" = "$(echo $seeds | cut -d' ' -f1)" ]; then
        gs=$(echo "$g" | field train_seconds); ns=$(echo "$n" | field train_seconds)
        gw=$(echo "$g" | field effective_words_per_second); nw=$(echo "$n" | field effective_words_per_second)
        echo "| $arch+$output | $threads | $gw | $nw | $gs | $ns | $(/usr/bin/python3 -c "print(f'{$gs/$ns:.2f}')") |"
      fi
    done
  done
done

echo
echo "Analogy accuracy (%), gensim's evaluator on both, mean over seeds $seeds, 1 thread:"
echo "| configuration | gensim all | nlpm all | gensim semantic | nlpm semantic | gensim syntactic | nlpm syntactic | coverage |"
echo "|---|---|---|---|---|---|---|---|"
first_threads=$(echo $thread_counts | cut -d' ' -f1)
for config in $configs; do
  arch="${config%%:*}"; output="${config##*:}"
  /usr/bin/python3 - "$work" "$arch-$output-$first_threads" "$data/analogy-questions-words.txt" "$here/evaluate.py" $seeds <<'PY'
import json, subprocess, sys
work, tag, analogies, evaluate, *seeds = sys.argv[1:]
def score(impl):
    rs = [json.loads(subprocess.check_output(["/usr/bin/python3", evaluate, f"{work}/{impl}-{tag}-{s}.txt", analogies])) for s in seeds]
    return {k: sum(r[k] for r in rs) / len(rs) for k in rs[0]}
g, n = score("gensim"), score("nlpm")
print(f"| {tag.rsplit('-', 1)[0].replace('-', '+')} | {g['all']:.2f} | {n['all']:.2f} | {g['semantic']:.2f} | {n['semantic']:.2f} | {g['syntactic']:.2f} | {n['syntactic']:.2f} | {g['coverage']:.1f} |")
PY
done
