#!/usr/bin/env bash
# Vectors written by the original C tool, for Word2VecFormatTest: word2vec.c (github.com/tmikolov/word2vec,
# not committed here) trained on a small fixed corpus, saved in its binary and its text format.
#
#   runtime/src/test/python/make_word2vec_c_fixtures.sh PATH/TO/word2vec.c OUT_DIR
set -euo pipefail
source="$1"
out="$(cd "$2" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/word2vec" "$source" -lm -pthread 2>/dev/null
# 300 lines over 12 words (one with a multi-byte character), deterministic.
for i in $(seq 1 300); do
  echo "the cat sat on the mat $((i % 3)) café dog ran $((i % 5)) home"
done > "$work/corpus.txt"
for binary in 0 1; do
  ext=$([ "$binary" = 1 ] && echo bin || echo txt)
  "$work/word2vec" -train "$work/corpus.txt" -output "$out/c-tool-vectors.$ext" -size 6 -window 2 -negative 2 \
      -hs 0 -sample 0 -min-count 1 -iter 1 -threads 1 -binary "$binary" -cbow 0 >/dev/null
done
