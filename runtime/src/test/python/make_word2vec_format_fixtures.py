#!/usr/bin/python3
"""Makes the word2vec fixtures: vector files written by gensim, and gensim's evaluator results.

Rerun from the repository root with Debian's Python (python3-gensim installed):

  /usr/bin/python3 runtime/src/test/python/make_word2vec_format_fixtures.py \
      runtime/src/test/resources/dev/nlpm/runtime/word2vec

It writes, deterministically (fixed values and a fixed seed):
  gensim-vectors.txt, gensim-vectors.bin  5 words of dimension 4, one of them multi-byte UTF-8,
                                          by KeyedVectors.save_word2vec_format (text, binary)
  analogy-vectors.txt                     a small vocabulary with gender, capital and comparative
                                          offsets plus noise, in the text format
  analogy-expected.json                   evaluate_word_analogies on analogy-questions.txt for
                                          restrict_vocab 300000 (the default) and 12, case-
                                          insensitive (the default) and case-sensitive
  similarity-expected.json                evaluate_word_pairs on similarity-pairs.tsv
The questions and pairs files are written by hand and read here.
"""
import json
import logging
import os
import sys

import numpy as np
from gensim.models import KeyedVectors

SEED = 20240611


def main(out_dir):
    logging.disable(logging.CRITICAL)
    format_vectors(out_dir)
    kv = analogy_vectors(out_dir)
    questions = os.path.join(out_dir, "analogy-questions.txt")
    expected = {}
    for restrict in (300000, 12):
        for case_insensitive in (True, False):
            _, sections = kv.evaluate_word_analogies(
                questions, restrict_vocab=restrict, case_insensitive=case_insensitive)
            expected[f"{restrict}/{'insensitive' if case_insensitive else 'sensitive'}"] = [
                {"section": s["section"], "correct": len(s["correct"]),
                 "incorrect": len(s["incorrect"])}
                for s in sections
            ]
    write_json(os.path.join(out_dir, "analogy-expected.json"), expected)

    pearson, spearman, oov_ratio = kv.evaluate_word_pairs(
        os.path.join(out_dir, "similarity-pairs.tsv"))
    write_json(os.path.join(out_dir, "similarity-expected.json"), {
        "spearman": float(spearman[0]), "pearson": float(pearson[0]),
        "oov_percent": float(oov_ratio)})


def format_vectors(out_dir):
    words = ["the", "café", "日本", "king", "x"]
    vectors = np.array([
        [0.1, -0.2, 0.30000001, 1.0],
        [-0.0078125, 1e-07, 123.456, -0.0],
        [3.4e38, -1.5e-40, 2.5, -7.0],
        [0.5, 0.25, -0.125, 0.0625],
        [1.0, 2.0, 3.0, 4.0],
    ], dtype=np.float32)
    kv = KeyedVectors(vector_size=4)
    kv.add_vectors(words, vectors)
    kv.save_word2vec_format(os.path.join(out_dir, "gensim-vectors.txt"), binary=False)
    kv.save_word2vec_format(os.path.join(out_dir, "gensim-vectors.bin"), binary=True)


def analogy_vectors(out_dir):
    rng = np.random.RandomState(SEED)
    dim = 8
    base = {name: rng.normal(size=dim) for name in
            ["person", "royal", "child", "paris", "rome", "tokyo", "big", "small", "fast"]}
    female = rng.normal(size=dim)
    country = rng.normal(size=dim)
    comparative = rng.normal(size=dim)
    noise = 0.8
    entries = [
        ("man", base["person"]), ("woman", base["person"] + female),
        ("king", base["royal"]), ("queen", base["royal"] + female),
        ("boy", base["child"]), ("girl", base["child"] + female),
        ("paris", base["paris"]), ("france", base["paris"] + country),
        ("rome", base["rome"]), ("italy", base["rome"] + country),
        ("tokyo", base["tokyo"]), ("japan", base["tokyo"] + country),
        ("big", base["big"]), ("bigger", base["big"] + comparative),
        ("small", base["small"]), ("smaller", base["small"] + comparative),
        ("fast", base["fast"]), ("faster", base["fast"] + comparative),
        ("King", base["person"] * 0.2 + rng.normal(size=dim)),
    ]
    words = [w for w, _ in entries]
    vectors = np.array([v + noise * rng.normal(size=dim) for _, v in entries], dtype=np.float32)
    kv = KeyedVectors(vector_size=dim)
    kv.add_vectors(words, vectors)
    path = os.path.join(out_dir, "analogy-vectors.txt")
    kv.save_word2vec_format(path, binary=False)
    # Evaluate what the Java side will read: the vectors as parsed back from the file.
    return KeyedVectors.load_word2vec_format(path, binary=False)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(value, out, indent=2, sort_keys=True, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
