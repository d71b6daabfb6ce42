#!/usr/bin/env bash
# Tokens per second of nlpm's WordPiece and byte-level BPE tokenizers (JMH, 1 thread) and of
# the reference implementations (Python) on the same text, side by side in one run.
#
#   benchmarks/tokenizers/run.sh [DATA_DIR]      # DATA_DIR defaults to ../shared/data
#
# Needs /usr/bin/python3 with python3-regex (apt-get install python3-regex python3-six) and the
# two reference sources, fetched once into benchmarks/tokenizers/reference/ (see README.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$(cd "${1:-$root/../shared/data}" && pwd)"
ref="$root/benchmarks/tokenizers/reference"
# The same files as TokenizerThroughputBenchmark.ENGLISH.
english=("$data/austen-novels.txt" "$data/bible-kjv.txt" "$data/dostoevsky-crime-and-punishment.txt"
         "$data/tinyshakespeare.txt" "$data/tolstoy-anna-karenina.txt" "$data/tolstoy-war-and-peace.txt")

(cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"

echo "== nlpm (JMH, 1 thread, $(java -version 2>&1 | head -1))"
java -cp "$cp" org.openjdk.jmh.Main TokenizerThroughputBenchmark \
  -p data="$data" -t 1 -f 1 -wi 3 -i 5 -rf json \
  -rff "$root/benchmarks/target/tokenizers-jmh.json"

echo "== reference implementations (Python $(/usr/bin/python3 --version 2>&1 | cut -d' ' -f2), 1 thread)"
/usr/bin/python3 "$root/benchmarks/tokenizers/reference_throughput.py" \
  --bert-tokenization "$ref/tokenization.py" --gpt2-encoder "$ref/encoder.py" \
  --vocab-dir "$data/vocab" "${english[@]}" | tee "$root/benchmarks/target/tokenizers-reference.jsonl"

/usr/bin/python3 "$root/benchmarks/tokenizers/table.py" \
  "$root/benchmarks/target/tokenizers-jmh.json" "$root/benchmarks/target/tokenizers-reference.jsonl"
