#!/usr/bin/python3
"""Tokens per second of the reference tokenizers, for the side-by-side table in the README.

Runs BERT's reference WordPiece (google-research/bert tokenization.py) and GPT-2's reference
byte-level BPE (openai/gpt-2 src/encoder.py) over the same text the JMH benchmark reads, on one
thread, and prints one JSON object per tokenizer. The reference sources are not part of this
repository: pass their paths (see benchmarks/tokenizers/README.md for where to get them).

  /usr/bin/python3 reference_throughput.py --bert-tokenization tokenization.py \
      --gpt2-encoder encoder.py --vocab-dir ../shared/data/vocab --limit-bytes 4000000 FILE...
"""
import argparse
import importlib.util
import json
import os
import sys
import time
import types


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stub_tensorflow():
    # tokenization.py only uses tf.gfile.GFile to open the vocabulary.
    tf = types.ModuleType("tensorflow")
    tf.gfile = types.SimpleNamespace(GFile=open)
    sys.modules.setdefault("tensorflow", tf)


def read_lines(files, limit_bytes):
    lines, used = [], 0
    for path in files:
        with open(path, "rb") as f:
            for raw in f:
                if limit_bytes and used + len(raw) > limit_bytes:
                    return lines, used
                used += len(raw)
                lines.append(raw.decode("utf-8").rstrip("\n"))
    return lines, used


def measure(name, encode, lines, used):
    start = time.perf_counter()
    tokens = 0
    for line in lines:
        tokens += len(encode(line))
    seconds = time.perf_counter() - start
    print(json.dumps({"tokenizer": name, "implementation": "reference (Python)",
                      "bytes": used, "lines": len(lines), "tokens": tokens,
                      "seconds": round(seconds, 3),
                      "tokens_per_second": round(tokens / seconds)}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bert-tokenization", required=True)
    parser.add_argument("--gpt2-encoder", required=True)
    parser.add_argument("--vocab-dir", required=True)
    parser.add_argument("--limit-bytes", type=int, default=0)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    lines, used = read_lines(args.files, args.limit_bytes)

    stub_tensorflow()
    if "six" not in sys.modules:
        try:
            import six  # noqa: F401
        except ImportError:
            sys.modules["six"] = types.SimpleNamespace(PY3=True, PY2=False, text_type=str,
                                                       binary_type=bytes)
    bert = load_module("tokenization", args.bert_tokenization)
    wordpiece = bert.FullTokenizer(os.path.join(args.vocab_dir, "bert-base-uncased-vocab.txt"),
                                   do_lower_case=True)
    measure("wordpiece (bert-base-uncased)",
            lambda s: wordpiece.convert_tokens_to_ids(wordpiece.tokenize(s)), lines, used)

    gpt2 = load_module("encoder", args.gpt2_encoder)
    with open(os.path.join(args.vocab_dir, "gpt2-vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(args.vocab_dir, "gpt2-merges.txt"), encoding="utf-8") as f:
        merges = [tuple(line.split()) for line in f.read().split("\n")[1:-1]]
    bpe = gpt2.Encoder(encoder=vocab, bpe_merges=merges)
    measure("byte-level BPE (gpt2)", bpe.encode, lines, used)


if __name__ == "__main__":
    main()
