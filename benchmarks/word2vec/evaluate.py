#!/usr/bin/python3
"""Scores word vectors (word2vec text format) on the analogy questions with one evaluator for
every implementation: gensim's KeyedVectors.evaluate_word_analogies (3CosAdd, case-insensitive,
the 300,000 most frequent words). Prints one JSON line: accuracy and coverage, in all and for the
semantic and syntactic sections apart (the syntactic ones are named gram*).

  /usr/bin/python3 evaluate.py VECTORS.txt ANALOGIES.txt
"""
import json
import logging
import sys

from gensim.models import KeyedVectors


def main(vectors, analogies):
    kv = KeyedVectors.load_word2vec_format(vectors)
    _, sections = kv.evaluate_word_analogies(analogies)
    totals = {"semantic": [0, 0], "syntactic": [0, 0], "all": [0, 0]}
    for section in sections:
        name = section["section"]
        if name == "Total accuracy":
            continue
        kind = "syntactic" if name.startswith("gram") else "semantic"
        for key in (kind, "all"):
            totals[key][0] += len(section["correct"])
            totals[key][1] += len(section["correct"]) + len(section["incorrect"])
    questions = 0
    with open(analogies, encoding="utf-8") as f:
        questions = sum(1 for line in f if line.strip() and not line.startswith(":"))
    result = {k: round(100.0 * c / n, 2) if n else 0.0 for k, (c, n) in totals.items()}
    result["coverage"] = round(100.0 * totals["all"][1] / questions, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main(*sys.argv[1:])
