#!/usr/bin/python3
"""Prints the README's tokenizer rows from one run: JMH's JSON and the reference's JSON lines."""
import json
import sys

NAMES = {"wordpiece": "wordpiece (bert-base-uncased)", "bpe": "byte-level BPE (gpt2)"}


def main(jmh_path, reference_path):
    with open(jmh_path) as f:
        jmh = json.load(f)
    nlpm = {}
    for result in jmh:
        tokens = result["secondaryMetrics"]["tokens"]
        nlpm[NAMES[result["params"]["tokenizer"]]] = (tokens["score"], tokens["scoreError"])
    with open(reference_path) as f:
        reference = {r["tokenizer"]: r for r in map(json.loads, filter(str.strip, f))}
    print("| tokenizer | nlpm tokens/s (1 thread) | reference tokens/s (Python, 1 thread) | ratio |")
    print("|---|---|---|---|")
    for name, (score, error) in nlpm.items():
        ref = reference[name]["tokens_per_second"]
        print(f"| {name} | {score:,.0f} ± {error:,.0f} | {ref:,.0f} | {score / ref:.1f}× |")


if __name__ == "__main__":
    main(*sys.argv[1:])
